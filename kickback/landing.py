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
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".jsonl", ".jsonl.gz")
_CHUNK = 1 << 20
_HOUR_NAME = re.compile(r"hour=(\d\d)\Z")


class LandingError(ValueError):
    """The requested landing cannot be processed as it is."""


@dataclass(frozen=True)
class LandingHour:
    """One landing hour's folder and files."""

    day: dt.date
    hour: int
    folder: Path
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Ignored:
    """An entry of the landing that is not read, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return "%s: %s" % (self.path, self.reason)


@dataclass
class Landing:
    """The landing hours of one run and the entries left out."""

    hours: list[LandingHour]
    ignored: list[Ignored] = field(default_factory=list)


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD date, or a LandingError saying what is wrong."""
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise LandingError("bad date %r: expected YYYY-MM-DD" % (text,)) from None


def hour_folder(root: Path, day: dt.date, hour: int) -> Path:
    """The folder of one landing hour."""
    return root / ("dt=%s" % day.isoformat()) / ("hour=%02d" % hour)


def find_landing(root: Path, day: dt.date, hours: list[int] | None = None) -> Landing:
    """The landing hours of ``day`` (all present ones, or exactly ``hours``)."""
    root = Path(root)
    day_folder = root / ("dt=%s" % day.isoformat())
    _refuse_link(day_folder)
    if not day_folder.is_dir():
        raise LandingError("no landing for %s: %s does not exist" % (day, day_folder))
    for hour in hours or ():
        if not 0 <= hour <= 23:
            raise LandingError("bad hour %r: expected 0-23" % hour)
    present, ignored = _hour_folders(day_folder)
    wanted = hours if hours is not None else sorted(present)
    found = []
    for hour in wanted:
        folder = present.get(hour, hour_folder(root, day, hour))
        files, skipped = _landing_files(folder)
        ignored += skipped
        if not files:
            if hours is not None:
                raise LandingError("no landing files in %s" % folder)
            continue
        found.append(LandingHour(day, hour, folder, files))
    if not found:
        raise LandingError("no landing files under %s" % day_folder)
    return Landing(found, ignored)


def find_hours(root: Path, day: dt.date, hours: list[int] | None = None) -> list[LandingHour]:
    """The landing hours of ``day``; see ``find_landing``."""
    return find_landing(root, day, hours).hours


def _hour_folders(day_folder: Path) -> tuple[dict[int, Path], list[Ignored]]:
    present: dict[int, Path] = {}
    ignored = []
    for entry in sorted(day_folder.iterdir()):
        if entry.name.startswith(("_", ".")):
            continue
        _refuse_link(entry)
        match = _HOUR_NAME.match(entry.name)
        if not entry.is_dir():
            ignored.append(Ignored(entry, "not an hour folder (a file beside the hour=HH folders)"))
        elif match is None or int(match.group(1)) > 23:
            ignored.append(Ignored(entry, "not an hour folder: hour folders are named hour=00 .. hour=23"))
        else:
            present[int(match.group(1))] = entry
    return present, ignored


def _landing_files(folder: Path) -> tuple[tuple[Path, ...], list[Ignored]]:
    if not folder.is_dir():
        return (), []
    files, ignored = [], []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(("_", ".")):
            continue
        _refuse_link(entry)
        if not entry.is_file():
            ignored.append(Ignored(entry, "not a landing file (a folder inside an hour folder)"))
        elif not entry.name.endswith(SUFFIXES):
            ignored.append(Ignored(entry, "not a landing file: landing files end in .jsonl or .jsonl.gz"))
        else:
            files.append(entry)
    return tuple(files), ignored


def _refuse_link(path: Path) -> None:
    if path.is_symlink():
        raise LandingError(
            "%s is a symbolic link; links inside a landing are refused (a line's landing hour "
            "is the folder it is in): copy or move the file into its hour folder" % path
        )


def check_gzip(path: Path) -> None:
    """Read a .gz file to its end; raise LandingError if it is broken."""
    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(_CHUNK):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        raise LandingError(
            "%s is not a readable gzip file (%s); move it aside or land it again" % (path, exc)
        ) from None


def check_files(hours: list[LandingHour]) -> int:
    """Check every file of ``hours``; return their total size in bytes."""
    total = 0
    for hour in hours:
        for path in hour.files:
            if path.name.endswith(".gz"):
                check_gzip(path)
            total += path.stat().st_size
    return total
