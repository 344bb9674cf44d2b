"""kickback/commands/options.py: the landing day on the command line is a date, text only through day_text."""

import datetime as dt

import click
import pytest
from click.testing import CliRunner

from kickback.commands.options import DAY, day_text, yesterday_utc


@click.command()
@click.option("--date", "day", type=DAY, default=yesterday_utc)
def show(day):
    click.echo(repr(day))


def test_a_day_option_hands_its_command_a_date():
    result = CliRunner().invoke(show, ["--date", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert result.output == "datetime.date(2026, 11, 27)\n"


def test_the_default_is_yesterday_utc_as_a_date():
    result = CliRunner().invoke(show, [])
    assert result.exit_code == 0, result.output
    assert result.output == "%r\n" % (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1))
    assert type(yesterday_utc()) is dt.date


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "27.11.2026", "2026-3-10", "20261127", "2026-W48-5", ""])
def test_a_bad_day_is_one_usage_error_naming_the_option(text):
    result = CliRunner().invoke(show, ["--date", text])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: Invalid value for '--date': bad date %r: expected YYYY-MM-DD" % text]


def test_a_date_passes_and_a_datetime_is_no_day():
    assert DAY.convert(dt.date(2026, 11, 27), None, None) == dt.date(2026, 11, 27)
    with pytest.raises(click.BadParameter, match="bad date"):
        DAY.convert(dt.datetime(2026, 11, 27), None, None)


def test_help_shows_the_format():
    assert "--date YYYY-MM-DD" in CliRunner().invoke(show, ["--help"]).output


def test_day_text_is_the_partition_value():
    assert day_text(dt.date(2026, 3, 9)) == "2026-03-09"
