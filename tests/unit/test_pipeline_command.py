"""kickback/commands/pipeline.py: `kickback pipeline run|rebuild` take their landing days as dates."""

import datetime as dt

import pytest
from click.testing import CliRunner

from kickback.commands.pipeline import pipeline


@pytest.fixture
def library(mocker):
    """The pipeline library's entry points, and the report formatting, replaced."""
    mocker.patch("kickback.commands.pipeline.format_report", return_value="report")
    return {
        "run": mocker.patch("kickback.commands.pipeline.run_pipeline"),
        "rebuild": mocker.patch("kickback.commands.pipeline.rebuild_range", return_value=[]),
    }


def invoke(settings, *args):
    return CliRunner().invoke(pipeline, list(args), obj=settings)


def test_run_hands_the_pipeline_the_landing_day_as_a_date(library, tmp_settings):
    result = invoke(tmp_settings, "run", "--date", "2026-11-27", "--hour", "8")
    assert result.exit_code == 0, result.output
    settings, day = library["run"].call_args.args
    assert (type(day), day) == (dt.date, dt.date(2026, 11, 27))
    assert library["run"].call_args.kwargs["hours"] == [8]


def test_rebuild_hands_the_range_its_first_and_last_days_as_dates(library, tmp_settings):
    result = invoke(tmp_settings, "rebuild", "--from", "2026-11-20", "--to", "2026-11-27")
    assert result.exit_code == 0, result.output
    settings, first, last = library["rebuild"].call_args.args
    assert (type(first), first, type(last), last) == (dt.date, dt.date(2026, 11, 20), dt.date, dt.date(2026, 11, 27))
    assert "rebuilt 0 landing days" in result.output


@pytest.mark.parametrize("args, option", [
    (["run", "--date", "2026-02-30"], "'--date'"),
    (["run"], "'--date'"),
    (["rebuild", "--from", "2026-11-32", "--to", "2026-11-27"], "'--from'"),
    (["rebuild", "--from", "2026-11-20", "--to", "27.11.2026"], "'--to'"),
])
def test_a_bad_or_missing_day_is_one_usage_error_before_anything_runs(library, tmp_settings, args, option):
    result = invoke(tmp_settings, *args)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and option in errors[0]
    library["run"].assert_not_called()
    library["rebuild"].assert_not_called()
