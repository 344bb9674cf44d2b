"""Finding and checking landing files."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from kickback.landing import LandingError, check_files, find_landing, parse_day
from warehouse.storage import Storage


def find(root, day, hours=None):
    return find_landing(Storage(str(root)), day, hours)

DAY = dt.date(2026, 11, 27)


def _land(root, hour, name, data=b"{}\n"):
    folder = root / "dt=2026-11-27" / ("hour=%02d" % hour)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def test_finds_present_hours_and_only_landing_files(tmp_path):
    _land(tmp_path, 3, "a.jsonl")
    _land(tmp_path, 3, "_manifest.json")
    _land(tmp_path, 5, "b.jsonl.gz", gzip.compress(b"{}\n"))
    landing = find(tmp_path, DAY)
    assert [(h.hour, h.names) for h in landing.hours] == [(3, ["a.jsonl"]), (5, ["b.jsonl.gz"])]
    assert check_files(landing) > 0


def test_a_requested_hour_without_files_is_an_error(tmp_path):
    _land(tmp_path, 3, "a.jsonl")
    with pytest.raises(LandingError, match="no landing files in .*hour=04"):
        find(tmp_path, DAY, [4])


@pytest.mark.parametrize("text", ["2026-13-01", "yesterday", "", "2026/11/27"])
def test_bad_dates_are_refused(text):
    with pytest.raises(LandingError, match="bad date"):
        parse_day(text)


def test_truncated_gzip_is_named(tmp_path):
    _land(tmp_path, 1, "a.jsonl.gz", gzip.compress(b"{}\n" * 1000)[:-20])
    with pytest.raises(LandingError, match="a.jsonl.gz is not a readable gzip file"):
        check_files(find(tmp_path, DAY))
