"""bench.child: a measured child process, its result line, failures and the timeout."""

from __future__ import annotations

import sys

import pytest

from bench import child


def test_run_child_returns_its_json_and_times(tmp_path):
    code = "import json; sum(range(200000)); print('progress'); print(json.dumps({'lines': 3}))"
    run = child.run_child([sys.executable, "-c", code], timeout_s=60, log_file=tmp_path / "log")
    assert run.returncode == 0
    assert run.json() == {"lines": 3}
    assert run.wall_s > 0
    assert run.cpu_s == pytest.approx(run.user_s + run.sys_s)
    assert run.cpu_s > 0


def test_cpu_time_includes_grandchildren(tmp_path):
    spin = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'sum(range(3_000_000))'], check=True)"
    run = child.run_child([sys.executable, "-c", spin], timeout_s=60, log_file=tmp_path / "log")
    alone = child.run_child([sys.executable, "-c", "pass"], timeout_s=60, log_file=tmp_path / "log")
    assert run.cpu_s > alone.cpu_s


def test_a_failing_child_names_its_log(tmp_path):
    code = "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"
    with pytest.raises(child.ChildFailed, match="exited 3"):
        child.run_child([sys.executable, "-c", code], timeout_s=60, log_file=tmp_path / "log")
    assert "boom" in (tmp_path / "log").read_text()


def test_a_child_past_its_timeout_is_killed(tmp_path):
    with pytest.raises(child.ChildFailed, match="timeout"):
        child.run_child([sys.executable, "-c", "import time; time.sleep(60)"], timeout_s=0.5,
                        log_file=tmp_path / "log")


def test_no_result_line_is_an_error(tmp_path):
    run = child.run_child([sys.executable, "-c", "pass"], timeout_s=60, log_file=tmp_path / "log")
    with pytest.raises(child.ChildFailed, match="no result"):
        run.json()


def test_python_env_puts_the_repository_first():
    env = child.python_env({"EXTRA": "1"})
    assert env["PYTHONPATH"].split(":")[0] == str(child.REPO_ROOT)
    assert env["EXTRA"] == "1"
