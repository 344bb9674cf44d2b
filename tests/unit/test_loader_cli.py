"""``kickback hbase create|describe|load`` against the in-memory HBase."""

from __future__ import annotations

import datetime
import json

import pytest
from click.testing import CliRunner
from fake_hbase import FakeConnectionPool, FakeHBase
from test_loader import member_daily, member_summary, write_partition
from thriftpy2.transport import TTransportException

from hbase_schema import keys
from kickback.cli import main


@pytest.fixture
def server(mocker):
    hbase = FakeHBase()
    mocker.patch("kickback.commands.hbase.happybase.ConnectionPool",
                 side_effect=lambda size, **kw: FakeConnectionPool(hbase, size, kw["table_prefix"]))
    return hbase


@pytest.fixture
def splits(mocker, server):
    calls = []

    def fake_java_splitter(tools, classes_dir):
        def splitter(plan):
            for table, split_keys in plan.items():
                calls.append(table)
                server.split(table, split_keys)
        return splitter

    mocker.patch("kickback.commands.hbase._java_tools", return_value=None)
    mocker.patch("kickback.commands.hbase.java_splitter", side_effect=fake_java_splitter)
    return calls


def invoke(tmp_path, *args):
    env = {"KICKBACK_WAREHOUSE_DIR": str(tmp_path / "wh"), "KICKBACK_VAR_DIR": str(tmp_path / "var"),
           "KICKBACK_HBASE_TABLE_PREFIX": "clitest", "KICKBACK_HBASE_BUCKETS": "4",
           # Pinned, so a caller's own KICKBACK_* settings cannot leak in.
           "KICKBACK_HBASE_HOST": "127.0.0.1", "KICKBACK_HBASE_THRIFT_PORT": "9090"}
    return CliRunner().invoke(main, ["hbase", *args], env=env, catch_exceptions=False)


def test_create_then_describe(tmp_path, server, splits):
    result = invoke(tmp_path, "create")
    assert result.exit_code == 0, result.output
    assert "member_daily     created, pre-split" in result.output
    assert "clitest_member_daily" in splits
    again = invoke(tmp_path, "create")
    assert "member_daily     exists" in again.output and len(splits) == 5
    described = invoke(tmp_path, "describe")
    assert "member_daily     4 regions" in described.output
    assert "r: versions=1 ttl=34560000 bloom=ROW compression=GZ" in described.output


def test_load_writes_the_landing_dates_partitions(tmp_path, server, splits):
    invoke(tmp_path, "create")
    wh = tmp_path / "wh"
    write_partition(wh, "member_daily", [member_daily(1)], dt="2026-11-26")
    write_partition(wh, "member_daily", [member_daily(2)], dt="2026-11-25")
    write_partition(wh, "member_summary", [member_summary(n) for n in range(3)])
    (wh / "_runs").mkdir()
    (wh / "_runs" / "dt=2026-11-27.json").write_text(json.dumps({"event_days": ["2026-11-26"]}))
    result = invoke(tmp_path, "load", "--date", "2026-11-27", "--dataset", "member_daily",
                    "--dataset", "member_summary", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "member_daily     dt=2026-11-26: 1 rows" in result.output
    assert "total member_summary 3 rows read, 3 written" in result.output
    assert list(server.cells("clitest_member_daily")) == [
        keys.daily_key("m-0001", datetime.date(2026, 11, 26), 4)]


def test_load_writes_only_the_rows_the_days_runs_wrote_while_they_are_noted(tmp_path, server, splits):
    invoke(tmp_path, "create")
    wh = tmp_path / "wh"
    write_partition(wh, "member_daily", [member_daily(1), member_daily(2)], parts=2, dt="2026-11-26")
    (wh / "member_daily" / "dt=2026-11-26" / "_SUCCESS").write_text("r1")
    (wh / "_runs").mkdir()
    (wh / "_runs" / "dt=2026-11-27.json").write_text(json.dumps({
        "event_days": ["2026-11-26"],
        "published": {"member_daily/dt=2026-11-26": [{"run": "r1", "files": ["part-00001"], "added": False}]}}))
    result = invoke(tmp_path, "load", "--date", "2026-11-27", "--dataset", "member_daily", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "member_daily     dt=2026-11-26: 1 rows" in result.output
    assert "only what the day's runs wrote (1 file)" in result.output
    assert list(server.cells("clitest_member_daily")) == [
        keys.daily_key("m-0002", datetime.date(2026, 11, 26), 4)]
    # Republished by another run since: the partition is loaded whole.
    (wh / "member_daily" / "dt=2026-11-26" / "_SUCCESS").write_text("r2")
    result = invoke(tmp_path, "load", "--date", "2026-11-27", "--dataset", "member_daily", "--no-progress")
    assert "member_daily     dt=2026-11-26: 2 rows" in result.output and "only what" not in result.output


def test_load_with_a_bad_record_fails_with_file_and_line(tmp_path, server, splits):
    invoke(tmp_path, "create")
    (part,) = write_partition(tmp_path / "wh", "member_summary", [member_summary(1)])
    with open(part, "a") as handle:
        handle.write("oops\n")
    result = invoke(tmp_path, "load", "--date", "2026-11-27", "--dataset", "member_summary")
    assert result.exit_code == 1
    assert "%s:2: row has 1 fields" % part in result.output


def test_load_before_create_says_what_to_run(tmp_path, server):
    write_partition(tmp_path / "wh", "device_summary", [])
    result = invoke(tmp_path, "load", "--date", "2026-11-27", "--dataset", "device_summary")
    assert result.exit_code == 1
    assert "missing HBase tables device_summary: run `kickback hbase create`" in result.output


def test_unreachable_hbase_is_one_clear_line(tmp_path, mocker):
    mocker.patch("kickback.commands.hbase.happybase.ConnectionPool",
                 side_effect=TTransportException(1, "Could not connect to ('127.0.0.1', 9090)"))
    result = invoke(tmp_path, "describe")
    assert result.exit_code == 1
    assert "HBase Thrift server at 127.0.0.1:9090 is unreachable" in result.output
    assert "`kickback stack up`" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_missing_summary_partition_is_a_clear_error(tmp_path, server):
    result = invoke(tmp_path, "load", "--date", "2026-11-27", "--dataset", "member_summary")
    assert result.exit_code == 1
    assert "run the pipeline first" in result.output


@pytest.mark.parametrize("args", [["--date", "2026-02-30"], ["--date", "27.11.2026"], []])
def test_a_bad_or_missing_date_is_one_usage_error_before_connecting(tmp_path, mocker, args):
    pool = mocker.patch("kickback.commands.hbase.happybase.ConnectionPool")
    result = invoke(tmp_path, "load", *args)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "'--date'" in errors[0]
    pool.assert_not_called()


def test_load_takes_the_landing_day_as_a_date(tmp_path, server, mocker):
    plan = mocker.patch("kickback.commands.hbase.partitions_to_load", return_value={})
    result = invoke(tmp_path, "load", "--date", "2026-11-27")
    assert result.exit_code == 0, result.output
    day = plan.call_args.args[1]
    assert (type(day), day) == (datetime.date, datetime.date(2026, 11, 27))
