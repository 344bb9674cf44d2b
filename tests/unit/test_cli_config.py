"""A bad setting reaches the user as one line on stderr, exit status 2, no traceback."""

from __future__ import annotations

import os

import click
import pytest
from click.testing import CliRunner

from kickback import cli
from kickback.config import ConfigError


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    for name in list(os.environ):
        if name.startswith("KICKBACK_"):
            monkeypatch.delenv(name)
    return CliRunner()


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"KICKBACK_HBASE_TIMEOUT_MS": "0"}, "KICKBACK_HBASE_TIMEOUT_MS"),
        ({"KICKBACK_HBASE_TABLE_PREFIX": "kb;'"}, "KICKBACK_HBASE_TABLE_PREFIX"),
        ({"KICKBACK_WAREHOUSE_DIR": ""}, "KICKBACK_WAREHOUSE_DIR"),
        ({"KICKBACK_HIVE_PORT": "ten"}, "KICKBACK_HIVE_PORT"),
        ({"KICKBACK_HBASE_HEAP": "2 GB"}, "KICKBACK_HBASE_HEAP"),
    ],
)
def test_a_bad_environment_variable_is_one_line_and_exit_2(runner, env, variable):
    result = runner.invoke(cli.main, ["hive", "queries"], env=env)

    assert result.exit_code == 2
    assert lines(result.output) == [lines(result.output)[0]]
    assert result.output.startswith("kickback: configuration error: %s " % variable)
    assert "Traceback" not in result.output
    assert "Usage:" not in result.output


def test_a_bad_mrjob_conf_is_one_line_and_exit_2(runner, tmp_path):
    conf = tmp_path / "mrjob.conf"
    conf.write_text("- not\n- a mapping\n")

    result = runner.invoke(cli.main, ["hive", "queries"], env={"KICKBACK_MRJOB_CONF": str(conf)})

    assert result.exit_code == 2
    assert len(lines(result.output)) == 1
    assert "KICKBACK_MRJOB_CONF %s must hold a mapping with a runners: key" % conf in result.output


def test_a_config_error_raised_by_a_command_is_one_line_and_exit_2(runner, monkeypatch):
    @click.command("boom")
    def boom() -> None:
        raise ConfigError("KICKBACK_HADOOP_BIN /nope does not exist")

    monkeypatch.setitem(cli.SUBCOMMANDS, "boom", (__name__, "BOOM", "test"))
    monkeypatch.setitem(globals(), "BOOM", boom)

    result = runner.invoke(cli.main, ["boom"])

    assert result.exit_code == 2
    assert lines(result.output) == ["kickback: configuration error: KICKBACK_HADOOP_BIN /nope does not exist"]
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_good_settings_still_run_the_command(runner):
    result = runner.invoke(cli.main, ["hive", "queries"])

    assert result.exit_code == 0, result.output
    assert "daily_active_devices" in result.output
