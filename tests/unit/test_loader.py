"""load_partition against the in-memory HBase: contents, idempotence, retries,
bad records and the final count check."""

from __future__ import annotations

import datetime
import gzip
import json
import threading
import time

import pytest
from fake_hbase import FakeConnectionPool
from fake_tables import kickback_hbase

from hbase_schema import keys, loader
from hbase_schema.errors import BadRecord, LoadError
from hbase_schema.writer import RetryPolicy
from mapreduce import records, tsv

DAY = datetime.date(2026, 11, 27)
DAY_MS = int(datetime.datetime(2026, 11, 27, tzinfo=datetime.timezone.utc).timestamp()) * 1000
NO_WAIT = RetryPolicy(attempts=5, base_s=0.0, max_s=0.0)


@pytest.fixture
def hbase():
    return kickback_hbase("kb")


@pytest.fixture
def pool(hbase):
    return FakeConnectionPool(hbase, size=3, table_prefix="kb")


def member_daily(n):
    return {"member_id": "m-%04d" % n, "purchases": str(n), "spend": '{"USD": %d}' % (n * 100),
            "points_earned": "10", "points_redeemed": None, "redemptions": "0",
            "checkins": "1", "distinct_devices": "1", "distinct_merchants": "1",
            "distinct_stores": "0", "devices": '{"d-%d": "2026-11-27T10:00:00.000Z"}' % n,
            "first_event_time": "2026-11-27T09:00:00.000Z",
            "last_event_time": "2026-11-27T10:00:00.000Z"}


def member_event(n, minute=0):
    return {"member_id": "m-%04d" % (n % 7), "event_time": "2026-11-27T08:%02d:%02d.%03dZ"
            % (minute % 60, n % 60, n % 1000), "event_id": "ev-%05d" % n,
            "event_type": "purchase", "device_id": "d-1", "merchant_id": "mer-1",
            "store_id": None, "amount_cents": str(100 + n), "currency": "USD", "points": "5"}


def member_summary(n, as_of="2026-11-27T13:00:00.000Z"):
    devices = {"d-%d" % n: {"device_type": "phone", "last_seen": "2026-11-27T12:00:00.000Z"},
               "d-x%d" % n: {"last_seen": "2026-11-26T12:00:00.000Z", "device_type": "pos"}}
    return {"member_id": "m-%04d" % n, "points_earned": "10", "points_redeemed": "0",
            "points_balance": "10", "spend": '{"USD": 5}', "first_seen": "2026-11-01T00:00:00.000Z",
            "last_seen": "2026-11-27T12:00:00.000Z", "device_count": "2",
            "devices": json.dumps(devices), "as_of": as_of}


def write_partition(root, dataset, rows, parts=1, dt="2026-11-27"):
    folder = root / dataset / ("dt=%s" % dt)
    folder.mkdir(parents=True)
    columns = records.DATASETS[dataset]
    files = []
    for part in range(parts):
        path = folder / ("part-%05d" % part)
        path.write_text("".join(tsv.encode_row([row[c] for c in columns]) + "\n"
                                for row in rows[part::parts]))
        files.append(path)
    (folder / "_SUCCESS").touch()
    return files


def test_daily_rows_get_keys_cells_and_the_day_midnight_timestamp(tmp_path, pool, hbase):
    files = write_partition(tmp_path, "member_daily", [member_daily(n) for n in range(5)])
    report = loader.load_partition(pool, "member_daily", files, workers=2, batch_size=2)
    assert report.rows_read == 5
    assert report.rows_written == {"member_daily": 5}
    stored = hbase.cells("kb_member_daily")
    key = keys.daily_key("m-0003", DAY)
    assert stored[key][b"r:purchases"] == [(DAY_MS, b"3")]
    assert stored[key][b"r:spend"] == [(DAY_MS, b'{"USD": 300}')]
    assert stored[key][b"r:points_redeemed"] == [(DAY_MS, b"")]
    assert b"r:member_id" not in stored[key]
    assert len(stored[key]) == len(records.MEMBER_DAILY_COLUMNS) - 1
    assert sorted(stored) == sorted(keys.daily_key("m-%04d" % n, DAY) for n in range(5))


def test_the_day_comes_from_the_partition_folder(tmp_path, pool, hbase):
    files = write_partition(tmp_path, "device_daily", [], dt="2026-11-20")
    row = {c: "1" for c in records.DEVICE_DAILY_COLUMNS}
    row["device_id"] = "dev-1"
    files[0].write_text(tsv.encode_row([row[c] for c in records.DEVICE_DAILY_COLUMNS]) + "\n")
    loader.load_partition(pool, "device_daily", files)
    assert list(hbase.cells("kb_device_daily")) == [
        keys.daily_key("dev-1", datetime.date(2026, 11, 20))]


def test_events_get_their_event_day_as_cell_timestamp(tmp_path, pool, hbase):
    files = write_partition(tmp_path, "member_events", [member_event(n) for n in range(20)])
    loader.load_partition(pool, "member_events", files, batch_size=6)
    stored = hbase.cells("kb_member_events")
    assert len(stored) == 20
    for key, cells in stored.items():
        _, event_ms, event_id = keys.parse_event_key(key)
        day_start = event_ms - event_ms % 86_400_000
        assert {ts for versions in cells.values() for ts, _ in versions} == {day_start}
        assert cells[b"e:event_id"][0][1] == event_id.encode()
        assert b"e:member_id" not in cells
        assert cells[b"e:store_id"][0][1] == b""


def test_summary_rows_explode_devices_and_use_the_as_of_hour(tmp_path, pool, hbase):
    files = write_partition(tmp_path, "member_summary",
                            [member_summary(n, "2026-11-27T13:59:59.999Z") for n in range(3)])
    loader.load_partition(pool, "member_summary", files)
    cells = hbase.cells("kb_member_summary")[keys.summary_key("m-0001")]
    hour_ms = DAY_MS + 13 * 3600 * 1000
    assert cells[b"d:d-1"] == [(hour_ms, b'{"device_type":"phone","last_seen":"2026-11-27T12:00:00.000Z"}')]
    assert json.loads(cells[b"d:d-x1"][0][1]) == {"device_type": "pos",
                                                  "last_seen": "2026-11-26T12:00:00.000Z"}
    assert cells[b"s:as_of"] == [(hour_ms, b"2026-11-27T13:59:59.999Z")]
    assert b"s:devices" in cells


def test_a_newer_summary_snapshot_replaces_the_older_one(tmp_path, pool, hbase):
    old = write_partition(tmp_path, "member_summary", [member_summary(1, "2026-11-26T23:00:00.000Z")],
                          dt="2026-11-26")
    new = write_partition(tmp_path, "member_summary", [member_summary(1, "2026-11-27T05:00:00.000Z")])
    loader.load_partition(pool, "member_summary", new)
    loader.load_partition(pool, "member_summary", old)  # late rerun of an older day
    cells = hbase.cells("kb_member_summary")[keys.summary_key("m-0001")]
    assert cells[b"s:as_of"] == [(DAY_MS + 5 * 3600 * 1000, b"2026-11-27T05:00:00.000Z")]


def test_loading_twice_leaves_identical_cells_and_one_version(tmp_path, pool, hbase):
    files = write_partition(tmp_path, "member_events", [member_event(n) for n in range(30)], parts=3)
    loader.load_partition(pool, "member_events", files, batch_size=7)
    first = hbase.cells("kb_member_events")
    loader.load_partition(pool, "member_events", files, batch_size=4, workers=1)
    assert hbase.cells("kb_member_events") == first
    assert all(len(versions) == 1 for cells in first.values() for versions in cells.values())


def test_daily_chunks_are_sent_as_one_call_each(tmp_path, pool, hbase):
    files = write_partition(tmp_path, "member_daily", [member_daily(n) for n in range(10)])
    loader.load_partition(pool, "member_daily", files, batch_size=4)
    assert sorted(rows for _, _, rows in hbase.write_calls) == [2, 4, 4]


def test_transient_errors_are_retried_with_backoff_and_lose_nothing(tmp_path, hbase, mocker):
    rows = [member_event(n) for n in range(40)]
    files = write_partition(tmp_path, "member_events", rows)
    clean = kickback_hbase("kb")
    loader.load_partition(FakeConnectionPool(clean, table_prefix="kb"), "member_events", files)

    hbase.fail_next(2)
    hbase.fail_next(1, when="after")  # the server applied it, the acknowledgement was lost
    sleep = mocker.patch("hbase_schema.writer.time.sleep")
    retry = RetryPolicy(attempts=5, base_s=0.5, max_s=10.0)
    report = loader.load_partition(FakeConnectionPool(hbase, table_prefix="kb"), "member_events", files,
                                   workers=1, batch_size=10, retry=retry)
    assert report.rows_written == {"member_events": 40}
    assert hbase.cells("kb_member_events") == clean.cells("kb_member_events")
    assert [c.args[0] for c in sleep.call_args_list] == [0.5, 1.0, 2.0]


def test_a_chunk_resumes_at_its_first_unacknowledged_group(tmp_path, pool, hbase):
    # Five event days, so five timestamp groups in one chunk.
    events = [dict(member_event(n), event_time="2026-11-%02dT08:00:00.000Z" % (20 + n)) for n in range(5)]
    files = write_partition(tmp_path, "member_events", events)
    calls = hbase.write_calls
    original = hbase.mutate
    failed = []

    def flaky(table, mutations, timestamp):
        if len(calls) == 3 and not failed:
            failed.append(timestamp)
            raise BrokenPipeError("broken pipe")
        original(table, mutations, timestamp)

    hbase.mutate = flaky
    loader.load_partition(pool, "member_events", files, workers=1, batch_size=5, retry=NO_WAIT)
    stamps = [ts for _, ts, _ in calls]
    assert len(stamps) == 5 and len(set(stamps)) == 5  # nothing re-sent
    assert failed == [stamps[3]]


def test_giving_up_after_the_last_attempt_fails_the_load(tmp_path, pool, hbase):
    files = write_partition(tmp_path, "member_daily", [member_daily(1)])
    hbase.fail_next(5)
    with pytest.raises(LoadError, match="after 5 attempts"):
        loader.load_partition(pool, "member_daily", files, retry=NO_WAIT)


def test_a_stale_connection_is_refreshed_and_retried(tmp_path, hbase):
    files = write_partition(tmp_path, "member_daily", [member_daily(1), member_daily(2)])
    pool = FakeConnectionPool(hbase, size=1, table_prefix="kb")
    hbase.fail_next(1, error=ConnectionResetError("reset by peer"))
    loader.load_partition(pool, "member_daily", files, retry=NO_WAIT)
    assert len(hbase.cells("kb_member_daily")) == 2


@pytest.mark.parametrize("content,line,reason", [
    ("a\tb\n", 2, "row has 2 fields"),
    ("", 2, "truncated file"),
])
def test_bad_rows_fail_the_load_with_file_and_line(tmp_path, pool, content, line, reason):
    files = write_partition(tmp_path, "member_daily", [member_daily(1)])
    with open(files[0], "a") as handle:
        handle.write(content or "m-9\t1")
    with pytest.raises(BadRecord, match=reason) as caught:
        loader.load_partition(pool, "member_daily", files)
    assert str(caught.value).startswith("%s:%d: " % (files[0], line))


@pytest.mark.parametrize("column,value,reason", [
    ("event_time", "yesterday", "not an ISO 8601 time"),
    ("event_time", "2026-11-27T08:00:00", "no UTC offset"),
    ("event_id", None, "event_id is empty"),
    ("member_id", None, "member_id is empty"),
    ("member_id", "a|b", "free of"),
])
def test_unparsable_key_values_fail_the_load(tmp_path, pool, column, value, reason):
    rows = [member_event(1), member_event(2)]
    rows[1][column] = value
    files = write_partition(tmp_path, "member_events", rows)
    with pytest.raises(BadRecord, match=reason) as caught:
        loader.load_partition(pool, "member_events", files)
    assert caught.value.line == 2


@pytest.mark.parametrize("devices,reason", [("{not json", "not valid JSON"),
                                            ("[1, 2]", "not a JSON object")])
def test_bad_summary_devices_fail_the_load(tmp_path, pool, devices, reason):
    row = member_summary(1)
    row["devices"] = devices
    files = write_partition(tmp_path, "member_summary", [row])
    with pytest.raises(BadRecord, match=reason):
        loader.load_partition(pool, "member_summary", files)


def test_invalid_utf8_fails_with_its_line(tmp_path, pool):
    files = write_partition(tmp_path, "member_daily", [member_daily(1)])
    with open(files[0], "ab") as handle:
        handle.write(b"\xff\xfe\n")
    with pytest.raises(BadRecord, match="invalid UTF-8") as caught:
        loader.load_partition(pool, "member_daily", files)
    assert caught.value.line == 2


def test_gzip_parts_load_and_a_truncated_gzip_fails(tmp_path, pool, hbase):
    files = write_partition(tmp_path, "member_daily", [member_daily(n) for n in range(50)])
    packed = files[0].with_name("part-00000.gz")
    packed.write_bytes(gzip.compress(files[0].read_bytes()))
    files[0].unlink()
    loader.load_partition(pool, "member_daily", [packed])
    assert len(hbase.cells("kb_member_daily")) == 50
    packed.write_bytes(packed.read_bytes()[:-30])
    with pytest.raises(BadRecord, match="gzip"):
        loader.load_partition(pool, "member_daily", [packed])


def test_rows_before_a_bad_record_do_not_hide_it(tmp_path, pool, hbase):
    rows = [member_daily(n) for n in range(25)]
    files = write_partition(tmp_path, "member_daily", rows)
    with open(files[0], "a") as handle:
        handle.write("broken\n")
    with pytest.raises(BadRecord, match=":26: "):
        loader.load_partition(pool, "member_daily", files, batch_size=3)


def test_a_count_mismatch_fails_the_load(tmp_path, pool, mocker):
    files = write_partition(tmp_path, "member_daily", [member_daily(1), member_daily(2)])
    mocker.patch("hbase_schema.loader.write_rows", side_effect=lambda pool, table, rows, **kw:
                 sum(1 for _ in rows) - 1)
    with pytest.raises(LoadError, match="read 2 rows but HBase acknowledged 1"):
        loader.load_partition(pool, "member_daily", files)


def test_workers_share_the_pool_and_the_parser_never_holds_a_connection(tmp_path, hbase, mocker):
    pool = FakeConnectionPool(hbase, size=2, table_prefix="kb")
    files = write_partition(tmp_path, "member_events", [member_event(n) for n in range(60)])
    parser_thread = threading.current_thread()
    held_while_parsing = []
    real_build = loader.build_row

    def watching_build(*args, **kwargs):
        held_while_parsing.append(parser_thread in pool.holders)
        return real_build(*args, **kwargs)

    mocker.patch("hbase_schema.loader.build_row", side_effect=watching_build)
    real_mutate = hbase.mutate

    def slow_mutate(*args):
        time.sleep(0.005)  # keeps chunks in flight together
        real_mutate(*args)

    hbase.mutate = slow_mutate
    loader.load_partition(pool, "member_events", files, workers=4, batch_size=5)
    assert len(held_while_parsing) == 60 and not any(held_while_parsing)
    assert pool.max_in_use == 2
    assert len(hbase.cells("kb_member_events")) == 60


def test_empty_partitions_load_zero_rows(tmp_path, pool):
    files = write_partition(tmp_path, "member_daily", [])
    report = loader.load_partition(pool, "member_daily", files)
    assert (report.rows_read, report.rows_written) == (0, {"member_daily": 0})


def test_progress_bar_can_be_shown(tmp_path, pool, capsys):
    files = write_partition(tmp_path, "member_daily", [member_daily(1)])
    loader.load_partition(pool, "member_daily", files, progress=True)
    assert "member_daily" in capsys.readouterr().err


def test_datasets_without_a_table_are_refused(pool):
    with pytest.raises(ValueError, match="no HBase table"):
        loader.load_partition(pool, "quarantine", [])
