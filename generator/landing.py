"""``generate_landing``: a day's (or some hours') synthetic device-log landings.

Writes ``<root>/dt=YYYY-MM-DD/hour=HH/part-NNNNN.jsonl[.gz]`` plus a
``_manifest.json`` per hour, one hour after another, streaming: memory does
not grow with the number of events. Each hour is drawn from its own seeded
random stream, so the output depends only on the arguments.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import sys
from pathlib import Path
from typing import Any, Sequence

from tqdm import tqdm

from generator import writer
from generator.hour import HourGenerator, Knobs
from generator.manifest import MANIFEST_NAME, FileEntry, HourManifest, Manifest, hour_folder
from generator.rhythm import allocate
from generator.world import build_world

logger = logging.getLogger(__name__)

MAX_FILES_PER_HOUR = 10_000


def generate_landing(
    root: Path,
    day: dt.date,
    hours: Sequence[int] = range(24),
    *,
    seed: int = 42,
    members: int = 50_000,
    devices: int = 100_000,
    events: int = 1_000_000,
    bad_rate: float = 0.01,
    duplicate_rate: float = 0.02,
    late_rate: float = 0.03,
    gzip: bool = False,
    files_per_hour: int = 1,
    progress: bool = True,
) -> Manifest:
    """Write synthetic landings for ``hours`` of ``day`` under ``root``; return the manifest."""
    hours = validate_hours(hours)
    _check_date(day)
    _check_int("seed", seed)
    for name, value, least in (("members", members, 1), ("devices", devices, 1),
                               ("events", events, 0), ("files_per_hour", files_per_hour, 1)):
        _check_int(name, value, least)
    if files_per_hour > MAX_FILES_PER_HOUR:
        raise ValueError("files_per_hour must be at most %d, got %d"
                         % (MAX_FILES_PER_HOUR, files_per_hour))
    for name, value in (("bad_rate", bad_rate), ("duplicate_rate", duplicate_rate),
                        ("late_rate", late_rate)):
        _check_rate(name, value)

    knobs = Knobs(seed=seed, members=members, devices=devices, events=events,
                  bad_rate=float(bad_rate), duplicate_rate=float(duplicate_rate),
                  late_rate=float(late_rate))
    recorded: dict[str, Any] = {
        "members": members, "devices": devices, "events": events,
        "bad_rate": knobs.bad_rate, "duplicate_rate": knobs.duplicate_rate,
        "late_rate": knobs.late_rate, "gzip": bool(gzip), "files_per_hour": files_per_hour,
        "hours": list(hours),
    }
    world = build_world(seed, members, devices)
    counts = allocate(events, hours)
    written = []
    with tqdm(total=events, unit="ev", unit_scale=True, file=sys.stderr,
              disable=not progress, desc="generate %s" % day.isoformat()) as bar:
        for hour in hours:
            written.append(_write_hour(Path(root), world, knobs, recorded, day, hour, counts,
                                       bool(gzip), files_per_hour, bar))
    manifest = Manifest(root=Path(root), day=day, seed=seed, knobs=recorded, hours=tuple(written))
    logger.info("generated %d lines (%d bytes) for %s under %s",
                manifest.lines, manifest.bytes, day, root)
    return manifest


def _write_hour(root: Path, world: Any, knobs: Knobs, recorded: dict[str, Any], day: dt.date,
                hour: int, counts: dict[int, int], gzip: bool, files: int,
                bar: tqdm) -> HourManifest:
    folder = hour_folder(root, day, hour)
    folder.mkdir(parents=True, exist_ok=True)
    # No manifest while the parts are being replaced: the hour is incomplete.
    (folder / MANIFEST_NAME).unlink(missing_ok=True)
    gen = HourGenerator(world, knobs, day, hour, counts)
    entries = []
    reported = 0

    def report() -> None:
        nonlocal reported
        bar.update(gen.done - reported)
        reported = gen.done

    for index in range(files):
        name = writer.part_name(index, gzip)
        stop = gen.slots * (index + 1) // files
        lines = writer.write_lines(folder / name, gen.lines(stop), gzip, report)
        entries.append(FileEntry(name=name, lines=lines, bytes=(folder / name).stat().st_size))
    writer.remove_stale_parts(folder, [e.name for e in entries])
    tally = gen.tally
    hour_manifest = HourManifest(
        day=day, hour=hour, seed=knobs.seed, knobs=recorded, files=tuple(entries),
        outcomes=dict(tally.outcomes),
        duplicates_by_first_hour=dict(tally.duplicates_by_first_hour),
        late=tally.late, valid_by_event_type=dict(tally.valid_by_event_type),
        points_earned=tally.points_earned, points_redeemed=tally.points_redeemed,
        spend=dict(tally.spend),
    )
    writer.write_bytes(folder / MANIFEST_NAME, hour_manifest.to_json())
    logger.info("hour %02d: %d lines in %d files", hour, hour_manifest.lines, files)
    return hour_manifest


def validate_hours(hours: Sequence[int]) -> list[int]:
    """The sorted distinct hours, or ValueError if any is not an int in 0..23."""
    try:
        values = list(hours)
    except TypeError:
        raise ValueError("hours must be a sequence of integers 0..23") from None
    if not values:
        raise ValueError("hours must not be empty")
    for hour in values:
        if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
            raise ValueError("hours must be integers 0..23, got %r" % (hour,))
    return sorted(set(values))


def _check_date(day: Any) -> None:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise ValueError("day must be a datetime.date, got %r" % (day,))


def _check_int(name: str, value: Any, least: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("%s must be an integer, got %r" % (name, value))
    if least is not None and value < least:
        raise ValueError("%s must be at least %d, got %d" % (name, least, value))


def _check_rate(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("%s must be a number, got %r" % (name, value))
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError("%s must be between 0 and 1, got %r" % (name, value))
