"""``kickback generate``: options, defaults and one-line errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from kickback.commands import generate as command
from kickback.config import Settings


def _run(args: list[str], settings: Settings):
    return CliRunner().invoke(command.generate, args, obj=settings)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(env={}, landing_dir=str(tmp_path / "landing"))


def test_writes_under_the_landing_dir(settings: Settings) -> None:
    result = _run(["--date", "2026-11-27", "--hour", "3", "--hour", "4", "--events", "300",
                   "--devices", "50", "--members", "20", "--gzip", "--no-progress",
                   "--files-per-hour", "2"], settings)
    assert result.exit_code == 0, result.output
    folder = Path(settings.landing_dir) / "dt=2026-11-27"
    assert sorted(p.name for p in (folder / "hour=03").iterdir()) == [
        "_manifest.json", "part-00000.jsonl.gz", "part-00001.jsonl.gz"]
    assert sorted(p.name for p in folder.iterdir()) == ["hour=03", "hour=04"]
    assert "lines in 4 files" in result.output and "valid " in result.output


def test_defaults_to_yesterday_and_every_hour(settings: Settings, tmp_path: Path, mocker) -> None:
    spy = mocker.patch.object(command, "generate_landing", wraps=command.generate_landing)
    result = _run(["--events", "48", "--devices", "10", "--members", "5", "--no-progress",
                   "--root", str(tmp_path / "other")], settings)
    assert result.exit_code == 0, result.output
    root, day, hours = spy.call_args.args
    assert root == tmp_path / "other"
    assert day == dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    assert list(hours) == list(range(24))
    assert spy.call_args.kwargs["progress"] is False
    assert len(list((tmp_path / "other").glob("dt=*/hour=*/part-00000.jsonl"))) == 24


def test_the_date_reaches_the_generator_as_a_date(settings: Settings, mocker) -> None:
    spy = mocker.patch.object(command, "generate_landing", wraps=command.generate_landing)
    result = _run(["--date", "2026-11-27", "--hour", "5", "--events", "10", "--devices", "5",
                   "--members", "2", "--no-progress"], settings)
    assert result.exit_code == 0, result.output
    day = spy.call_args.args[1]
    assert (type(day), day) == (dt.date, dt.date(2026, 11, 27))
    assert "/dt=2026-11-27 in " in result.output


@pytest.mark.parametrize("args, where", [
    (["--hour", "24"], "'--hour'"),
    (["--bad-rate", "1.5"], "'--bad-rate'"),
    (["--events", "-1"], "'--events'"),
    (["--members", "0"], "'--members'"),
    (["--files-per-hour", "0"], "'--files-per-hour'"),
    (["--date", "2026-13-01"], "'--date'"),
])
def test_bad_values_are_one_clear_line(settings: Settings, args: list[str], where: str) -> None:
    result = _run(args, settings)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and where in errors[0]
    assert not Path(settings.landing_dir).exists()


def test_value_errors_become_bad_parameter(settings: Settings, mocker) -> None:
    mocker.patch.object(command, "generate_landing", side_effect=ValueError("hours must be x"))
    result = _run(["--no-progress"], settings)
    assert result.exit_code == 2
    assert "hours must be x" in result.output
