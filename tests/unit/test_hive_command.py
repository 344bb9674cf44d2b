"""Tests for kickback/commands/hive.py: the `kickback hive` commands, against a fake server."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyhive import exc as pyhive_exc
from pyhive.hive import ttypes

from hive import HiveUnavailable
from hive.ddl import load_ddl
from hive.dedup import rebuild_statement
from kickback.commands.hive import hive as hive_group
from kickback.config import ConfigError
from tests.unit.test_hive_fakes import FakeConnection, FakeCursor


@pytest.fixture
def server(mocker):
    """A fake HiveServer2: every connection shares one FakeCursor."""
    cursor = FakeCursor()
    connect = mocker.patch("hive.connect", return_value=FakeConnection(cursor))
    return cursor, connect


def invoke(settings, *args):
    return CliRunner().invoke(hive_group, list(args), obj=settings)


def test_init_applies_every_ddl_file_with_the_configured_names(server, tmp_settings):
    cursor, connect = server

    result = invoke(tmp_settings, "init")

    assert result.exit_code == 0, result.output
    assert connect.call_args.kwargs["database"] is None
    assert len(cursor.statements) == len(load_ddl())
    assert cursor.statements[0].startswith("CREATE DATABASE IF NOT EXISTS kickback")
    warehouse = "file://%s" % Path(tmp_settings.warehouse_dir).resolve()
    assert "LOCATION '%s/events'" % warehouse in "\n".join(cursor.statements)
    assert "database kickback ready" in result.output


def test_register_reports_partitions_and_event_days(server, tmp_settings):
    cursor, connect = server
    hour = Path(tmp_settings.warehouse_dir) / "events/dt=2026-03-10/hour=00"
    hour.mkdir(parents=True)
    (hour / "_SUCCESS").write_text("")
    manifest = Path(tmp_settings.warehouse_dir) / "_runs/dt=2026-03-10.json"
    manifest.parent.mkdir()
    manifest.write_text(json.dumps({"event_days": ["2026-03-10"]}))

    result = invoke(tmp_settings, "register", "--date", "2026-03-10")

    assert result.exit_code == 0, result.output
    assert connect.call_args.kwargs["database"] == "kickback"
    assert result.output.splitlines() == [
        "registered 1 partition(s) for 2026-03-10",
        "events_dedup rebuilt for event day(s): 2026-03-10",
    ]
    assert cursor.executed[-1] == rebuild_statement(["2026-03-10"])


@pytest.mark.parametrize("args", [["--date", "2026-02-30"], ["--date", "2026-03-10", "--hour", "24"], []])
def test_register_rejects_bad_dates_before_connecting(server, tmp_settings, args):
    result = invoke(tmp_settings, "register", *args)

    assert result.exit_code == 2
    assert server[1].call_count == 0


def test_repair_runs_msck_everywhere(server, tmp_settings):
    result = invoke(tmp_settings, "repair")

    assert result.exit_code == 0, result.output
    assert all(sql.startswith("MSCK REPAIR TABLE ") for sql in server[0].statements)
    assert "events_dedup" in result.output


def test_query_prints_an_aligned_table_by_default(mocker, tmp_settings):
    cursor = FakeCursor([(["event_dt", "events"], [("2026-03-10", 12), ("2026-03-11", 3)])])
    mocker.patch("hive.connect", return_value=FakeConnection(cursor))

    result = invoke(tmp_settings, "query", "late_share", "--param", "start_dt=2026-03-10",
                    "-p", "end_dt=2026-03-11")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "event_dt    events", "----------  ------", "2026-03-10      12", "2026-03-11       3", "(2 rows)",
    ]
    sql, params = cursor.executed[0]
    assert params == {"start_dt": "2026-03-10", "end_dt": "2026-03-11"}
    assert "2026-03-10" not in sql


@pytest.mark.parametrize("fmt, expected", [
    ("csv", "event_dt,events\n2026-03-10,12\n"),
    ("json", '[{"event_dt": "2026-03-10", "events": 12}]\n'),
])
def test_query_formats(mocker, tmp_settings, fmt, expected):
    cursor = FakeCursor([(["event_dt", "events"], [("2026-03-10", 12)])])
    mocker.patch("hive.connect", return_value=FakeConnection(cursor))

    result = invoke(tmp_settings, "query", "late_share", "--format", fmt)

    assert result.exit_code == 0, result.output
    assert result.output == expected


@pytest.mark.parametrize("args, message", [
    (["query", "no_such_query"], "unknown query 'no_such_query'"),
    (["query", "late_share", "--param", "nope=1"], "unknown: nope"),
    (["query", "late_share", "--param", "start_dt=yesterday"], "start_dt must be a date"),
])
def test_query_input_errors_are_one_line_before_connecting(server, tmp_settings, args, message):
    result = invoke(tmp_settings, *args)

    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert server[1].call_count == 0


@pytest.mark.parametrize("pairs", [["start_dt"], ["start_dt=2026-01-01", "start_dt=2026-01-02"]])
def test_query_rejects_malformed_param_pairs(server, tmp_settings, pairs):
    args = ["query", "late_share"]
    for pair in pairs:
        args += ["--param", pair]

    assert invoke(tmp_settings, *args).exit_code == 2


def test_sql_runs_the_statement_as_typed_without_parameters(server, tmp_settings):
    cursor, _ = server

    result = invoke(tmp_settings, "sql", "SHOW TABLES LIKE '%event%'")

    assert result.exit_code == 0, result.output
    assert cursor.executed == [("SHOW TABLES LIKE '%event%'", None)]
    assert result.output == "OK\n"


def test_server_errors_are_one_line_and_exit_1(mocker, tmp_settings):
    status = ttypes.TStatus(statusCode=ttypes.TStatusCode.ERROR_STATUS, errorMessage=(
        "Error running query: [TABLE_OR_VIEW_NOT_FOUND] org.apache.spark.sql.AnalysisException: "
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.\nline two\n"))

    class FailingCursor(FakeCursor):
        def execute(self, sql, params=None):
            raise pyhive_exc.OperationalError(ttypes.TExecuteStatementResp(status=status))

    mocker.patch("hive.connect", return_value=FakeConnection(FailingCursor()))

    result = invoke(tmp_settings, "sql", "SELECT * FROM nope")

    assert result.exit_code == 1
    assert result.output == "Error: [TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.\n"


def test_refused_connection_says_where_and_how_to_start(mocker, tmp_settings):
    mocker.patch("hive.connect", side_effect=HiveUnavailable("127.0.0.1", 10000))

    result = invoke(tmp_settings, "query", "late_share")

    assert result.exit_code == 1
    assert "127.0.0.1:10000" in result.output
    assert "kickback stack up" in result.output
    assert "Traceback" not in result.output


def test_missing_database_hints_at_init(mocker, tmp_settings):
    status = ttypes.TStatus(statusCode=ttypes.TStatusCode.ERROR_STATUS,
                            errorMessage="[SCHEMA_NOT_FOUND] The schema `kickback` cannot be found.")
    mocker.patch("hive.connect", side_effect=pyhive_exc.OperationalError(ttypes.TOpenSessionResp(status=status)))

    result = invoke(tmp_settings, "repair")

    assert result.exit_code == 1
    assert "cannot be found" in result.output and "kickback hive init" in result.output


def test_queries_lists_names_and_params(tmp_settings):
    result = invoke(tmp_settings, "queries")

    assert result.exit_code == 0
    for name in ("daily_active_devices", "top_merchants", "member_spend_cohorts", "reject_reasons", "late_share"):
        assert name + "\n" in result.output
    assert "--param limit=<INT> (default 10)" in result.output


def test_a_bad_database_setting_is_refused_before_connecting(server, tmp_settings):
    # Settings refuses it first; the command checks again before any SQL.
    with pytest.raises(ConfigError, match="KICKBACK_HIVE_DATABASE"):
        tmp_settings.replace(hive_database="kb; DROP DATABASE x")
    result = invoke(dataclasses.replace(tmp_settings, hive_database="kb; DROP DATABASE x"), "repair")

    assert result.exit_code == 1
    assert "hive_database" in result.output
    assert server[1].call_count == 0


def test_register_takes_the_day_as_a_date_and_hands_hive_its_partition_value(server, tmp_settings, mocker):
    register_run = mocker.patch("hive.register_run", return_value=mocker.Mock(partitions=[], event_days=[]))

    result = invoke(tmp_settings, "register", "--date", "2026-03-10", "--hour", "07")

    assert result.exit_code == 0, result.output
    assert register_run.call_args.args[2:] == ("2026-03-10", "07")
    assert result.output.splitlines()[0] == "registered 0 partition(s) for 2026-03-10 hour 07"


@pytest.mark.parametrize("text", ["2026-02-30", "2026-3-10", "10.03.2026"])
def test_a_bad_register_date_is_one_line_naming_the_option(server, tmp_settings, text):
    result = invoke(tmp_settings, "register", "--date", text)

    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: Invalid value for '--date': bad date %r: expected YYYY-MM-DD" % text]
