"""The pipeline driver: landed raw logs in, warehouse partitions out (the
stages themselves are in ``kickback.stages``).

A run's cost is its new data, not the warehouse's history: every stage
reads the run's input and compact state (``warehouse.layout``'s
``_state/``), never the events or rollups of earlier days. Stages, each an
mrjob job run on the configured runner:

1. validate: MRValidateEvents over the landing hours and the id index of
   the landing days around them (8 before, 8 after) decides which hour owns
   each event, in any processing order (``mapreduce.ownership``), and
   writes ``events``, ``quarantine`` and ``_state/ids`` for each landing
   hour, plus the run's changes (events added; ids taken from later hours).
   The accounting invariant is checked from the job's counters.
2. drop (rare): MRDropEvents rewrites the later hours that lost events to
   an earlier hour processed after them.
3. roll up: MRRollUpDays merges the added events into the stored partials
   of the event days they touch and into the landing day's summary delta;
   days that lost content (rare) are recomputed from their events.
4. summarize: MRSummarizeDevices, then MRSummarizeMembers (with the devices
   entries the first sent), merge the previous snapshot's state with the
   day's delta into ``device_summary``, ``member_summary`` and the new
   state, then do the same for any later snapshot day (a re-run of an
   earlier day changes them).

The driver handles metadata, never rows: each job writes its rows into its
partition folders itself (``mapreduce.jobio``), under the run's staging
folder; a later stage reads an earlier stage's staged output. Nothing is
published until every stage succeeded and its counters and outputs were
checked; then all partitions go in together (``warehouse.publish``).
Landing, warehouse and scratch are ``warehouse.storage`` roots: local paths,
or hdfs://, s3://, gs:// URIs for the runners that can reach them.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from pathlib import Path

from kickback import scratch
from kickback.config import Settings
from kickback.landing import LandingHour, check_files, day_folder, find_landing
from kickback.lock import LockHeld, warehouse_lock
from kickback.runners import CLUSTER_RUNNERS, SIM_RUNNERS, job_code_zip, runner_args, task_code_args
from kickback.stages import STAGES, PipelineError, PipelineReport, Run, Say, check_accounting, check_partitions
from warehouse import layout, manifest
from warehouse.catalog import Catalog
from warehouse.layout import Partition
from warehouse.publish import Staging, finish, leftovers, restore
from warehouse.storage import Storage, StorageError

# Re-exported: the driver's callers (the CLI, tests) import these from here.
__all__ = ["PipelineError", "PipelineReport", "check_accounting", "check_partitions", "rebuild_range",
           "run_pipeline"]

logger = logging.getLogger(__name__)


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


def rebuild_range(
    settings: Settings,
    first: dt.date,
    last: dt.date,
    input_root: str | Path | None = None,
    runner: str | None = None,
    say: Say = logger.info,
    wait: bool = False,
) -> list[PipelineReport]:
    """Recompute landing days ``first`` .. ``last`` from their raw landings.

    For audits, and to backfill after a change to the rollup logic. The
    range's id index, summary deltas, snapshot states and events are
    removed first; then each day with a landing is run in date order with
    every event day it touches rolled up from the events (not merged into
    stored partials), and the snapshots after the range refreshed at the
    end. The result equals the incremental chain's (the tests hold the two
    to byte identity). Readers see the range's events and snapshots
    vanish and come back while it runs.
    """
    if last < first:
        raise PipelineError("--to %s is before --from %s" % (last, first))
    runner = runner or settings.runner
    options = settings.storage_options
    try:
        landing = Storage(str(input_root or settings.landing_dir), options)
        warehouse = Storage(settings.warehouse_dir, options)
    except StorageError as exc:
        raise PipelineError(str(exc)) from None
    _check_runner_reaches(runner, landing, warehouse)
    _check_roots(landing, warehouse)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    reports = []
    try:
        with warehouse_lock(warehouse, wait=wait, say=say):
            catalog = Catalog(warehouse)
            for dataset in (layout.IDS, layout.DELTAS, layout.EVENTS, layout.SNAPSHOT_STATE):
                for partition in catalog.partitions(dataset, first, last):
                    warehouse.rm(partition.path)
            present = [day for day in days if landing.isdir(day_folder(day))]
            for day in days:
                if day not in present:
                    say("rebuild: no landing for %s, skipped" % day)
            for day in present:
                say("rebuild: %s" % day)
                reports.append(_run_locked(settings, runner, landing, warehouse, day, None, say,
                                           rebuild=True, refresh_later=day == present[-1]))
    except LockHeld as exc:
        raise PipelineError(str(exc)) from None
    return reports


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
                day: dt.date, hours: list[int] | None, say: Say,
                rebuild: bool = False, refresh_later: bool = True) -> PipelineReport:
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
        run = Run(settings, runner, landing, warehouse, staging,
                   _job_args(settings, runner, workdir, warehouse, staging), report, say,
                   rebuild=rebuild, refresh_later=refresh_later)
        for name, stage in STAGES:
            started = time.monotonic()
            stage(run)
            report.seconds[name] = time.monotonic() - started
        started = time.monotonic()
        added = frozenset(run.added)
        record = _manifest(run, staging.seal(run.staged, added))
        # The manifest goes in with the partitions: a run killed while publishing is finished with it.
        staging.commit(run.staged, added, writes={layout.manifest_path(report.day): manifest.dumps(record)})
        report.seconds["publish"] = time.monotonic() - started
    finally:
        staging.discard()
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def _clean_leftovers(settings: Settings, warehouse: Storage, say: Say) -> list[str]:
    finished = finish(warehouse)
    if finished:
        say("finished publishing %d partitions of a run killed while publishing them" % len(finished))
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
        args += task_code_args(runner, job_code_zip(workdir))
    return args


def _manifest(run: Run, put: dict[Partition, list[str]]) -> dict:
    """The landing day's run manifest with this run merged in."""
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
    written = {partition: [name for name in names if name not in run.carried.get(partition, ())]
               for partition, names in put.items() if partition.dataset in layout.EVENT_DAY_DATASETS}
    # A partition this run rewrote whole, or whose earlier runs' rows it kept apart, holds in
    # its own files all that the landing day's runs wrote there.
    whole = {partition for partition in written
             if partition not in run.added and (partition not in run.carried or partition in run.taken_over)}
    manifest.add_published(record, run.staging.run_id, written, run.added, supersedes=whole)
    return record
