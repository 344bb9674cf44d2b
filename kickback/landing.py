"""Finding the raw landing files of a landing day or hour, and checking them.

Layout (the input contract): ``<root>/dt=YYYY-MM-DD/hour=HH/<name>.jsonl[.gz]``.

What is read, and what is said about the rest:

- ``hour=HH`` folders with two digits 00-23 hold a landing hour; anything
  else beside them (``hour=8``, ``hour=99``, ``hour=ab``, stray files or
  folders) is ignored with one line each, and the run's summary lists it.
- Inside an hour folder, ``*.jsonl`` and ``*.jsonl.gz`` files are landing
  files; names starting with ``_`` or ``.`` are metadata (Hadoop's
  convention: ``_manifest.json``, ``_SUCCESS``) and skipped quietly; any
  other entry is ignored with one line.
- Symbolic links inside the landing (a ``dt=`` or ``hour=`` folder, or a
  file) are refused with one line: a link would make a line's landing hour
  depend on where the link points (see docs/device-log-v1.md).

A gzip file that cannot be read to its end would crash a Hadoop task, so
every ``.gz`` is read through once before a run; a broken one stops the run
with its name, and nothing is lost.

The landing root is a ``warehouse.storage.Storage``: a local folder or an
hdfs://, s3:// or gs:// URI. Files are named relative to it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import zlib
from dataclasses import dataclass, field

from warehouse.storage import Storage

SUFFIXES = (".jsonl", ".jsonl.gz")
_CHUNK = 1 << 20
_HOUR_NAME = re.compile(r"hour=(\d\d)\Z")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class LandingError(ValueError):
    """The requested landing cannot be processed as it is."""


@dataclass(frozen=True)
class LandingHour:
    """One landing hour's folder and files (relative to the landing root)."""

    day: dt.date
    hour: int
    folder: str
    files: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        """The files' names without their folders."""
        return [path.rsplit("/", 1)[-1] for path in self.files]


@dataclass(frozen=True)
class Ignored:
    """An entry of the landing that is not read, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return "%s: %s" % (self.path, self.reason)


@dataclass
class Landing:
    """The landing hours of one run and the entries left out."""

    storage: Storage
    hours: list[LandingHour]
    ignored: list[Ignored] = field(default_factory=list)

    def uris(self) -> list[str]:
        """Every landing file of the run, as a full URI."""
        return [self.storage.uri(path) for hour in self.hours for path in hour.files]


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD date, or a LandingError saying what is wrong."""
    try:
        # fromisoformat alone also takes 20261127 and 2026-W48-5.
        if not _DAY.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise LandingError("bad date %r: expected YYYY-MM-DD" % (text,)) from None


def hour_folder(day: dt.date, hour: int) -> str:
    """The folder of one landing hour, relative to the landing root."""
    return "dt=%s/hour=%02d" % (day.isoformat(), hour)


def day_folder(day: dt.date) -> str:
    """The folder of one landing day, relative to the landing root."""
    return "dt=%s" % day.isoformat()


def find_landing(storage: Storage, day: dt.date, hours: list[int] | None = None) -> Landing:
    """The landing hours of ``day`` (all present ones, or exactly ``hours``)."""
    day_folder = "dt=%s" % day.isoformat()
    _refuse_link(storage, day_folder)
    if not storage.isdir(day_folder):
        raise LandingError("no landing for %s: %s does not exist" % (day, storage.display(day_folder)))
    for hour in hours or ():
        if not 0 <= hour <= 23:
            raise LandingError("bad hour %r: expected 0-23" % hour)
    present, ignored = _hour_folders(storage, day_folder)
    wanted = hours if hours is not None else sorted(present)
    found = []
    for hour in wanted:
        folder = present.get(hour, hour_folder(day, hour))
        files, skipped = _landing_files(storage, folder)
        ignored += skipped
        if not files:
            if hours is not None:
                raise LandingError("no landing files in %s" % storage.display(folder))
            continue
        found.append(LandingHour(day, hour, folder, files))
    if not found:
        raise LandingError("no landing files under %s" % storage.display(day_folder))
    return Landing(storage, found, ignored)


def _hour_folders(storage: Storage, day_folder: str) -> tuple[dict[int, str], list[Ignored]]:
    present: dict[int, str] = {}
    ignored = []
    for entry in storage.ls(day_folder):
        if entry.name.startswith(("_", ".")):
            continue
        path = "%s/%s" % (day_folder, entry.name)
        _refuse_link(storage, path)
        match = _HOUR_NAME.match(entry.name)
        if not entry.is_dir:
            ignored.append(Ignored(storage.display(path), "not an hour folder (a file beside the hour=HH folders)"))
        elif match is None or int(match.group(1)) > 23:
            ignored.append(Ignored(storage.display(path), "not an hour folder: hour folders are named hour=00 .. hour=23"))
        else:
            present[int(match.group(1))] = path
    return present, ignored


def _landing_files(storage: Storage, folder: str) -> tuple[tuple[str, ...], list[Ignored]]:
    files, ignored = [], []
    for entry in storage.ls(folder):
        if entry.name.startswith(("_", ".")):
            continue
        path = "%s/%s" % (folder, entry.name)
        _refuse_link(storage, path)
        if entry.is_dir:
            ignored.append(Ignored(storage.display(path), "not a landing file (a folder inside an hour folder)"))
        elif not entry.name.endswith(SUFFIXES):
            ignored.append(Ignored(storage.display(path), "not a landing file: landing files end in .jsonl or .jsonl.gz"))
        else:
            files.append(path)
    return tuple(files), ignored


def _refuse_link(storage: Storage, path: str) -> None:
    # Only local filesystems have links (HDFS's are off by default).
    if storage.is_local and os.path.islink(storage.local_path(path)):
        raise LandingError(
            "%s is a symbolic link; links inside a landing are refused (a line's landing hour "
            "is the folder it is in): copy or move the file into its hour folder" % storage.local_path(path)
        )


def check_gzip(storage: Storage, path: str) -> None:
    """Read a .gz file to its end; raise LandingError if it is broken."""
    try:
        with storage.open(path, "rb") as raw, gzip.GzipFile(fileobj=raw) as handle:
            while handle.read(_CHUNK):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        raise LandingError(
            "%s is not a readable gzip file (%s); move it aside or land it again" % (storage.display(path), exc)
        ) from None


def check_files(landing: Landing) -> int:
    """Check every file of the landing; return their total size in bytes."""
    total = 0
    for hour in landing.hours:
        for path in hour.files:
            if path.endswith(".gz"):
                check_gzip(landing.storage, path)
            total += landing.storage.size(path)
    return total
