"""``kickback pipeline run``: validate, deduplicate and roll up a landing."""

from __future__ import annotations

import datetime as dt
import time

import click

from kickback import scratch
from kickback.commands.options import DAY
from kickback.config import RUNNERS, ConfigError
from kickback.landing import LandingError
from kickback.lock import lock_state
from kickback.pipeline import PipelineError, rebuild_range, run_pipeline
from warehouse import manifest
from warehouse.publish import leftovers
from warehouse.storage import Storage


@click.group("pipeline")
def pipeline() -> None:
    """The MapReduce pipeline over landed device logs."""


@pipeline.command("run")
@click.option("--date", "day", type=DAY, required=True, help="Landing day, YYYY-MM-DD.")
@click.option("--hour", "hours", type=click.IntRange(0, 23), multiple=True,
              help="Landing hour 0-23 (repeatable); default: every hour present.")
@click.option("--input", "input_root", type=click.Path(file_okay=False, path_type=str),
              help="Landing root; default: the landing_dir setting.")
@click.option("--runner", type=click.Choice(RUNNERS), default=None,
              help="mrjob runner; default: the runner setting (local).")
@click.option("--wait", is_flag=True,
              help="If another run holds the warehouse, wait for it instead of refusing.")
@click.pass_obj
def run(settings, day: dt.date, hours, input_root, runner, wait) -> None:
    """Process one landing day (or some hours of it) into warehouse partitions."""
    started = time.monotonic()
    try:
        report = run_pipeline(
            settings, day, hours=sorted(hours) or None, input_root=input_root, runner=runner,
            say=lambda line: click.echo(line, err=True), wait=wait,
        )
    except (LandingError, PipelineError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(format_report(report, time.monotonic() - started))


@pipeline.command("rebuild")
@click.option("--from", "first", type=DAY, required=True, help="First landing day, YYYY-MM-DD.")
@click.option("--to", "last", type=DAY, required=True, help="Last landing day, YYYY-MM-DD (included).")
@click.option("--input", "input_root", type=click.Path(file_okay=False, path_type=str),
              help="Landing root; default: the landing_dir setting.")
@click.option("--runner", type=click.Choice(RUNNERS), default=None,
              help="mrjob runner; default: the runner setting (local).")
@click.option("--wait", is_flag=True,
              help="If another run holds the warehouse, wait for it instead of refusing.")
@click.pass_obj
def rebuild(settings, first: dt.date, last: dt.date, input_root, runner, wait) -> None:
    """Recompute landing days FROM .. TO from their raw landings (audits, backfills)."""
    started = time.monotonic()
    try:
        reports = rebuild_range(settings, first, last, input_root=input_root, runner=runner,
                                say=lambda line: click.echo(line, err=True), wait=wait)
    except (LandingError, PipelineError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from None
    for report in reports:
        click.echo(format_report(report, sum(report.seconds.values())))
    click.echo("rebuilt %d landing days in %.1f s" % (len(reports), time.monotonic() - started))


def format_report(report, seconds: float) -> str:
    """A short summary of a run's counters and outputs."""
    counters = report.counters
    lines = [
        "landing %s, hours %s" % (report.day, ",".join("%02d" % h for h in report.hours)),
        "lines read   %10d" % counters["read"],
        "  valid      %10d" % counters["valid"],
        "  duplicate  %10d" % counters["duplicate"],
    ]
    for name, value in sorted(counters.items()):
        if name.startswith("rejected_"):
            lines.append("  %-13s %7d" % (name[len("rejected_"):], value))
    lines.append("event days   %s" % (", ".join(report.event_days) or "-"))
    if report.recomputed_days:
        lines.append("recomputed   %s (from their events)" % ", ".join(report.recomputed_days))
    if report.dropped_from:
        lines.append("taken from   %s (%d events now owned by this run's earlier hours)"
                     % (", ".join(report.dropped_from), counters.get("dropped", 0)))
    if report.refreshed:
        lines.append("refreshed    snapshots %s" % ", ".join(report.refreshed))
    lines.append("bytes read   %10d  (raw %d)" % (report.bytes_read, report.input_bytes))
    for dataset, rows in sorted(report.rows.items()):
        lines.append("rows %-15s %10d" % (dataset, rows))
    lines.append("seconds      %10.1f  (%s)" % (
        seconds, ", ".join("%s %.1f" % item for item in report.seconds.items())))
    lines += ["ignored      %s" % item for item in report.ignored]
    lines += ["cleaned      %s" % item for item in report.cleaned]
    return "\n".join(lines)


@pipeline.command("status")
@click.pass_obj
def status(settings) -> None:
    """The warehouse's lock, leftovers of killed runs, and the last runs."""
    warehouse = Storage(settings.warehouse_dir, settings.storage_options)
    state, holder = lock_state(warehouse)
    lock_line = {"free": "free", "held": "held by %s", "stale": "stale: left by %s (no longer running)"}
    click.echo("warehouse    %s" % warehouse.display())
    click.echo("lock         %s" % (lock_line[state] % holder.describe() if holder else lock_line[state]))
    found = [warehouse.display(rel) for rel in leftovers(warehouse)]
    found += [str(path) for path in scratch.dead_scratch(settings.var_dir)]
    for path in found:
        click.echo("leftover     %s%s" % (path, "" if state == "held" else " (the next run removes it)"))
    if not found:
        click.echo("leftovers    none")
    for day, record in manifest.recent(warehouse, 7):
        hours = ",".join(sorted(record.get("hours", {})))
        click.echo("run          %s  hours %s" % (day, hours or "-"))
