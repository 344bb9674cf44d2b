"""The pipeline driver end to end on the inline runner (no JVM).

The generator's manifest says what every line it wrote must become under the
input contract; the pipeline's counters must say the same.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from generator import generate_landing
from kickback.landing import LandingError
from kickback.pipeline import PipelineError, check_accounting, run_pipeline
from mapreduce import tsv
from mapreduce.records import EVENT_COLUMNS, MEMBER_DAILY_COLUMNS, MEMBER_EVENT_COLUMNS
from tests.warehouse_tree import published

DAY = dt.date(2026, 11, 27)


def _generate(settings, hours, events=600, day=DAY, seed=7):
    return generate_landing(
        Path(settings.landing_dir), day, hours, seed=seed, members=40, devices=80, events=events,
        bad_rate=0.05, duplicate_rate=0.05, late_rate=0.1, progress=False,
    )


def _run(settings, **kwargs):
    return run_pipeline(settings, kwargs.pop("day", DAY), runner="inline", say=lambda _: None, **kwargs)


def _rows(folder, columns):
    rows = []
    for part in sorted(folder.glob("part-*")):
        rows += [tsv.decode_record(line.rstrip("\n"), columns) for line in part.open(encoding="utf-8")]
    return rows


def test_counters_equal_what_the_generator_intended(tmp_settings):
    manifest = _generate(tmp_settings, [8, 9])
    report = _run(tmp_settings)
    intended = {}
    for hour in manifest.hours:
        for outcome, n in hour.outcomes.items():
            intended[outcome] = intended.get(outcome, 0) + n
    assert report.counters["valid"] == intended["valid"]
    assert report.counters["duplicate"] == intended["duplicate"]
    for reason in ("oversize", "malformed", "missing_field", "bad_value", "bad_timestamp"):
        assert report.counters["rejected_" + reason] == intended[reason], reason
    assert report.rows["events"] == intended["valid"]


def test_outputs_are_partitioned_sealed_and_each_event_is_kept_once(tmp_settings):
    _generate(tmp_settings, [8, 9])
    report = _run(tmp_settings)
    warehouse = Path(tmp_settings.warehouse_dir).resolve()
    for dataset in ("events", "quarantine"):
        for hour in (8, 9):
            assert (warehouse / dataset / "dt=2026-11-27" / ("hour=%02d" % hour) / "_SUCCESS").exists()
    ids = [row["event_id"] for hour in (8, 9)
           for row in _rows(warehouse / ("events/dt=2026-11-27/hour=%02d" % hour), EVENT_COLUMNS)]
    assert len(ids) == len(set(ids)) == report.counters["valid"]
    for day in report.event_days:
        assert (warehouse / "member_daily" / ("dt=" + day) / "_SUCCESS").exists()
    manifest = json.loads((warehouse / "_runs" / "dt=2026-11-27.json").read_text())
    assert manifest["event_days"] == report.event_days


def test_rerun_gives_byte_identical_partitions(tmp_settings):
    _generate(tmp_settings, [8])
    _run(tmp_settings)
    first = published(tmp_settings.warehouse_dir, state=True)
    _run(tmp_settings)
    assert published(tmp_settings.warehouse_dir, state=True) == first
    assert "member_summary/dt=2026-11-27" in first and "_state/ids/dt=2026-11-27/hour=08" in first


def test_a_copy_landing_in_a_later_hour_is_a_duplicate_across_runs(tmp_settings):
    line = (b'{"event_id":"e-1","device_id":"p-1","device_type":"phone","event_type":"purchase",'
            b'"member_id":"m-1","ts":"2026-11-27T08:10:00Z",'
            b'"attrs":{"merchant_id":"x","amount_cents":500,"points":5}}\n')
    for hour in (8, 9):
        folder = Path(tmp_settings.landing_dir) / "dt=2026-11-27" / ("hour=%02d" % hour)
        folder.mkdir(parents=True)
        (folder / "a.jsonl").write_bytes(line)
    first = _run(tmp_settings, hours=[8])
    second = _run(tmp_settings, hours=[9])
    assert (first.counters["valid"], first.counters["duplicate"]) == (1, 0)
    assert (second.counters["valid"], second.counters["duplicate"]) == (0, 1)
    # Rerunning the earlier hour does not give its event away.
    again = _run(tmp_settings, hours=[8])
    assert (again.counters["valid"], again.counters["duplicate"]) == (1, 0)


def test_late_event_recomputes_the_earlier_day_without_double_counting(tmp_settings):
    def purchase(event_id, ts, points):
        return ('{"event_id":"%s","device_id":"p-1","device_type":"phone","event_type":"purchase",'
                '"member_id":"m-1","ts":"%s","attrs":{"merchant_id":"x","amount_cents":100,"points":%d}}\n'
                % (event_id, ts, points)).encode()

    day1 = Path(tmp_settings.landing_dir) / "dt=2026-11-26" / "hour=10"
    day1.mkdir(parents=True)
    (day1 / "a.jsonl").write_bytes(purchase("e-1", "2026-11-26T10:00:00Z", 5))
    _run(tmp_settings, day=dt.date(2026, 11, 26))
    day2 = Path(tmp_settings.landing_dir) / "dt=2026-11-27" / "hour=01"
    day2.mkdir(parents=True)
    (day2 / "a.jsonl").write_bytes(
        purchase("e-2", "2026-11-26T23:00:00Z", 7) + purchase("e-1", "2026-11-26T10:00:00Z", 5))
    report = _run(tmp_settings, day=dt.date(2026, 11, 27))
    assert report.event_days == ["2026-11-26"]
    assert (report.counters["valid"], report.counters["duplicate"]) == (1, 1)
    daily = _rows(Path(tmp_settings.warehouse_dir) / "member_daily" / "dt=2026-11-26", MEMBER_DAILY_COLUMNS)
    assert [(row["member_id"], row["purchases"], row["points_earned"]) for row in daily] == [("m-1", "2", "12")]


def test_a_late_event_adds_its_member_events_row_without_rewriting_the_day(tmp_settings):
    def purchase(event_id, ts):
        return ('{"event_id":"%s","device_id":"p-1","device_type":"phone","event_type":"purchase",'
                '"member_id":"m-1","ts":"%s","attrs":{"merchant_id":"x","amount_cents":100,"points":1}}\n'
                % (event_id, ts)).encode()

    for day, hour, lines in (("2026-11-26", 10, purchase("e-1", "2026-11-26T10:00:00Z")),
                             ("2026-11-27", 1, purchase("e-2", "2026-11-26T23:00:00Z")),
                             ("2026-11-28", 2, purchase("e-3", "2026-11-26T22:00:00Z"))):
        folder = Path(tmp_settings.landing_dir) / ("dt=" + day) / ("hour=%02d" % hour)
        folder.mkdir(parents=True)
        (folder / "a.jsonl").write_bytes(lines)
    events = Path(tmp_settings.warehouse_dir) / "member_events" / "dt=2026-11-26"
    _run(tmp_settings, day=dt.date(2026, 11, 26))
    (first,) = events.glob("part-*")
    first_bytes, first_inode = first.read_bytes(), first.stat().st_ino
    report = _run(tmp_settings, day=dt.date(2026, 11, 27))
    assert report.rows["member_events"] == 1
    # the day's file is the same file, untouched; the late row is a file of its own
    assert (first.read_bytes(), first.stat().st_ino) == (first_bytes, first_inode)
    files = sorted(events.glob("part-*"))
    assert len(files) == 2 and b"\te-2\t" in b"".join(path.read_bytes() for path in files if path != first)
    _run(tmp_settings, day=dt.date(2026, 11, 28))
    _run(tmp_settings, day=dt.date(2026, 11, 27))  # a re-run adds nothing
    ids = [row["event_id"] for row in _rows(events, MEMBER_EVENT_COLUMNS)]
    assert sorted(ids) == ["e-1", "e-2", "e-3"] and len(list(events.glob("part-*"))) == 3


def test_missing_landing_is_one_clear_error(tmp_settings):
    with pytest.raises(LandingError, match="no landing for 2026-11-27"):
        _run(tmp_settings)


def test_broken_gzip_stops_the_run_and_publishes_nothing(tmp_settings):
    folder = Path(tmp_settings.landing_dir) / "dt=2026-11-27" / "hour=08"
    folder.mkdir(parents=True)
    (folder / "a.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(LandingError, match="a.jsonl.gz is not a readable gzip file"):
        _run(tmp_settings)
    assert not (Path(tmp_settings.warehouse_dir) / "events").exists()


def test_every_member_of_a_gzip_landing_file_is_read(tmp_settings):
    # Collectors that append to a .gz write one gzip member per append.
    folder = Path(tmp_settings.landing_dir) / "dt=2026-11-27" / "hour=08"
    folder.mkdir(parents=True)
    events = [('{"event_id":"g-%d","device_id":"p-1","device_type":"phone","event_type":"app_open",'
               '"ts":"2026-11-27T08:%02d:00Z","attrs":{}}\n' % (n, n)).encode() for n in range(6)]
    (folder / "a.jsonl.gz").write_bytes(gzip.compress(b"".join(events[:3])) + gzip.compress(b"".join(events[3:])))
    report = _run(tmp_settings)
    assert report.counters["read"] == report.counters["valid"] == 6


def test_accounting_check_fails_loudly():
    counters = {("lines", "read"): 10, ("lines", "valid"): 7, ("lines", "duplicate"): 1,
                ("rejected", "malformed"): 1}
    with pytest.raises(PipelineError, match="lines read 10 != valid 7 \\+ duplicate 1 \\+ rejected 1"):
        check_accounting(counters)


@pytest.mark.parametrize("runner, scheme", [("emr", "s3"), ("dataproc", "gs")])
def test_cloud_runners_need_their_clouds_storage(tmp_settings, runner, scheme):
    with pytest.raises(PipelineError, match="%s:// URIs" % scheme):
        run_pipeline(tmp_settings, DAY, runner=runner, say=lambda _: None)


@pytest.mark.parametrize("runner", ["inline", "local"])
def test_local_runners_refuse_remote_roots(tmp_settings, runner):
    settings = tmp_settings.replace(warehouse_dir="hdfs://127.0.0.1:8020/kickback/warehouse")
    with pytest.raises(PipelineError, match="local files only"):
        run_pipeline(settings, DAY, runner=runner, say=lambda _: None)


def test_a_member_state_from_before_states_held_devices_is_summarized_again_whole(tmp_settings, tmp_path):
    before = DAY - dt.timedelta(days=1)
    _generate(tmp_settings, [8], day=before)
    _generate(tmp_settings, [8], seed=8)
    reference = tmp_settings.replace(warehouse_dir=str(tmp_path / "reference"))
    for settings in (tmp_settings, reference):
        _run(settings, day=before)
    # what the version before this one wrote: member states without their devices entries,
    # device states with their links (the first day's: those of its delta)
    old = "_state/snapshot/dt=%s" % before
    links = {}
    for part in (Path(tmp_settings.warehouse_dir) / ("_state/deltas/dt=%s" % before)).glob("part-*"):
        for line in part.read_text(encoding="utf-8").splitlines():
            key, partial = line.split("\t")
            if key.startswith('["device"'):
                links[key] = json.loads(partial)["members"]
    for part in (Path(tmp_settings.warehouse_dir) / old).glob("part-*"):
        lines = []
        for line in part.read_text(encoding="utf-8").splitlines():
            key, partial = line.split("\t")
            if key.startswith('["member"'):
                partial = json.dumps({**json.loads(partial), "devices": {}}, separators=(",", ":"), sort_keys=True)
            else:
                assert json.loads(partial)["members"] == {}
                partial = json.dumps({**json.loads(partial), "members": links[key]}, separators=(",", ":"),
                                     sort_keys=True)
            lines.append(key + "\t" + partial + "\n")
        part.write_text("".join(lines), encoding="utf-8")
    said: list[str] = []
    run_pipeline(tmp_settings, DAY, runner="inline", say=said.append)
    _run(reference)
    assert any("summarize again, every device sending every member its entry" in line for line in said)
    migrated, expected = (published(s.warehouse_dir, state=True) for s in (tmp_settings, reference))
    assert migrated.pop(old) != expected.pop(old)
    assert migrated == expected and "member_summary/dt=2026-11-27" in expected


def test_a_snapshot_state_holds_the_devices_in_files_of_their_own(tmp_settings):
    _generate(tmp_settings, [8, 9])
    _run(tmp_settings)
    folder = Path(tmp_settings.warehouse_dir) / ("_state/snapshot/dt=%s" % DAY)
    kinds = {part.name: {line.split('"', 2)[1] for line in part.read_text(encoding="utf-8").splitlines()}
             for part in folder.glob("part-*")}
    devices = {name for name in kinds if name.endswith("-devices")}
    assert devices and devices != set(kinds)
    assert all(kinds[name] == ({"device"} if name in devices else {"member"}) for name in kinds)
    # a device's state keeps no links: its members' entries do
    partials = [json.loads(line.split("\t")[1]) for name in devices
                for line in (folder / name).read_text(encoding="utf-8").splitlines()]
    assert partials and all(partial["members"] == {} for partial in partials)


def test_a_snapshot_state_of_both_kinds_a_file_is_read_as_the_split_one(tmp_settings, tmp_path):
    # what the version before this one wrote: devices and members in the same files
    before = DAY - dt.timedelta(days=1)
    _generate(tmp_settings, [8], day=before)
    _generate(tmp_settings, [8], seed=8)
    reference = tmp_settings.replace(warehouse_dir=str(tmp_path / "reference"))
    for settings in (tmp_settings, reference):
        _run(settings, day=before)
    old = Path(tmp_settings.warehouse_dir) / ("_state/snapshot/dt=%s" % before)
    parts = sorted(old.glob("part-*"))
    lines = sorted(line for part in parts for line in part.read_text(encoding="utf-8").splitlines(keepends=True))
    for part in parts:
        part.unlink()
    (old / "part-00000").write_text("".join(lines[::2]), encoding="utf-8")
    (old / "part-00001").write_text("".join(lines[1::2]), encoding="utf-8")
    for settings in (tmp_settings, reference):
        _run(settings)
    assert published(tmp_settings.warehouse_dir, state=True) == published(reference.warehouse_dir, state=True)
