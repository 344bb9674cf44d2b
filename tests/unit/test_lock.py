"""One run at a time per warehouse: the lock, its holder, stale take-over."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading

import pytest

from kickback.lock import LOCK_NAME, Holder, LockHeld, lock_state, warehouse_lock


def _hold(root, ready, release):
    with warehouse_lock(root):
        ready.set()
        release.wait(30)


@pytest.fixture
def held(tmp_path):
    """The lock of tmp_path held by another process; ``release()`` ends it."""
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    process = context.Process(target=_hold, args=(tmp_path, ready, release))
    process.start()
    assert ready.wait(30)
    process.release = release.set
    yield process
    release.set()
    process.join(30)


def test_the_lock_records_its_holder_and_is_released_clean(tmp_path):
    with warehouse_lock(tmp_path):
        holder = Holder.parse((tmp_path / LOCK_NAME).read_text())
        assert holder.pid == os.getpid()
        assert holder.host and holder.command and holder.started
        assert lock_state(tmp_path)[0] == "held"
    assert (tmp_path / LOCK_NAME).read_text() == ""
    assert lock_state(tmp_path) == ("free", None)


def test_a_second_run_is_refused_with_one_line_naming_the_holder(tmp_path, held):
    with pytest.raises(LockHeld) as caught:
        with warehouse_lock(tmp_path):
            pass
    message = str(caught.value)
    assert "pid %d" % held.pid in message and "--wait" in message
    assert "\n" not in message


def test_a_waiting_run_says_so_and_gets_the_lock_when_it_is_released(tmp_path, held):
    said = []
    timer = threading.Timer(1.0, held.release)
    timer.start()
    with warehouse_lock(tmp_path, wait=True, say=said.append):
        assert Holder.parse((tmp_path / LOCK_NAME).read_text()).pid == os.getpid()
    timer.join()
    assert any("waiting for the warehouse lock" in line and "pid %d" % held.pid in line
               for line in said)


def test_a_lock_left_by_a_dead_process_is_taken_over_with_a_message(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    (tmp_path / LOCK_NAME).write_text(json.dumps(
        {"pid": pid, "host": "h1", "command": "kickback pipeline run --date 2026-11-27",
         "started": "2026-11-27T08:00:00Z"}) + "\n")
    assert lock_state(tmp_path)[0] == "stale"
    said = []
    with warehouse_lock(tmp_path, say=said.append) as lock:
        assert lock.stale.pid == pid
    assert any("took over the lock of pid %d" % pid in line for line in said)


def test_control_characters_in_the_holder_command_are_escaped(tmp_path):
    holder = Holder(1, "h", "kickback\nforged line", "t")
    assert "\n" not in holder.describe()
