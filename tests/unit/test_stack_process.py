"""Pid files, liveness, port ownership and waiting: the stack's process logic."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from stack import process
from stack.errors import StackError


def test_start_detached_records_pid_and_stop_ends_it(tmp_path):
    pid_file = tmp_path / "run" / "svc.pid"
    log = tmp_path / "logs" / "svc.log"
    pid = process.start_detached(
        [sys.executable, "-c", "import time; print('hello', flush=True); time.sleep(60)"], log, pid_file
    )
    assert process.read_pid(pid_file) == pid
    assert process.wait_for(lambda: "hello" in log.read_text(), 10)
    assert process.running_pid(pid_file) == pid
    assert process.stop(pid_file, grace_s=5) is True
    assert not process.is_alive(pid)
    assert not pid_file.exists()


def test_stop_without_a_running_process_is_harmless(tmp_path):
    pid_file = tmp_path / "svc.pid"
    assert process.stop(pid_file) is False
    pid_file.write_text("999999999\n")
    assert process.stop(pid_file) is False
    assert not pid_file.exists()


def test_garbled_pid_file_reads_as_none(tmp_path):
    pid_file = tmp_path / "svc.pid"
    pid_file.write_text("not a pid")
    assert process.read_pid(pid_file) is None
    assert process.running_pid(pid_file) is None


def test_wait_for_gives_up_after_timeout():
    assert process.wait_for(lambda: False, 0.2, interval=0.05) is False


@pytest.fixture
def listener():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    yield sock.getsockname()[1]
    sock.close()


def test_port_holder_names_the_listening_process(listener):
    holder = process.port_holder(listener)
    assert holder is not None and holder.startswith("pid ")
    assert process.port_open("127.0.0.1", listener)


def test_require_free_port_says_who_holds_it(listener):
    with pytest.raises(StackError, match=r"port %d is already taken by pid \d+" % listener):
        process.require_free_port("127.0.0.1", listener, "thrift")


def test_free_port_passes():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    process.require_free_port("127.0.0.1", port, "thrift")
    assert process.port_holder(port) is None


def test_a_process_whose_main_thread_ended_is_alive_until_its_other_threads_end():
    """What a JVM does on SIGTERM: its main thread ends first, shutdown hooks still run."""
    code = ("import ctypes, threading, time; threading.Thread(target=time.sleep, args=(1.5,)).start(); "
            "ctypes.CDLL(None).pthread_exit(None)")
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        stat = Path("/proc/%d/stat" % proc.pid)
        assert process.wait_for(lambda: stat.read_text().rsplit(")", 1)[-1].split()[0] == "Z", 10, 0.02)
        assert process.is_alive(proc.pid)
        assert process.wait_for(lambda: not process.is_alive(proc.pid), 10, 0.05)
    finally:
        proc.kill()
        proc.wait()
