"""`kickback run`: argument errors are one line, before anything starts; the landing day and the API reach each stage."""

import datetime as dt

import pytest
from click.testing import CliRunner

from kickback.cli import main
from kickback.commands import run as command
from kickback.commands.run import STAGES, summary
from stack.config import StackConfig
from stack.errors import StackError

# Every stage's command, as kickback.commands.run invokes it.
COMMANDS = ("stack_up", "generate", "pipeline_run", "hbase_create", "hbase_load", "hive_init", "hive_register",
            "hive_query")


@pytest.fixture
def stages(clean_env, mocker):
    """Each stage's command replaced by a mock; the API's start and the lookups too."""
    mocked = {name: mocker.patch("kickback.commands.run.%s" % name) for name in COMMANDS}
    mocked["start_api"] = mocker.patch("kickback.commands.run.control.start_api", return_value="the-key")
    mocked["lookups"] = mocker.patch("kickback.commands.run.lookups", return_value="try the lookup API: ...")
    return mocked


def test_bad_date_is_one_clear_line(mocker):
    up = mocker.patch("kickback.commands.run.stack_up")
    result = CliRunner().invoke(main, ["run", "--date", "2026-02-30"], env={})
    assert result.exit_code == 2
    assert "Invalid value for '--date': bad date '2026-02-30'" in result.output
    up.assert_not_called()


def test_the_landing_day_reaches_every_stage_from_one_date(stages):
    result = CliRunner().invoke(main, ["run", "--date", "2026-11-27", "--events", "100", "--no-api"])
    assert result.exit_code == 0, result.output
    day = dt.date(2026, 11, 27)  # a date, never a datetime: dt.datetime(2026, 11, 27) != day
    stages["stack_up"].assert_called_once_with()
    stages["generate"].assert_called_once_with(day=day, events=100, devices=10, members=5)
    stages["pipeline_run"].assert_called_once_with(day=day, runner=None)
    stages["hbase_load"].assert_called_once_with(day=day)
    stages["hive_register"].assert_called_once_with(day=day)
    stages["hive_query"].assert_called_once_with(name="daily_active_devices",
                                                 pairs=("start_dt=2026-11-21", "end_dt=2026-11-27"))
    stages["start_api"].assert_not_called()
    assert "generate 100 events for 2026-11-27" in result.output


def test_the_default_day_is_yesterday_utc(stages):
    result = CliRunner().invoke(main, ["run", "--events", "10", "--no-api"])
    assert result.exit_code == 0, result.output
    yesterday = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    stages["pipeline_run"].assert_called_once_with(day=yesterday, runner=None)


def test_each_stage_command_takes_the_day_as_a_date_under_its_own_option(clean_env, mocker):
    # The real commands, only their bodies replaced: ctx.invoke checks the option names and fills in the rest.
    bodies = {name: mocker.patch.object(getattr(command, name), "callback") for name in COMMANDS}
    result = CliRunner().invoke(main, ["run", "--date", "2026-11-27", "--events", "100", "--no-api"])
    assert result.exit_code == 0, result.output
    for name in ("generate", "pipeline_run", "hbase_load", "hive_register"):
        day = bodies[name].call_args.kwargs["day"]
        assert (name, type(day), day) == (name, dt.date, dt.date(2026, 11, 27))
    assert bodies["generate"].call_args.kwargs["hours"] == ()
    assert bodies["hbase_load"].call_args.kwargs["datasets"] == ()


def test_the_api_is_the_stacks_last_stage_and_its_key_reaches_the_lookups(stages, clean_env, tmp_path):
    clean_env.setenv("KICKBACK_API_PORT", "18080")
    result = CliRunner().invoke(main, ["run", "--date", "2026-11-27", "--events", "10"])
    assert result.exit_code == 0, result.output
    config = stages["start_api"].call_args.args[0]
    assert isinstance(config, StackConfig)
    assert (config.api_port, config.stack_dir) == (18080, tmp_path / "var" / "stack")
    settings, day, key = stages["lookups"].call_args.args
    assert (type(day), day, key) == (dt.date, dt.date(2026, 11, 27), "the-key")
    assert "[7/%d] api" % len(STAGES) in result.output
    assert result.output.rstrip().endswith("try the lookup API: ...")


def test_an_api_that_cannot_start_is_one_line(stages):
    stages["start_api"].side_effect = StackError("api did not answer within 180 s (GET /healthz ...)")
    result = CliRunner().invoke(main, ["run", "--date", "2026-11-27", "--events", "10"])
    assert result.exit_code == 1
    assert "Error: api did not answer within 180 s" in result.output
    stages["lookups"].assert_not_called()


def test_summary_lists_every_stage_and_the_total():
    rows = [line.split() for line in summary([("stack", 1.0), ("pipeline", 2.5)]).splitlines()[2:]]
    assert rows == [["stack", "1.0", "s"], ["pipeline", "2.5", "s"], ["total", "3.5", "s"]]
