"""Inputs that used to lose rows with exit 0: odd landing roots, links,
mis-named hour folders, days with nothing valid (inline runner, no JVM)."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest

from generator import generate_landing
from kickback.landing import LandingError
from kickback.pipeline import PipelineError, check_partitions, run_pipeline
from mapreduce.records import EVENT_COLUMNS

DAY = dt.date(2026, 11, 27)
PURCHASE = (b'{"event_id":"%s","device_id":"p-1","device_type":"phone","event_type":"purchase",'
            b'"member_id":"m-1","ts":"2026-11-27T%s:10:00Z",'
            b'"attrs":{"merchant_id":"x","amount_cents":500,"points":5}}\n')


def _purchase(event_id: str, hour: int) -> bytes:
    return PURCHASE % (event_id.encode(), b"%02d" % hour)


def _land(root, hour, name, data):
    folder = Path(root) / ("dt=%s" % DAY) / ("hour=%02d" % hour)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def _run(settings, lines=None, **kwargs):
    return run_pipeline(settings, kwargs.pop("day", DAY), runner="inline",
                        say=(lines.append if lines is not None else lambda _: None), **kwargs)


def _lines_of(folder) -> int:
    return sum(part.read_bytes().count(b"\n") for part in folder.glob("part-*"))


def test_a_landing_root_that_looks_like_a_warehouse_path_is_read_as_raw(tmp_settings, tmp_path):
    landing = tmp_path / "data" / "events"   # its files contain /events/dt=
    settings = tmp_settings.replace(landing_dir=landing)
    manifest = generate_landing(landing, DAY, [8], seed=3, members=20, devices=40, events=200,
                                progress=False)
    report = _run(settings)
    intended = manifest.hours[0].outcomes
    assert report.counters["read"] == sum(intended.values())
    assert report.counters["valid"] == intended["valid"] > 0
    events = Path(settings.warehouse_dir) / "events" / "dt=2026-11-27" / "hour=08"
    assert _lines_of(events) == intended["valid"]


def test_a_landing_inside_the_warehouse_is_refused(tmp_settings):
    settings = tmp_settings.replace(landing_dir=str(Path(tmp_settings.warehouse_dir) / "landing"))
    _land(settings.landing_dir, 8, "a.jsonl", _purchase("e-1", 8))
    with pytest.raises(PipelineError, match="inside the warehouse"):
        _run(settings)


def test_a_linked_file_is_refused_with_one_line(tmp_settings):
    target = _land(tmp_settings.landing_dir, 9, "b.jsonl", _purchase("e-9", 9))
    folder = Path(tmp_settings.landing_dir) / ("dt=%s" % DAY) / "hour=08"
    folder.mkdir(parents=True)
    os.symlink(target, folder / "a.jsonl")
    with pytest.raises(LandingError, match=r"hour=08/a.jsonl is a symbolic link") as caught:
        _run(tmp_settings)
    assert "\n" not in str(caught.value)
    assert not (Path(tmp_settings.warehouse_dir) / "events").exists()


def test_a_link_to_a_file_outside_the_landing_is_refused(tmp_settings, tmp_path):
    outside = tmp_path / "elsewhere.jsonl"
    outside.write_bytes(_purchase("e-1", 8))
    folder = Path(tmp_settings.landing_dir) / ("dt=%s" % DAY) / "hour=08"
    folder.mkdir(parents=True)
    os.symlink(outside, folder / "a.jsonl")
    with pytest.raises(LandingError, match="symbolic link"):
        _run(tmp_settings)


def test_an_hour_folder_that_is_a_link_is_refused(tmp_settings, tmp_path):
    real = tmp_path / "real-hour"
    real.mkdir()
    (real / "a.jsonl").write_bytes(_purchase("e-1", 8))
    day = Path(tmp_settings.landing_dir) / ("dt=%s" % DAY)
    day.mkdir(parents=True)
    os.symlink(real, day / "hour=08")
    with pytest.raises(LandingError, match="hour=08 is a symbolic link"):
        _run(tmp_settings)


def test_misnamed_hour_folders_and_stray_files_are_reported_once_each(tmp_settings):
    _land(tmp_settings.landing_dir, 8, "a.jsonl", _purchase("e-1", 8))
    _land(tmp_settings.landing_dir, 8, "notes.txt", b"hello\n")
    _land(tmp_settings.landing_dir, 8, "_manifest.json", b"{}")
    day = Path(tmp_settings.landing_dir) / ("dt=%s" % DAY)
    for name in ("hour=8", "hour=99", "hour=ab"):
        (day / name).mkdir()
        (day / name / "x.jsonl").write_bytes(_purchase("e-%s" % name, 8))
    (day / "stray.jsonl").write_bytes(_purchase("e-stray", 8))
    said = []
    report = _run(tmp_settings, said)
    ignored = sorted(os.path.relpath(item.split(": ")[0], day) for item in report.ignored)
    assert ignored == sorted(["hour=8", "hour=99", "hour=ab", "hour=08/notes.txt", "stray.jsonl"])
    for name in ("hour=8", "hour=99", "hour=ab", "stray.jsonl", "notes.txt"):
        assert sum(name in line and line.startswith("ignored ") for line in said) == 1, name
    assert not any("_manifest.json" in line for line in said)
    assert report.counters["read"] == 1


def test_the_run_summary_lists_what_was_ignored(tmp_settings):
    from kickback.commands.pipeline import format_report

    _land(tmp_settings.landing_dir, 8, "a.jsonl", _purchase("e-1", 8))
    (Path(tmp_settings.landing_dir) / ("dt=%s" % DAY) / "hour=8").mkdir()
    report = _run(tmp_settings)
    text = format_report(report, 1.0)
    assert "ignored" in text and "hour=8" in text


class _NoStdin(io.RawIOBase):
    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the pipeline read standard input")


def test_a_day_with_no_valid_events_finishes_without_touching_stdin(tmp_settings, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(_NoStdin())))
    _land(tmp_settings.landing_dir, 8, "a.jsonl", b"not json\n{\"event_id\": 1}\n")
    report = _run(tmp_settings)
    assert report.counters["valid"] == 0 and report.counters["read"] == 2
    warehouse = Path(tmp_settings.warehouse_dir)
    for dataset in ("device_summary", "member_summary"):
        folder = warehouse / dataset / "dt=2026-11-27"
        assert (folder / "_SUCCESS").exists() and _lines_of(folder) == 0
    assert _lines_of(warehouse / "quarantine" / "dt=2026-11-27" / "hour=08") == 2
    assert (warehouse / "_runs" / "dt=2026-11-27.json").exists()


def test_an_empty_landing_file_finishes_too(tmp_settings, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(_NoStdin())))
    _land(tmp_settings.landing_dir, 8, "a.jsonl", b"")
    report = _run(tmp_settings)
    assert report.counters["read"] == 0
    assert (Path(tmp_settings.warehouse_dir) / "events" / "dt=2026-11-27" / "hour=08" / "_SUCCESS").exists()


def test_stage_one_publishes_exactly_the_partitions_it_counted():
    expected = ["events/dt=2026-11-27/hour=08", "quarantine/dt=2026-11-27/hour=08"]
    check_partitions({"events/dt=2026-11-27/hour=08": 3}, expected, "validate")
    with pytest.raises(PipelineError, match="unexpected partitions: events/dt=2026-11-27/hour=09"):
        check_partitions({"events/dt=2026-11-27/hour=09": 3}, expected, "validate")


def test_events_rows_follow_their_own_landing_hour(tmp_settings):
    _land(tmp_settings.landing_dir, 8, "a.jsonl", _purchase("e-8", 8))
    _land(tmp_settings.landing_dir, 9, "a.jsonl", _purchase("e-9", 9))
    _run(tmp_settings)
    from mapreduce import tsv

    for hour in (8, 9):
        folder = Path(tmp_settings.warehouse_dir) / "events" / "dt=2026-11-27" / ("hour=%02d" % hour)
        rows = [tsv.decode_record(line, EVENT_COLUMNS)
                for part in sorted(folder.glob("part-*")) for line in part.read_text().splitlines()]
        assert [row["event_id"] for row in rows] == ["e-%d" % hour]


def test_a_run_with_other_hours_in_its_window_sketches_its_ids_first(tmp_settings):
    landing = tmp_settings.landing_dir
    _land(landing, 8, "a.jsonl", _purchase("e-1", 8) + _purchase("e-2", 8))
    first: list[str] = []
    _run(tmp_settings, first)
    assert not any("sketch" in line for line in first)  # no other hour's index to filter
    raw = _land(landing, 9, "a.jsonl", _purchase("e-1", 9) + _purchase("e-3", 9))
    lines: list[str] = []
    report = _run(tmp_settings, lines, hours=[9])
    assert report.counters["duplicate"] == 1 and report.counters["valid"] == 1
    assert any("sketch the run's event ids" in line for line in lines)
    # hour 08 owns e-1 and e-2: only e-2's entry meets no copy of the run
    assert "      read 2 id index entries: 1 skipped (their ids are not in the run)" in lines
    # the raw file is read twice (sketch, validate), the filter once
    assert report.bytes_read > 2 * raw.stat().st_size


def _rows_of(folder: Path) -> list[str]:
    return sorted(line for part in folder.glob("part-*") for line in part.read_text().splitlines())


def test_a_day_split_with_no_touched_member_keeps_every_member_row(tmp_settings):
    from mapreduce import tsv
    from mapreduce.records import DEVICE_DAILY_COLUMNS

    landing, warehouse = tmp_settings.landing_dir, Path(tmp_settings.warehouse_dir)
    _land(landing, 8, "a.jsonl", _purchase("e-1", 8) + _purchase("e-2", 8).replace(b'"p-1"', b'"p-2"')
          .replace(b'"m-1"', b'"m-2"'))
    _run(tmp_settings)
    members = warehouse / "member_daily" / "dt=2026-11-27"
    before = _rows_of(members)
    # Hour 09 brings one heartbeat of p-2 from 08:30: it touches p-2's row of
    # the day, and no member row, so the whole member_daily partition is carried
    # (kept apart, as hour 08's run of the same landing day wrote it).
    _land(landing, 9, "a.jsonl", b'{"event_id":"e-3","device_id":"p-2","device_type":"phone",'
          b'"event_type":"heartbeat","ts":"2026-11-27T08:30:00Z","attrs":{"battery_pct":50}}\n')
    lines: list[str] = []
    _run(tmp_settings, lines, hours=[9])
    assert any(line.strip().startswith("split 1 days") for line in lines), lines
    assert _rows_of(members) == before and len(before) == 2
    parts = [part for part in members.glob("part-*") if part.stat().st_size]
    assert parts and all(part.name.endswith("-kept") for part in parts), parts
    devices = {row["device_id"]: row for row in (tsv.decode_record(line, DEVICE_DAILY_COLUMNS)
                                                 for line in _rows_of(warehouse / "device_daily" / "dt=2026-11-27"))}
    assert {device: row["event_count"] for device, row in devices.items()} == {"p-1": "1", "p-2": "2"}


def test_a_damaged_id_index_stops_the_run_before_anything_is_published(tmp_settings):
    landing = tmp_settings.landing_dir
    _land(landing, 8, "a.jsonl", _purchase("e-1", 8) + _purchase("e-2", 8))
    _run(tmp_settings)
    index = Path(tmp_settings.warehouse_dir) / "_state/ids/dt=2026-11-27/hour=08"
    part = sorted(index.glob("part-*"))[0]
    part.write_bytes(part.read_bytes() + b"e-9\t2026-11-27\n")
    _land(landing, 9, "a.jsonl", _purchase("e-3", 9))
    with pytest.raises(PipelineError, match="1 rows of the warehouse's events or state could not be read"):
        _run(tmp_settings, hours=[9])
    assert not (Path(tmp_settings.warehouse_dir) / "events/dt=2026-11-27/hour=09").exists()
