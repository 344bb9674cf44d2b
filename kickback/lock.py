"""One run at a time per warehouse: an exclusive lock file with its holder.

The lock is ``<warehouse>/_lock`` (``warehouse.layout.LOCK``), holding a JSON
line naming its holder (pid, host, command, start time). A run that finds
it held refuses with one line naming the holder, or waits for it
(``wait=True``), saying so.

- **Local warehouse**: the file is held with ``flock`` for the whole run.
  The kernel drops a ``flock`` when its process dies, however it dies, so a
  lock whose file still names a holder but that nobody holds is stale: the
  next run takes it over and says whose it was.
- **Remote warehouse** (hdfs://, s3://, gs://): the lock file is created
  exclusively (HDFS: CREATE with overwrite=false; S3: a conditional PUT)
  and removed at the end. A lock left by a process of this host that no
  longer runs is stale and taken over; one named by another host cannot be
  checked from here, so the message says how to remove it by hand.
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

from kickback.scratch import pid_alive
from warehouse.layout import LOCK as LOCK_NAME
from warehouse.storage import Storage

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


def warehouse_lock(root: "Storage | Path | str", wait: bool = False, say: Say = lambda _: None):
    """``with warehouse_lock(root):`` runs the block holding the warehouse's lock."""
    storage = root if isinstance(root, Storage) else Storage(str(root))
    if storage.is_local:
        return LocalLock(Path(storage.local_path()), wait, say)
    return RemoteLock(storage, wait, say)


class LocalLock:
    """The lock of a warehouse on a local (or NFS) filesystem: ``flock``."""

    def __init__(self, root: Path, wait: bool = False, say: Say = lambda _: None):
        self.path = Path(root) / LOCK_NAME
        self.wait = wait
        self.say = say
        self.stale: Holder | None = None
        self._handle = None

    def __enter__(self) -> "LocalLock":
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


class RemoteLock:
    """The lock of a warehouse on HDFS or an object store: exclusive create."""

    def __init__(self, storage: Storage, wait: bool = False, say: Say = lambda _: None,
                 poll_s: float = 5.0):
        self.storage = storage
        self.wait = wait
        self.say = say
        self.poll_s = poll_s
        self.stale: Holder | None = None
        self._mine: bytes | None = None

    def __enter__(self) -> "RemoteLock":
        mine = (json.dumps(Holder.me().__dict__, sort_keys=True) + "\n").encode()
        waited = None
        while not self.storage.create_exclusive(LOCK_NAME, mine):
            holder = Holder.parse(self._read())
            if holder is not None and holder.host == socket.gethostname() and not pid_alive(holder.pid):
                self.stale = holder
                self.say("took over the lock of %s: a run that is no longer running" % holder.describe())
                self.storage.rm(LOCK_NAME)
                continue
            who = holder.describe() if holder else "another run"
            if not self.wait:
                raise LockHeld(
                    "the warehouse %s is in use by %s; rerun with --wait to wait for it%s"
                    % (self.storage.display(), who, _by_hand(self.storage, holder)))
            if waited is None:
                waited = time.monotonic()
                self.say("waiting for the warehouse lock %s, held by %s" % (self.storage.display(LOCK_NAME), who))
            time.sleep(self.poll_s)
        if waited is not None:
            self.say("got the warehouse lock after %.0f s" % (time.monotonic() - waited))
        self._mine = mine
        return self

    def __exit__(self, *exc_info) -> None:
        mine, self._mine = self._mine, None
        if mine is not None and self._read().encode() == mine:
            self.storage.rm(LOCK_NAME)

    def _read(self) -> str:
        try:
            return self.storage.read_text(LOCK_NAME)
        except (OSError, UnicodeDecodeError):
            return ""


def _by_hand(storage: Storage, holder: Holder | None) -> str:
    if holder is not None and holder.host != socket.gethostname():
        return " (if that run is dead, remove %s by hand)" % storage.uri(LOCK_NAME)
    return ""


def read_holder(path: Path) -> Holder | None:
    """The holder a lock file names (None if it names none)."""
    try:
        return Holder.parse(Path(path).read_text(encoding="utf-8"))
    except OSError:
        return None


def lock_state(root: "Storage | Path | str") -> tuple[str, Holder | None]:
    """('free' | 'held' | 'stale', holder) of a warehouse's lock, without taking it."""
    storage = root if isinstance(root, Storage) else Storage(str(root))
    if not storage.is_local:
        if not storage.isfile(LOCK_NAME):
            return "free", None
        holder = Holder.parse(storage.read_text(LOCK_NAME))
        if holder is not None and holder.host == socket.gethostname() and not pid_alive(holder.pid):
            return "stale", holder
        return "held", holder
    path = Path(storage.local_path()) / LOCK_NAME
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
