"""The pipeline driver: landed raw logs in, warehouse partitions out.

Stages, each an mrjob job run on the configured runner:

1. validate: MRValidateEvents over the landing hours, with the accepted
   events of the 8 landing days before as prior ids, writes ``events/`` and
   ``quarantine/`` partitions for each landing hour. The accounting
   invariant is checked from the job's counters; a mismatch fails the run
   before anything is published.
2. roll up: MRRollUpDays recomputes ``device_daily/``, ``member_daily/`` and
   ``member_events/`` for every event day the run touched (late events
   included), reading every accepted event that can belong to those days.
3. summarize: MRSummarizeEntities rebuilds ``device_summary/`` and
   ``member_summary/`` for the landing day from every daily rollup.

The driver handles metadata, never rows: each job writes its rows into its
partition folders itself (``mapreduce.jobio``), under the run's
staging folder in the warehouse; the driver lists those folders, checks
them and the counters, and publishes them (``warehouse.publish``). Landing,
warehouse and scratch are ``warehouse.storage`` roots: local paths, or
hdfs://, s3://, gs:// URIs for the runners that can reach them.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from mrjob.step import StepFailedException

from kickback import scratch
from kickback.config import Settings
from kickback.landing import Landing, LandingHour, check_files, find_landing
from kickback.lock import LockHeld, warehouse_lock
from kickback.runners import CLUSTER_RUNNERS, SIM_RUNNERS, runner_args
from mapreduce.contract import REJECT_REASONS
from mapreduce.mr_roll_up_days import MRRollUpDays
from mapreduce.mr_summarize_entities import MRSummarizeEntities
from mapreduce.mr_validate_events import MRValidateEvents
from warehouse import layout, manifest
from warehouse.catalog import Catalog
from warehouse.layout import Partition
from warehouse.publish import Staging, UnexpectedOutput, leftovers, restore
from warehouse.storage import Storage, StorageError

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

# Landing days that can hold a copy of an event accepted in a later hour:
# the 7-day window plus the hour and the 15-minute allowance.
PRIOR_DAYS = 8
# Landing days that can hold events of one event day: E-1 .. E+7.
LANDING_BEFORE_EVENT_DAY = 1
LANDING_AFTER_EVENT_DAY = 7
DAILY_DATASETS = ("device_daily", "member_daily", "member_events")


class PipelineError(RuntimeError):
    """The run failed; nothing it was doing has been published."""


@dataclass
class PipelineReport:
    """What a run read, wrote and counted."""

    day: dt.date
    hours: list[int]
    counters: dict[str, int] = field(default_factory=dict)
    event_days: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    input_bytes: int = 0
    # Landing entries not read, each "path: why".
    ignored: list[str] = field(default_factory=list)
    # Leftovers of killed runs removed before this run started.
    cleaned: list[str] = field(default_factory=list)

    @property
    def lines_read(self) -> int:
        return self.counters.get("read", 0)


@dataclass
class _Run:
    """One run: where it reads and writes, how it runs jobs, what it found."""

    settings: Settings
    runner: str
    landing: Landing
    warehouse: Storage
    staging: Staging
    job_args: list[str]
    report: PipelineReport
    say: Say

    @property
    def catalog(self) -> Catalog:
        return Catalog(self.warehouse)


def run_pipeline(
    settings: Settings,
    day: dt.date,
    hours: list[int] | None = None,
    input_root: str | Path | None = None,
    runner: str | None = None,
    say: Say = logger.info,
    wait: bool = False,
) -> PipelineReport:
    """Process one landing day (or some of its hours) end to end.

    The run holds the warehouse's lock throughout (``wait``: wait for a
    run that holds it instead of refusing).
    """
    runner = runner or settings.runner
    options = settings.storage_options
    try:
        landing = Storage(str(input_root or settings.landing_dir), options)
        warehouse = Storage(settings.warehouse_dir, options)
    except StorageError as exc:
        raise PipelineError(str(exc)) from None
    _check_runner_reaches(runner, landing, warehouse)
    _check_roots(landing, warehouse)
    try:
        with warehouse_lock(warehouse, wait=wait, say=say):
            return _run_locked(settings, runner, landing, warehouse, day, hours, say)
    except LockHeld as exc:
        raise PipelineError(str(exc)) from None


_CLOUD_SCHEMES = {"emr": "s3", "dataproc": "gs"}


def _check_runner_reaches(runner: str, landing: Storage, warehouse: Storage) -> None:
    scheme = _CLOUD_SCHEMES.get(runner)
    if scheme is not None:
        for what, storage in (("landing", landing), ("warehouse", warehouse)):
            if storage.scheme != scheme:
                raise PipelineError(
                    "the %s runner reads and writes %s:// URIs, and the %s is %s: set it to a %s:// URI "
                    "(see docs/clusters.md)" % (runner, scheme, what, storage.display(), scheme))
    if runner in SIM_RUNNERS:
        for what, storage in (("landing", landing), ("warehouse", warehouse)):
            if not storage.is_local:
                raise PipelineError(
                    "the %s runner reads and writes local files only, and the %s is %s: "
                    "use --runner hadoop (or emr, dataproc) for remote roots" % (runner, what, storage.uri()))


def _check_roots(landing: Storage, warehouse: Storage) -> None:
    """A landing inside the warehouse (or the reverse) would mix raw and derived files."""
    inner_outer = ((landing, warehouse, "the landing is inside the warehouse"),
                   (warehouse, landing, "the warehouse is inside the landing"))
    for inner, outer, what in inner_outer:
        a, b = inner.uri().rstrip("/") + "/", outer.uri().rstrip("/") + "/"
        if a.startswith(b):
            raise PipelineError("%s (%s, %s): keep them apart" % (what, landing.display(), warehouse.display()))


def _run_locked(settings: Settings, runner: str, landing_storage: Storage, warehouse: Storage,
                day: dt.date, hours: list[int] | None, say: Say) -> PipelineReport:
    cleaned = _clean_leftovers(settings, warehouse, say)
    for path in cleaned:
        say("cleaned %s (left by a run that did not finish)" % path)
    landing = find_landing(landing_storage, day, hours)
    report = PipelineReport(day, [h.hour for h in landing.hours],
                            ignored=[str(item) for item in landing.ignored], cleaned=cleaned)
    for item in report.ignored:
        say("ignored %s" % item)
    workdir = scratch.make_scratch(settings.var_dir)
    staging = Staging(warehouse)
    try:
        report.input_bytes = check_files(landing)
        say("checked %d files (%.1f MB) of %d landing hours"
            % (sum(len(h.files) for h in landing.hours), report.input_bytes / 1e6, len(landing.hours)))
        run = _Run(settings, runner, landing, warehouse, staging,
                   _job_args(settings, runner, workdir, warehouse, staging), report, say)
        for name, stage in (("validate", _validate), ("roll_up", _roll_up), ("summarize", _summarize)):
            started = time.monotonic()
            stage(run)
            report.seconds[name] = time.monotonic() - started
        _write_manifest(run)
    finally:
        staging.discard()
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def _clean_leftovers(settings: Settings, warehouse: Storage, say: Say) -> list[str]:
    for partition in restore(warehouse):
        say("restored %s from the trash of a run killed while publishing it" % warehouse.display(partition.path))
    cleaned = []
    for rel in leftovers(warehouse):
        warehouse.rm(rel)
        cleaned.append(warehouse.display(rel))
    cleaned += [str(path) for path in scratch.remove(scratch.dead_scratch(settings.var_dir))]
    return cleaned


def _job_args(settings: Settings, runner: str, workdir: Path, warehouse: Storage, staging: Staging) -> list[str]:
    cluster_tmp = None
    if runner in CLUSTER_RUNNERS:
        cluster_tmp = (Storage(settings.scratch_dir, settings.storage_options).uri(staging.run_id)
                       if settings.scratch_dir else warehouse.uri(staging.stage("tmp")))
    args = runner_args(settings, runner, workdir, cluster_tmp)
    if runner != "inline":
        # Tasks import the pure modules the jobs use from this zip, so they
        # need no installed copy of the project (cluster nodes have none).
        args += ["--py-files", str(_package_zip(workdir))]
    return args


def _package_zip(workdir: Path) -> Path:
    """The packages the jobs import (``mapreduce``, ``warehouse.layout``), zipped for tasks."""
    root = Path(__file__).resolve().parent.parent
    target = workdir / "kickback-jobs.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for source in sorted((root / "mapreduce").glob("*.py")):
            archive.write(source, "mapreduce/" + source.name)
        archive.writestr("warehouse/__init__.py", "")
        archive.write(root / "warehouse" / "layout.py", "warehouse/layout.py")
    return target


# --- running a stage ----------------------------------------------------------

def _run_stage(run: _Run, job_class, args: list[str], inputs: list[str], stage: str,
               expected: list[Partition]) -> dict[tuple[str, str], int]:
    """Run one job into the staging folder ``stage``; return its counters.

    PipelineError if the job fails or writes anything outside ``expected``.
    """
    if not inputs:
        # mrjob reads standard input when given no input: never let it.
        raise PipelineError("%s job has no inputs (a bug of the driver)" % stage)
    output = run.staging.stage(stage)
    if run.runner in SIM_RUNNERS:
        where = ["--output-dir", run.warehouse.local_path(output), "--write-partitions"]
    else:
        where = ["--output-dir", run.warehouse.uri(output), "--paths-in-lines"]
    job = job_class(run.job_args + args + where + inputs)
    try:
        with job.make_runner() as runner:
            runner.run()
            counters = _merge_counters(runner.counters())
    except StepFailedException as exc:
        raise PipelineError("%s job failed: %s" % (stage, exc)) from None
    except OSError as exc:
        raise PipelineError("%s job could not run: %s" % (stage, exc)) from None
    try:
        found = run.staging.found(stage)
    except UnexpectedOutput as exc:
        raise PipelineError("%s (nothing published)" % exc) from None
    check_partitions({partition.path: len(files) for partition, files in found.items()},
                     [partition.path for partition in expected], stage)
    return counters


def check_partitions(found: dict[str, int], expected: list[str], stage: str) -> None:
    """PipelineError unless a stage wrote only into the partitions it publishes."""
    unexpected = set(found) - set(expected)
    if unexpected:
        raise PipelineError("%s job wrote unexpected partitions: %s (nothing published)"
                            % (stage, ", ".join(sorted(unexpected))))


def _inputs(run: _Run, storage: Storage, files: list[str]) -> list[str]:
    """Input names for mrjob: local paths for the inline/local runners, URIs otherwise."""
    if run.runner in SIM_RUNNERS:
        return [storage.local_path(path) for path in files]
    return [storage.uri(path) for path in files]


def _merge_counters(steps: list[dict]) -> dict[tuple[str, str], int]:
    merged: dict[tuple[str, str], int] = {}
    for step in steps:
        for group, names in step.items():
            for name, amount in names.items():
                merged[group, name] = merged.get((group, name), 0) + amount
    return merged


def _rows(counters: dict[tuple[str, str], int]) -> dict[str, int]:
    return {name: amount for (group, name), amount in counters.items() if group == "rows"}


def _publish(run: _Run, stage: str, partitions: list[Partition], counters) -> None:
    run.staging.publish(stage, partitions)
    for dataset in {partition.dataset for partition in partitions}:
        run.report.rows[dataset] = run.report.rows.get(dataset, 0) + _rows(counters).get(dataset, 0)


# --- the stages ---------------------------------------------------------------

def _validate(run: _Run) -> None:
    hours = run.landing.hours
    # Earlier landing hours own their events: a copy arriving now is a duplicate.
    start = (hours[0].day.isoformat(), hours[0].hour)
    prior = [
        path
        for partition in run.catalog.partitions(
            "events", hours[0].day - dt.timedelta(days=PRIOR_DAYS), hours[0].day)
        if (partition.dt, partition.hour) < start
        for path in run.catalog.data_files(partition)
    ]
    raw = [path for hour in hours for path in hour.files]
    run.say("[1/3] validate + dedupe: %d raw files, %d prior event files" % (len(raw), len(prior)))
    expected = layout.landing_hours(layout.LANDING_HOUR_DATASETS, hours[0].day, [h.hour for h in hours])
    prior_root = run.warehouse.local_path("events") if run.runner in SIM_RUNNERS else run.warehouse.uri("events")
    counters = _run_stage(
        run, MRValidateEvents, ["--prior-events", prior_root],
        _inputs(run, run.landing.storage, raw) + _inputs(run, run.warehouse, prior), "validate", expected)
    report = run.report
    report.counters = _check_accounting(counters)
    rows = _rows(counters)
    valid, rejected = report.counters["valid"], _rejected_total(report.counters)
    if rows.get("events", 0) != valid or rows.get("quarantine", 0) != rejected:
        raise PipelineError(
            "output does not match counters: %d event rows for %d valid, %d quarantine rows for %d rejected"
            % (rows.get("events", 0), valid, rows.get("quarantine", 0), rejected))
    report.event_days = sorted(name for (group, name) in counters if group == "event_days")
    _publish(run, "validate", expected, counters)
    run.say("      read %d lines: %d valid, %d duplicate, %d rejected"
            % (report.counters["read"], valid, report.counters["duplicate"], rejected))


def _check_accounting(counters: dict[tuple[str, str], int]) -> dict[str, int]:
    """The run's outcome counts; PipelineError unless every line is accounted for."""
    result = {name: counters.get(("lines", name), 0) for name in ("read", "valid", "duplicate")}
    for reason in REJECT_REASONS:
        result["rejected_" + reason] = counters.get(("rejected", reason), 0)
    accounted = result["valid"] + result["duplicate"] + _rejected_total(result)
    if result["read"] != accounted:
        raise PipelineError(
            "accounting invariant broken: lines read %d != valid %d + duplicate %d + rejected %d"
            % (result["read"], result["valid"], result["duplicate"], _rejected_total(result))
        )
    return result


def _rejected_total(counts: dict[str, int]) -> int:
    return sum(counts["rejected_" + reason] for reason in REJECT_REASONS)


def _roll_up(run: _Run) -> None:
    report = run.report
    if not report.event_days:
        run.say("[2/3] roll up: no event days touched")
        return
    days = [dt.date.fromisoformat(day) for day in report.event_days]
    inputs = [
        path
        for partition in run.catalog.partitions(
            "events",
            min(days) - dt.timedelta(days=LANDING_BEFORE_EVENT_DAY),
            max(days) + dt.timedelta(days=LANDING_AFTER_EVENT_DAY),
        )
        for path in run.catalog.data_files(partition)
    ]
    run.say("[2/3] roll up %d event days (%s .. %s) from %d event files"
            % (len(days), report.event_days[0], report.event_days[-1], len(inputs)))
    day_args = [arg for day in report.event_days for arg in ("--event-day", day)]
    expected = [layout.partition(dataset, day) for dataset in DAILY_DATASETS for day in report.event_days]
    counters = _run_stage(run, MRRollUpDays, day_args, _inputs(run, run.warehouse, inputs), "roll_up", expected)
    if counters.get(("roll_up_days", "bad_event"), 0):
        raise PipelineError(
            "%d rows of the events dataset could not be read; the warehouse may be damaged"
            % counters["roll_up_days", "bad_event"])
    _publish(run, "roll_up", expected, counters)


def _summarize(run: _Run) -> None:
    report = run.report
    inputs = [
        path
        for dataset in ("device_daily", "member_daily")
        for partition in run.catalog.partitions(dataset)
        for path in run.catalog.data_files(partition)
    ]
    as_of = _as_of(run)
    run.say("[3/3] summarize devices and members from %d daily files, as of %s" % (len(inputs), as_of))
    snapshot = report.day.isoformat()
    expected = [layout.partition(dataset, snapshot) for dataset in layout.SNAPSHOT_DATASETS]
    if not inputs:
        run.say("      no daily rollups yet: empty snapshots")
        run.staging.publish("summarize", expected)
        return
    counters = _run_stage(
        run, MRSummarizeEntities, ["--as-of", as_of, "--snapshot-dt", snapshot],
        _inputs(run, run.warehouse, inputs), "summarize", expected)
    bad = sum(n for (group, name), n in counters.items()
              if group == "summarize_entities" and name.startswith("bad_"))
    if bad:
        raise PipelineError("%d daily rollup rows could not be read; the warehouse may be damaged" % bad)
    _publish(run, "summarize", expected, counters)


def _as_of(run: _Run) -> str:
    """The latest landing hour of the day processed so far (this run's included)."""
    day = run.report.day
    done = [partition.hour for partition in run.catalog.hours("events", day.isoformat())]
    return "%sT%02d" % (day.isoformat(), max(done + run.report.hours))


def _write_manifest(run: _Run) -> None:
    report = run.report
    record = manifest.read(run.warehouse, report.day)
    hours = record.get("hours", {})
    landing_hours: list[LandingHour] = run.landing.hours
    for hour in landing_hours:
        hours["%02d" % hour.hour] = {"files": hour.names}
    record.update(
        date=report.day.isoformat(),
        hours=hours,
        event_days=sorted(set(record.get("event_days", [])) | set(report.event_days)),
    )
    counters = record.setdefault("counters", {})
    counters[",".join("%02d" % h for h in report.hours)] = report.counters
    manifest.write(run.warehouse, report.day, record)
