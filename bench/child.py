"""Run one command as a child process and measure it: wall time and CPU time.

The CPU time is the child's own plus that of every descendant it waited for
(``os.wait4``), so a pipeline that forks task processes is charged for them.
Every run is bounded by a timeout; a child still running then is killed
with its whole process group.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

logger = logging.getLogger(__name__)


class ChildFailed(RuntimeError):
    """A measured child exited non-zero or ran past its timeout."""


@dataclass(frozen=True)
class ChildRun:
    """What one child did: its exit code, output and the time it took."""

    argv: tuple[str, ...]
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    stdout: str

    @property
    def cpu_s(self) -> float:
        """User plus system CPU seconds, descendants included."""
        return self.user_s + self.sys_s

    def json(self) -> Any:
        """The child's stdout parsed as JSON (its last non-empty line)."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        if not lines:
            raise ChildFailed("%s printed no result" % " ".join(self.argv[:4]))
        return json.loads(lines[-1])


REPO_ROOT = Path(__file__).resolve().parent.parent


def python_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment with the repository on PYTHONPATH (for ``python -m bench.*`` children)."""
    env = dict(os.environ)
    paths = [str(REPO_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.update(extra or {})
    return env


def run_child(
    argv: Sequence[str],
    *,
    timeout_s: float,
    log_file: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> ChildRun:
    """Run ``argv`` to completion (stderr to ``log_file``); raise ChildFailed on failure."""
    Path(log_file).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as out, open(log_file, "ab") as err:
        started = time.monotonic()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=dict(env) if env is not None else python_env(), cwd=cwd,
                                start_new_session=True)
        status, usage = _wait(proc, started + timeout_s)
        wall = time.monotonic() - started
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    if status is None:
        raise ChildFailed("%s ran past its %.0fs timeout and was killed; log: %s"
                          % (" ".join(argv[:4]), timeout_s, log_file))
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise ChildFailed("%s exited %d; log: %s" % (" ".join(argv[:4]), code, log_file))
    return ChildRun(tuple(argv), code, wall, usage.ru_utime, usage.ru_stime, stdout)


def _wait(proc: subprocess.Popen, deadline: float):
    """(wait status, rusage) of ``proc``, or (None, None) after killing it at ``deadline``."""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            # Reaped here, so Popen must not wait for it again.
            proc.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        if time.monotonic() >= deadline:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)
            return None, None
        time.sleep(0.05)
