"""Manifests: what a generation wrote and what every line is meant to be.

Each landing hour gets ``_manifest.json`` next to its part files, written
last. Its ``outcomes`` are exactly what the input contract gives the hour's
lines when this generation's hours are processed in order: a resend whose
first copy landed in an earlier hour counts as a ``duplicate`` (and in
``duplicates_by_first_hour``). ``Manifest`` sums a whole generation.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from generator import outcomes as oc

logger = logging.getLogger(__name__)

MANIFEST_NAME = "_manifest.json"
FORMAT = "kickback-landing-manifest/1"


@dataclass(frozen=True)
class FileEntry:
    """One part file of an hour: name, lines (blank ones included) and bytes."""

    name: str
    lines: int
    bytes: int


@dataclass(frozen=True)
class HourManifest:
    """What one landing hour holds."""

    day: dt.date
    hour: int
    seed: int
    knobs: dict[str, Any]
    files: tuple[FileEntry, ...]
    outcomes: dict[str, int]
    duplicates_by_first_hour: dict[int, int] = field(default_factory=dict)
    late: int = 0
    valid_by_event_type: dict[str, int] = field(default_factory=dict)
    points_earned: int = 0
    points_redeemed: int = 0
    spend: dict[str, int] = field(default_factory=dict)

    @property
    def lines(self) -> int:
        """Lines written, blank lines included."""
        return sum(f.lines for f in self.files)

    @property
    def bytes(self) -> int:
        """Bytes written (compressed, for gzip)."""
        return sum(f.bytes for f in self.files)

    def folder(self, root: Path) -> Path:
        """This hour's landing folder under ``root``."""
        return hour_folder(root, self.day, self.hour)

    def to_json(self) -> bytes:
        """The manifest file's content."""
        doc = {
            "format": FORMAT,
            "contract": "device-log-v1",
            "dt": self.day.isoformat(),
            "hour": self.hour,
            "seed": self.seed,
            "knobs": self.knobs,
            "files": [vars(f) for f in self.files],
            "lines": self.lines,
            "outcomes": {o: self.outcomes.get(o, 0) for o in oc.OUTCOMES},
            "duplicates_by_first_hour": {
                "%02d" % h: n for h, n in sorted(self.duplicates_by_first_hour.items())},
            "late": self.late,
            "valid_by_event_type": dict(sorted(self.valid_by_event_type.items())),
            "points_earned": self.points_earned,
            "points_redeemed": self.points_redeemed,
            "spend": dict(sorted(self.spend.items())),
        }
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"

    @classmethod
    def from_json(cls, data: bytes) -> "HourManifest":
        """Parse a manifest file's content."""
        doc = orjson.loads(data)
        if doc.get("format") != FORMAT:
            raise ValueError("not a landing manifest (format %r)" % doc.get("format"))
        return cls(
            day=dt.date.fromisoformat(doc["dt"]),
            hour=doc["hour"],
            seed=doc["seed"],
            knobs=doc["knobs"],
            files=tuple(FileEntry(**f) for f in doc["files"]),
            outcomes=doc["outcomes"],
            duplicates_by_first_hour={int(h): n for h, n in doc["duplicates_by_first_hour"].items()},
            late=doc["late"],
            valid_by_event_type=doc["valid_by_event_type"],
            points_earned=doc["points_earned"],
            points_redeemed=doc["points_redeemed"],
            spend=doc["spend"],
        )


@dataclass(frozen=True)
class Manifest:
    """A whole generation: its hours, and their totals."""

    root: Path
    day: dt.date
    seed: int
    knobs: dict[str, Any]
    hours: tuple[HourManifest, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Lines per intended outcome over all hours (blank included)."""
        total: Counter = Counter({o: 0 for o in oc.OUTCOMES})
        for hour in self.hours:
            total.update(hour.outcomes)
        return {o: total[o] for o in oc.OUTCOMES}

    @property
    def lines(self) -> int:
        """Lines written, blank ones included."""
        return sum(h.lines for h in self.hours)

    @property
    def bytes(self) -> int:
        """Bytes of part files written."""
        return sum(h.bytes for h in self.hours)

    @property
    def paths(self) -> list[Path]:
        """Every part file written, in processing order."""
        return [h.folder(self.root) / f.name for h in self.hours for f in h.files]

    @property
    def manifest_paths(self) -> list[Path]:
        """Every manifest file written."""
        return [h.folder(self.root) / MANIFEST_NAME for h in self.hours]


def hour_folder(root: Path, day: dt.date, hour: int) -> Path:
    """``<root>/dt=YYYY-MM-DD/hour=HH``."""
    return Path(root) / ("dt=%s" % day.isoformat()) / ("hour=%02d" % hour)


def read_hour_manifest(folder: Path) -> HourManifest:
    """The manifest of the landing hour in ``folder``."""
    return HourManifest.from_json((Path(folder) / MANIFEST_NAME).read_bytes())
