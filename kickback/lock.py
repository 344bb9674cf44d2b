"""One run at a time per warehouse: an exclusive lock file with its holder.

The lock is ``<warehouse>/_lock``, held with ``flock`` for the whole run and
holding a JSON line naming its holder (pid, host, command, start time). The
kernel drops a ``flock`` when its process dies, however it dies, so a lock
whose file still names a holder but that nobody holds is stale: the next run
takes it over and says whose it was. A run that finds the lock held refuses
with one line naming the holder, or waits for it (``wait=True``), saying so.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

LOCK_NAME = "_lock"

Say = Callable[[str], None]


class LockHeld(RuntimeError):
    """Another live run holds the warehouse lock."""


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a lock."""

    pid: int
    host: str
    command: str
    started: str

    @classmethod
    def me(cls) -> "Holder":
        """This process."""
        started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return cls(os.getpid(), socket.gethostname(), " ".join(sys.argv), started)

    @classmethod
    def parse(cls, text: str) -> "Holder | None":
        """The holder recorded in a lock file's text, or None if there is none."""
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), str(data["host"]), str(data["command"]), str(data["started"]))
        except (ValueError, KeyError, TypeError):
            return None

    def describe(self) -> str:
        """'pid 123 on host h (kickback pipeline run ...), since ...'."""
        return "pid %d on %s (%s), since %s" % (self.pid, self.host, _printable(self.command), self.started)


class WarehouseLock:
    """``with WarehouseLock(root):`` runs the block holding the warehouse's lock."""

    def __init__(self, root: Path, wait: bool = False, say: Say = lambda _: None):
        self.path = Path(root) / LOCK_NAME
        self.wait = wait
        self.say = say
        self.stale: Holder | None = None
        self._handle = None

    def __enter__(self) -> "WarehouseLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            self._acquire(handle)
            handle.seek(0)
            self.stale = Holder.parse(handle.read())
            if self.stale is not None:
                self.say("took over the lock of %s: a run that is no longer running" % self.stale.describe())
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(Holder.me().__dict__, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            handle.close()
            raise
        self._handle = handle
        return self

    def _acquire(self, handle) -> None:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = read_holder(self.path)
        who = holder.describe() if holder else "another run"
        if not self.wait:
            raise LockHeld(
                "the warehouse %s is in use by %s; rerun with --wait to wait for it"
                % (self.path.parent, who)
            )
        self.say("waiting for the warehouse lock %s, held by %s" % (self.path, who))
        started = time.monotonic()
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        self.say("got the warehouse lock after %.0f s" % (time.monotonic() - started))

    def __exit__(self, *exc_info) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            # An empty lock file is a lock released cleanly.
            handle.seek(0)
            handle.truncate()
            handle.flush()
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()


def read_holder(path: Path) -> Holder | None:
    """The holder a lock file names (None if it names none)."""
    try:
        return Holder.parse(Path(path).read_text(encoding="utf-8"))
    except OSError:
        return None


def lock_state(root: Path) -> tuple[str, Holder | None]:
    """('free' | 'held' | 'stale', holder) of a warehouse's lock, without taking it."""
    path = Path(root) / LOCK_NAME
    if not path.exists():
        return "free", None
    holder = read_holder(path)
    with open(path, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return "held", holder
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return ("stale", holder) if holder is not None else ("free", None)


def _printable(text: str) -> str:
    """``text`` with control characters escaped, for one-line messages."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
