"""Finding and checking landing files."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from kickback.landing import LandingError, check_files, find_hours, parse_day

DAY = dt.date(2026, 11, 27)


def _land(root, hour, name, data=b"{}\n"):
    folder = root / "dt=2026-11-27" / ("hour=%02d" % hour)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def test_finds_present_hours_and_only_landing_files(tmp_path):
    _land(tmp_path, 3, "a.jsonl")
    _land(tmp_path, 3, "_manifest.json")
    _land(tmp_path, 5, "b.jsonl.gz", gzip.compress(b"{}\n"))
    hours = find_hours(tmp_path, DAY)
    assert [(h.hour, [p.name for p in h.files]) for h in hours] == [(3, ["a.jsonl"]), (5, ["b.jsonl.gz"])]
    assert check_files(hours) > 0


def test_a_requested_hour_without_files_is_an_error(tmp_path):
    _land(tmp_path, 3, "a.jsonl")
    with pytest.raises(LandingError, match="no landing files in .*hour=04"):
        find_hours(tmp_path, DAY, [4])


@pytest.mark.parametrize("text", ["2026-13-01", "yesterday", "", "2026/11/27"])
def test_bad_dates_are_refused(text):
    with pytest.raises(LandingError, match="bad date"):
        parse_day(text)


def test_truncated_gzip_is_named(tmp_path):
    _land(tmp_path, 1, "a.jsonl.gz", gzip.compress(b"{}\n" * 1000)[:-20])
    with pytest.raises(LandingError, match="a.jsonl.gz is not a readable gzip file"):
        check_files(find_hours(tmp_path, DAY))
