"""``kickback generate``: write synthetic device-log landings.

A thin shell over ``generator.generate_landing``: parse the options, run,
print a short summary (lines by intended outcome, bytes, seconds). The
generator writes local files; for a remote landing root (hdfs://, s3://,
gs://) they are written to a local scratch folder first and then copied up,
each landing hour's ``_manifest.json`` last.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from pathlib import Path

import click

from generator import OUTCOMES, generate_landing
from generator.landing import MAX_FILES_PER_HOUR
from kickback.commands.options import DAY, day_text, yesterday_utc
from kickback.config import Settings
from kickback.scratch import make_scratch
from warehouse.storage import Storage, StorageError

logger = logging.getLogger(__name__)


@click.command("generate")
@click.option("--date", "day", type=DAY, default=yesterday_utc,
              help="Landing day, YYYY-MM-DD (default: yesterday, UTC).")
@click.option("--hour", "hours", type=click.IntRange(0, 23), multiple=True,
              help="Landing hour 0-23; repeat for several (default: all 24).")
@click.option("--root", default=None,
              help="Landing root, a path or URI (default: the landing_dir setting).")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.option("--members", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Members in the world.")
@click.option("--devices", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="Devices in the world, all types together.")
@click.option("--events", type=click.IntRange(min=0), default=1_000_000, show_default=True,
              help="Non-blank lines over the requested hours.")
@click.option("--bad-rate", type=click.FloatRange(0, 1), default=0.01, show_default=True,
              help="Share of lines the contract rejects.")
@click.option("--duplicate-rate", type=click.FloatRange(0, 1), default=0.02, show_default=True,
              help="Share of lines that resend an earlier event.")
@click.option("--late-rate", type=click.FloatRange(0, 1), default=0.03, show_default=True,
              help="Share of fresh events from before the landing day.")
@click.option("--gzip/--plain", "gzip", default=False, show_default=True,
              help="Write .jsonl.gz or .jsonl files.")
@click.option("--files-per-hour", type=click.IntRange(1, MAX_FILES_PER_HOUR), default=1,
              show_default=True, help="Part files per landing hour.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.pass_obj
def generate(settings: Settings | None, day: dt.date, hours: tuple[int, ...],
             root: str | None, seed: int, members: int, devices: int, events: int,
             bad_rate: float, duplicate_rate: float, late_rate: float, gzip: bool,
             files_per_hour: int, no_progress: bool) -> None:
    """Write synthetic device-log landings under <root>/dt=YYYY-MM-DD/hour=HH/."""
    settings = settings or Settings.load()
    try:
        storage = Storage(root or settings.landing_dir, settings.storage_options)
    except StorageError as exc:
        raise click.BadParameter(str(exc), param_hint="--root") from None
    started = time.perf_counter()
    local = Path(storage.local_path()) if storage.is_local else make_scratch(settings.var_dir)
    try:
        manifest = generate_landing(
            local, day, hours or range(24), seed=seed, members=members,
            devices=devices, events=events, bad_rate=bad_rate,
            duplicate_rate=duplicate_rate, late_rate=late_rate, gzip=gzip,
            files_per_hour=files_per_hour, progress=not no_progress,
        )
        if not storage.is_local:
            _upload(local, storage)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    finally:
        if not storage.is_local:
            shutil.rmtree(local, ignore_errors=True)
    root = storage.display()
    seconds = time.perf_counter() - started
    counts = manifest.counts
    click.echo("wrote %s lines in %d files (%s) under %s/dt=%s in %.1f s (%s events/s)" % (
        format(manifest.lines, ","), len(manifest.paths), _size(manifest.bytes), root,
        day_text(day), seconds, format(int(events / seconds) if seconds else 0, ",")))
    click.echo("  " + "  ".join("%s %s" % (o, format(counts[o], ",")) for o in OUTCOMES))


def _upload(local: Path, storage: Storage) -> None:
    """Copy a generated landing up, data files before each hour's manifest."""
    files = sorted(path for path in local.rglob("*") if path.is_file())
    for path in sorted(files, key=lambda p: p.name.startswith("_")):
        storage.put_file(str(path), path.relative_to(local).as_posix())


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return ("%d %s" if unit == "B" else "%.1f %s") % (n, unit)
        n /= 1024
    return "%d B" % n
