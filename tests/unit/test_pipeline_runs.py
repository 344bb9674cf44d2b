"""Runs on one warehouse: the lock through the CLI, and the leftovers of
killed runs (inline runner, no JVM)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kickback.cli import main
from kickback.lock import warehouse_lock
from kickback.pipeline import run_pipeline
from tests.warehouse_tree import published

DAY = dt.date(2026, 11, 27)
LINE = (b'{"event_id":"e-1","device_id":"p-1","device_type":"phone","event_type":"purchase",'
        b'"member_id":"m-1","ts":"2026-11-27T08:10:00Z",'
        b'"attrs":{"merchant_id":"x","amount_cents":500,"points":5}}\n')


def _land(settings):
    folder = Path(settings.landing_dir) / "dt=2026-11-27" / "hour=08"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.jsonl").write_bytes(LINE)


def _env(settings):
    return {"KICKBACK_VAR_DIR": str(settings.var_dir),
            "KICKBACK_LANDING_DIR": str(settings.landing_dir),
            "KICKBACK_WAREHOUSE_DIR": str(settings.warehouse_dir),
            "KICKBACK_RUNNER": "inline"}


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_a_second_run_is_refused_in_one_line_while_one_holds_the_warehouse(tmp_settings):
    _land(tmp_settings)
    with warehouse_lock(tmp_settings.warehouse_dir):
        result = CliRunner().invoke(main, ["pipeline", "run", "--date", "2026-11-27"],
                                    env=_env(tmp_settings))
    assert result.exit_code == 1
    error = result.output.strip().splitlines()
    assert len(error) == 1 and "is in use by pid" in error[0] and "--wait" in error[0]
    assert not (Path(tmp_settings.warehouse_dir) / "events").exists()


def test_leftovers_of_killed_runs_are_cleaned_by_the_next_run(tmp_settings):
    _land(tmp_settings)
    warehouse = Path(tmp_settings.warehouse_dir)
    staged = warehouse / "_staging" / "0123abcd" / "events" / "dt=2026-11-27" / "hour=08"
    staged.mkdir(parents=True)
    (staged / "part-00000").write_text("half a row")
    (warehouse / "_staging" / "0123abcd.old" / "events").mkdir(parents=True)
    (warehouse / "_runs").mkdir()
    (warehouse / "_runs" / "dt=2026-11-27.json.tmp").write_text("{")
    tmp = tmp_settings.var_dir / "tmp"
    dead = tmp / ("run-%d-%s" % (_dead_pid(), "a" * 12))
    old_style = tmp / ("run-" + "b" * 12)
    mine = tmp / ("run-%d-%s" % (__import__("os").getpid(), "c" * 12))
    for folder in (dead, old_style, mine):
        folder.mkdir(parents=True)

    status = CliRunner().invoke(main, ["pipeline", "status"], env=_env(tmp_settings))
    assert status.exit_code == 0, status.output
    assert status.output.count("leftover ") == 5

    said = []
    report = run_pipeline(tmp_settings, DAY, runner="inline", say=said.append)
    cleaned = set(report.cleaned)
    assert {str(p.resolve()) for p in (staged.parents[2], staged.parents[2].with_name("0123abcd.old"),
                                        warehouse / "_runs" / "dt=2026-11-27.json.tmp",
                                        dead, old_style)} == cleaned
    assert mine.exists() and not dead.exists() and not (warehouse / "_staging" / "0123abcd").exists()
    assert sum(line.startswith("cleaned ") for line in said) == 5
    status = CliRunner().invoke(main, ["pipeline", "status"], env=_env(tmp_settings))
    assert "leftovers    none" in status.output
    assert "lock         free" in status.output
    assert "run          2026-11-27  hours 08" in status.output


def test_a_run_killed_while_publishing_is_finished_with_its_manifest(tmp_settings, mocker):
    # Killed right after its commit record: nothing swapped in, nothing cleaned up.
    _land(tmp_settings)
    mocker.patch("warehouse.publish._finish", side_effect=SystemExit("killed"))
    mocker.patch("warehouse.publish.Staging.discard")
    with pytest.raises(SystemExit):
        run_pipeline(tmp_settings, DAY, runner="inline", say=lambda _: None)
    mocker.stopall()
    runs = Path(tmp_settings.warehouse_dir) / "_runs"
    assert not (runs / "dt=2026-11-27.json").exists()
    said = []
    run_pipeline(tmp_settings, DAY, runner="inline", say=said.append)   # the same hour again
    assert any(line.startswith("finished publishing ") for line in said), said
    record = json.loads((runs / "dt=2026-11-27.json").read_text())
    # The killed run added the member event; the re-run added nothing: the record is the killed run's.
    (entry,) = record["published"]["member_events/dt=2026-11-27"]
    assert entry["added"] and len(entry["files"]) == 1
    assert entry["run"] == (Path(tmp_settings.warehouse_dir) / "member_events" / "dt=2026-11-27"
                            / "_SUCCESS").read_text()


def test_two_runs_started_together_never_interleave(tmp_settings, tmp_path):
    from generator import generate_landing

    generate_landing(tmp_settings.landing_dir, DAY, [8, 9], seed=11, members=30, devices=60,
                     events=1500, duplicate_rate=0.3, late_rate=0.0, progress=False)
    sequential = {}
    for order in ((8, 9), (9, 8)):
        settings = tmp_settings.replace(warehouse_dir=tmp_path / ("seq-%d%d" % order))
        for hour in order:
            run_pipeline(settings, DAY, hours=[hour], runner="inline", say=lambda _: None)
        sequential[order] = published(Path(settings.warehouse_dir).resolve())
    env = dict(__import__("os").environ, **_env(tmp_settings))
    command = [sys.executable, "-m", "kickback", "pipeline", "run", "--date", "2026-11-27", "--wait"]
    runs = [subprocess.Popen(command + ["--hour", str(hour)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for hour in (8, 9)]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    together = published(Path(tmp_settings.warehouse_dir).resolve())
    assert together in (sequential[8, 9], sequential[9, 8])
