"""Background processes of the stack: start detached, record, find, stop.

Services run in their own session with stdin from /dev/null and output to
their own log file, so no daemon keeps a caller's terminal (or CI's pipes)
open. Pid files say what ``up`` started; ``down`` stops exactly those.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Mapping, Sequence

from stack.errors import StackError


def start_detached(
    argv: Sequence[str],
    log_file: Path,
    pid_file: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Start ``argv`` in a new session, output appended to ``log_file``."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log, open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(
            list(argv),
            stdin=devnull,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=str(cwd) if cwd else None,
            start_new_session=True,
            close_fds=True,
        )
    pid_file.write_text("%d\n" % proc.pid)
    return proc.pid


def read_pid(pid_file: Path) -> int | None:
    """The pid recorded in ``pid_file``, or None if absent or garbled."""
    try:
        text = pid_file.read_text().strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else None


def is_alive(pid: int) -> bool:
    """Whether a process with ``pid`` exists (and is not a zombie whose threads have all ended)."""
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    try:
        stat = Path("/proc/%d/stat" % pid).read_text()
    except OSError:
        return True
    if stat.rsplit(")", 1)[-1].split()[0] != "Z":
        return True
    # A JVM's main thread ends first on SIGTERM: the process shows as a
    # zombie while its other threads still run shutdown hooks and hold
    # their ports. It has ended once only the zombie thread is left.
    try:
        return len(os.listdir("/proc/%d/task" % pid)) > 1
    except OSError:
        return False


def running_pid(pid_file: Path) -> int | None:
    """The recorded pid if that process still runs, else None."""
    pid = read_pid(pid_file)
    return pid if pid is not None and is_alive(pid) else None


def stop(pid_file: Path, grace_s: float = 30.0) -> bool:
    """Stop the recorded process group: TERM, then KILL after ``grace_s``.

    Returns whether something was running.
    """
    pid = running_pid(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    _signal_group(pid, signal.SIGTERM)
    if not wait_for(lambda: not is_alive(pid), grace_s, interval=0.2):
        _signal_group(pid, signal.SIGKILL)
        wait_for(lambda: not is_alive(pid), 10.0, interval=0.2)
    pid_file.unlink(missing_ok=True)
    return True


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return
    except PermissionError:
        os.kill(pid, sig)


def wait_for(check: Callable[[], bool], timeout_s: float, interval: float = 0.5) -> bool:
    """Poll ``check`` until it is true or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def port_open(host: str, port: int, timeout_s: float = 0.5) -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def port_holder(port: int, proc_root: Path = Path("/proc")) -> str | None:
    """Describe the process listening on ``port`` ("pid 12 (java ...)"), if any."""
    inodes = _listening_inodes(port, proc_root)
    if not inodes:
        return None
    for pid_dir in proc_root.iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            fds = list((pid_dir / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return "pid %s (%s)" % (pid_dir.name, _cmdline(pid_dir))
    return "a process this user cannot see"


def _listening_inodes(port: int, proc_root: Path) -> set[str]:
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc_root / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def _cmdline(pid_dir: Path) -> str:
    try:
        raw = (pid_dir / "cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:120]


def require_free_port(host: str, port: int, service: str) -> None:
    """Fail with one line naming the holder if ``port`` is taken."""
    holder = port_holder(port)
    if holder is None and not port_open(host, port):
        return
    raise StackError(
        "cannot start %s: port %d is already taken by %s; stop it or change the port setting"
        % (service, port, holder or "another process")
    )
