"""`kickback run`: argument errors are one line, before anything starts."""

from click.testing import CliRunner

from kickback.cli import main
from kickback.commands.run import summary


def test_bad_date_is_one_clear_line(mocker):
    up = mocker.patch("kickback.commands.run.stack_up")
    result = CliRunner().invoke(main, ["run", "--date", "2026-02-30"], env={})
    assert result.exit_code == 2
    assert "Invalid value for --date: bad date '2026-02-30'" in result.output
    up.assert_not_called()


def test_summary_lists_every_stage_and_the_total():
    rows = [line.split() for line in summary([("stack", 1.0), ("pipeline", 2.5)]).splitlines()[2:]]
    assert rows == [["stack", "1.0", "s"], ["pipeline", "2.5", "s"], ["total", "3.5", "s"]]
