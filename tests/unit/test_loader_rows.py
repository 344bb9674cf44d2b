"""Building rows from records, reading part files, choosing partitions, and
the writer's small pieces."""

from __future__ import annotations

import datetime
import json

import pytest

from hbase_schema import keys, loader, partitions, reader, rows, writer
from hbase_schema.tables import LAYOUTS
from mapreduce import records, tsv
from warehouse.catalog import Catalog
from warehouse.storage import Storage


def test_parse_time_ms_handles_z_offsets_and_millis():
    assert rows.parse_time_ms("1970-01-01T00:00:01.234Z") == 1234
    assert rows.parse_time_ms("1970-01-01T01:00:00.000+01:00") == 0
    assert rows.parse_time_ms("2026-11-27T08:15:00.123Z") == 1795767300123


def test_hour_and_day_starts():
    assert rows.hour_start_ms(3600 * 1000 * 5 + 999) == 3600 * 1000 * 5
    assert rows.day_start_ms(datetime.date(1970, 1, 2)) == 86400 * 1000


def test_device_summary_row():
    record = {c: "x" for c in records.DEVICE_SUMMARY_COLUMNS}
    record.update(device_id="dev-1", as_of="1970-01-01T02:30:00.000Z", last_os=None)
    row = rows.build_row(LAYOUTS["device_summary"], record, None, buckets=16)
    assert row.key == keys.summary_key("dev-1")
    assert row.timestamp == 2 * 3600 * 1000
    assert row.cells[b"s:last_os"] == b""
    assert set(row.cells) == {b"s:" + c.encode() for c in records.DEVICE_SUMMARY_COLUMNS[1:]}


def test_values_are_utf8_text_exactly():
    record = {c: None for c in records.MEMBER_DAILY_COLUMNS}
    record.update(member_id="m-1", spend='{"EUR": 5}', devices="{}", purchases="caf\u00e9\t\\")
    row = rows.build_row(LAYOUTS["member_daily"], record, datetime.date(2026, 1, 1))
    assert row.cells[b"r:purchases"] == "caf\u00e9\t\\".encode()
    assert row.cells[b"r:devices"] == b"{}"


def test_buckets_reach_the_key():
    record = {c: "1" for c in records.MEMBER_DAILY_COLUMNS}
    record["member_id"] = "m-1"
    row = rows.build_row(LAYOUTS["member_daily"], record, datetime.date(2026, 1, 1), buckets=1)
    assert row.key.startswith(b"00m-1|")


def test_exploded_cells_are_compact_sorted_json():
    cells = rows.exploded_cells("d", json.dumps({"d-2": {"z": 1, "a": "\u00e9"}}))
    assert cells == {b"d:d-2": '{"a":"\u00e9","z":1}'.encode()}
    assert rows.exploded_cells("d", None) == {}
    with pytest.raises(ValueError, match="empty key"):
        rows.exploded_cells("d", '{"": 1}')


def test_daily_rows_need_a_day():
    record = {c: "1" for c in records.DEVICE_DAILY_COLUMNS}
    with pytest.raises(ValueError, match="partition day"):
        rows.build_row(LAYOUTS["device_daily"], record, None)


def test_read_records_yields_file_line_and_record(tmp_path):
    path = tmp_path / "part-0"
    path.write_text("a\t\\N\n" + tsv.encode_row(["b", "x\ty"]) + "\n")
    got = list(reader.read_records([path], ("k", "v")))
    assert got == [(path, 1, {"k": "a", "v": None}), (path, 2, {"k": "b", "v": "x\ty"})]


def test_daily_rows_take_the_day_of_their_partition(tmp_path):
    folder = tmp_path / "device_daily" / "dt=2026-02-03"
    folder.mkdir(parents=True)
    row = {c: "1" for c in records.DEVICE_DAILY_COLUMNS}
    row["device_id"] = "d-1"
    (folder / "part-00000").write_text(tsv.encode_row([row[c] for c in records.DEVICE_DAILY_COLUMNS]) + "\n")
    built = list(loader.iter_rows(LAYOUTS["device_daily"], [folder / "part-00000"]))
    assert built[0].timestamp == int(datetime.datetime(2026, 2, 3, tzinfo=datetime.timezone.utc).timestamp() * 1000)


def _sealed(root, dataset, *days):
    for day in days:
        folder = root / dataset / ("dt=%s" % day)
        folder.mkdir(parents=True)
        (folder / "_SUCCESS").touch()


def _plan(root, datasets):
    return partitions.partitions_to_load(Catalog(Storage(str(root))), datetime.date(2026, 11, 27), datasets)


def test_partitions_follow_the_run_manifest(tmp_path):
    _sealed(tmp_path, "member_daily", "2026-11-25", "2026-11-26", "2026-11-27")
    _sealed(tmp_path, "member_summary", "2026-11-26", "2026-11-27")
    (tmp_path / "_runs").mkdir()
    (tmp_path / "_runs" / "dt=2026-11-27.json").write_text(
        json.dumps({"event_days": ["2026-11-27", "2026-11-26", "2026-11-20"]}))
    plan = _plan(tmp_path, ["member_summary", "member_daily"])
    assert [p.partition.path for p in plan["member_daily"]] == [
        "member_daily/dt=2026-11-26", "member_daily/dt=2026-11-27"]
    assert [p.partition.path for p in plan["member_summary"]] == ["member_summary/dt=2026-11-27"]
    # A manifest without the runs' files (written before runs noted them): whole partitions.
    assert all(p.whole for loads in plan.values() for p in loads)


def test_without_a_manifest_every_complete_event_day_partition_is_loaded(tmp_path):
    _sealed(tmp_path, "device_daily", "2026-11-25", "2026-11-27")
    (tmp_path / "device_daily" / "dt=2026-11-26").mkdir()   # not sealed: skipped
    (tmp_path / "device_daily" / "dt=2026-11-27" / "part-00000").write_text("x\n")
    plan = _plan(tmp_path, ["device_daily"])
    assert [(p.partition.dt, p.files, p.whole) for p in plan["device_daily"]] == [
        ("2026-11-25", [], True), ("2026-11-27", ["device_daily/dt=2026-11-27/part-00000"], True)]


def _published(root, path, sealed_by, *names):
    folder = root / path
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text("row of %s\n" % name)
    (folder / "_SUCCESS").write_text(sealed_by)


def _manifest(root, published):
    (root / "_runs").mkdir(exist_ok=True)
    (root / "_runs" / "dt=2026-11-27.json").write_text(json.dumps(
        {"event_days": sorted({path.split("dt=")[1] for path in published}), "published": published}))


def _loads(root, dataset):
    return [(p.partition.dt, [f.rsplit("/", 1)[1] for f in p.files], p.whole) for p in _plan(root, [dataset])[dataset]]


def test_only_the_files_the_days_runs_wrote_are_loaded_while_they_are_the_partitions(tmp_path):
    # Two runs of the landing day each added to an old day's events, and the last one
    # republished the day's daily rows: what it carried over is not loaded again.
    _published(tmp_path, "member_events/dt=2026-11-20", "r3", "part-00000", "part-r1-00000", "part-r2-00000",
               "part-r3-00000")
    _published(tmp_path, "member_daily/dt=2026-11-20", "r2", "part-00000", "part-00000-carried")
    _manifest(tmp_path, {
        "member_events/dt=2026-11-20": [{"run": "r1", "files": ["part-r1-00000"], "added": True},
                                        {"run": "r2", "files": ["part-r2-00000"], "added": True}],
        "member_daily/dt=2026-11-20": [{"run": "r2", "files": ["part-00000"], "added": False}],
    })
    assert _loads(tmp_path, "member_events") == [("2026-11-20", ["part-r1-00000", "part-r2-00000"], False)]
    assert _loads(tmp_path, "member_daily") == [("2026-11-20", ["part-00000"], False)]


def test_a_partition_republished_since_or_missing_a_file_is_loaded_whole(tmp_path):
    # r1's rows of the daily partition are now among what a later run (r9) carried over,
    # and an event day's additions were replaced by a recompute.
    _published(tmp_path, "member_daily/dt=2026-11-20", "r9", "part-00000", "part-00000-carried")
    _published(tmp_path, "member_events/dt=2026-11-20", "r9", "part-00000")
    _manifest(tmp_path, {
        "member_daily/dt=2026-11-20": [{"run": "r1", "files": ["part-00000"], "added": False}],
        "member_events/dt=2026-11-20": [{"run": "r1", "files": ["part-r1-00000"], "added": True}],
    })
    assert _loads(tmp_path, "member_daily") == [("2026-11-20", ["part-00000", "part-00000-carried"], True)]
    assert _loads(tmp_path, "member_events") == [("2026-11-20", ["part-00000"], True)]


def test_two_runs_that_republished_one_daily_partition_load_it_whole(tmp_path):
    # What r1 wrote, r2 carried over: r2's own files alone would lose it.
    _published(tmp_path, "device_daily/dt=2026-11-27", "r2", "part-00000", "part-00000-carried")
    _manifest(tmp_path, {"device_daily/dt=2026-11-27": [
        {"run": "r1", "files": ["part-00000"], "added": False},
        {"run": "r2", "files": ["part-00000"], "added": False}]})
    assert _loads(tmp_path, "device_daily") == [("2026-11-27", ["part-00000", "part-00000-carried"], True)]


def test_a_run_notes_its_files_beside_the_days_earlier_runs_or_instead_of_them():
    from warehouse import manifest
    from warehouse.layout import Partition

    daily, events = Partition("device_daily", "2026-11-20"), Partition("member_events", "2026-11-20")
    record = {}
    manifest.add_published(record, "r1", {daily: ["part-00000"], events: ["part-r1-00000"]}, {events})
    manifest.add_published(record, "r2", {daily: ["part-00000", "part-00000-kept"], events: ["part-r2-00000"]},
                           {events}, supersedes={daily})
    assert record["published"] == {
        "device_daily/dt=2026-11-20": [{"run": "r2", "files": ["part-00000", "part-00000-kept"], "added": False}],
        "member_events/dt=2026-11-20": [{"run": "r1", "files": ["part-r1-00000"], "added": True},
                                        {"run": "r2", "files": ["part-r2-00000"], "added": True}]}


def test_published_entries_that_are_not_objects_with_files_are_an_error(tmp_path):
    _published(tmp_path, "device_daily/dt=2026-11-27", "r2", "part-00000")
    _manifest(tmp_path, {"device_daily/dt=2026-11-27": ["part-00000"]})
    with pytest.raises(ValueError, match="published entries of device_daily/dt=2026-11-27"):
        _plan(tmp_path, ["device_daily"])


def test_a_missing_summary_partition_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="run the pipeline first"):
        _plan(tmp_path, ["device_summary"])


def test_an_unreadable_manifest_is_an_error(tmp_path):
    (tmp_path / "_runs").mkdir()
    (tmp_path / "_runs" / "dt=2026-11-27.json").write_text('{"days": []}')
    with pytest.raises(ValueError, match="event_days"):
        _plan(tmp_path, ["member_daily"])


def test_retry_delays_double_up_to_the_cap():
    policy = writer.RetryPolicy(attempts=9, base_s=0.5, max_s=3.0)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_group_by_timestamp_keeps_first_seen_order():
    made = [rows.Row(b"k%d" % n, {}, ts) for n, ts in enumerate([5, 3, 5, 1])]
    groups = writer.group_by_timestamp(made)
    assert [(ts, [r.key for r in group]) for ts, group in groups] == [
        (5, [b"k0", b"k2"]), (3, [b"k1"]), (1, [b"k3"])]
