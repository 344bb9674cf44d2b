"""Finding the raw landing files of a landing day or hour, and checking them.

Layout (the input contract): ``<root>/dt=YYYY-MM-DD/hour=HH/<name>.jsonl[.gz]``.
A gzip file that cannot be read to its end would crash a Hadoop task, so
every ``.gz`` is read through once before a run; a broken one stops the run
with its name, and nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".jsonl", ".jsonl.gz")
_CHUNK = 1 << 20


class LandingError(ValueError):
    """The requested landing cannot be processed as it is."""


@dataclass(frozen=True)
class LandingHour:
    """One landing hour's folder and files."""

    day: dt.date
    hour: int
    folder: Path
    files: tuple[Path, ...]


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD date, or a LandingError saying what is wrong."""
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise LandingError("bad date %r: expected YYYY-MM-DD" % (text,)) from None


def hour_folder(root: Path, day: dt.date, hour: int) -> Path:
    """The folder of one landing hour."""
    return root / ("dt=%s" % day.isoformat()) / ("hour=%02d" % hour)


def find_hours(root: Path, day: dt.date, hours: list[int] | None = None) -> list[LandingHour]:
    """The landing hours of ``day`` (all present ones, or exactly ``hours``)."""
    root = Path(root)
    day_folder = root / ("dt=%s" % day.isoformat())
    if not day_folder.is_dir():
        raise LandingError("no landing for %s: %s does not exist" % (day, day_folder))
    wanted = hours if hours is not None else range(24)
    for hour in wanted:
        if not 0 <= hour <= 23:
            raise LandingError("bad hour %r: expected 0-23" % hour)
    found = []
    for hour in wanted:
        folder = hour_folder(root, day, hour)
        files = tuple(sorted(p for p in folder.glob("*") if p.is_file() and p.name.endswith(SUFFIXES)))
        if not files:
            if hours is not None:
                raise LandingError("no landing files in %s" % folder)
            continue
        found.append(LandingHour(day, hour, folder, files))
    if not found:
        raise LandingError("no landing files under %s" % day_folder)
    return found


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
