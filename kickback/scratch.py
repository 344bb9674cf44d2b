"""Per-run scratch folders under ``<var_dir>/tmp``, and what killed runs leave.

A run's scratch folder is ``<var_dir>/tmp/run-<pid>-<random>``, named after
the process that owns it. Runs of other warehouses share ``<var_dir>/tmp``,
so a folder is removed only when its owner is no longer running on this
host; folders of the older ``run-<random>`` form name no owner and are
removed too (no run of this version makes them).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

_NAME = re.compile(r"run-(?:(\d+)-)?[0-9a-f]{12}\Z")


def make_scratch(var_dir: Path) -> Path:
    """A new, empty scratch folder owned by this process."""
    folder = Path(var_dir).resolve() / "tmp" / ("run-%d-%s" % (os.getpid(), uuid.uuid4().hex[:12]))
    folder.mkdir(parents=True)
    return folder


def dead_scratch(var_dir: Path) -> list[Path]:
    """Scratch folders whose owner no longer runs."""
    base = Path(var_dir).resolve() / "tmp"
    if not base.is_dir():
        return []
    found = []
    for entry in sorted(base.iterdir()):
        match = _NAME.match(entry.name)
        if match is None or not entry.is_dir():
            continue
        owner = match.group(1)
        if owner is None or not pid_alive(int(owner)):
            found.append(entry)
    return found


def remove(paths: list[Path]) -> list[Path]:
    """Remove folders and files; return those that are gone."""
    gone = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        if not path.exists():
            gone.append(path)
    return gone


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
