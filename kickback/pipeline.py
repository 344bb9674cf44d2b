"""The pipeline: landed raw logs in, warehouse partitions out.

Stages, each an mrjob job run on the configured runner:

1. validate: MRValidateEvents over the landing hours, with the accepted
   events of the 8 landing days before as prior ids, writes
   ``events/`` and ``quarantine/`` partitions for each landing hour. The
   accounting invariant is checked from the job's counters and from the rows
   written; a mismatch fails the run before anything is published.
2. roll up: MRRollUpDays recomputes ``device_daily/``, ``member_daily/`` and
   ``member_events/`` for every event day the run touched (late events
   included), reading every accepted event that can belong to those days.
3. summarize: MRSummarizeEntities rebuilds ``device_summary/`` and
   ``member_summary/`` for the landing day from every daily rollup.

Outputs are sorted, so the same input gives byte-identical partitions on
every runner and every rerun. A run publishes nothing until its stage has
succeeded; see ``kickback.warehouse`` for the atomic swap.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from mrjob.step import StepFailedException

from kickback.config import Settings
from kickback import scratch
from kickback.landing import LandingHour, check_files, find_landing
from kickback.lock import LockHeld, WarehouseLock
from kickback.runners import runner_args
from kickback.warehouse import Warehouse
from mapreduce.device_log import REJECT_REASONS
from mapreduce.mr_roll_up_days import MRRollUpDays
from mapreduce.mr_summarize_entities import MRSummarizeEntities
from mapreduce.mr_validate_events import MRValidateEvents
from mapreduce.records import EVENT_COLUMNS
from mapreduce.tsv import split_row

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

# Landing days that can hold a copy of an event accepted in a later hour:
# the 7-day window plus the hour and the 15-minute allowance.
PRIOR_DAYS = 8
# Landing days that can hold events of one event day: E-1 .. E+7.
LANDING_BEFORE_EVENT_DAY = 1
LANDING_AFTER_EVENT_DAY = 7
CLUSTER_RUNNERS = ("hadoop", "emr", "dataproc")
# Runners whose tasks cannot see the driver's files (S3 / GCS only).
REMOTE_STORAGE_RUNNERS = ("emr", "dataproc")
_EVENT_DT = EVENT_COLUMNS.index("event_dt")


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


def run_pipeline(
    settings: Settings,
    day: dt.date,
    hours: list[int] | None = None,
    input_root: Path | None = None,
    runner: str | None = None,
    say: Say = logger.info,
    wait: bool = False,
) -> PipelineReport:
    """Process one landing day (or some of its hours) end to end.

    The run holds the warehouse's lock throughout (``wait``: wait for a
    run that holds it instead of refusing).
    """
    runner = runner or settings.runner
    if runner in REMOTE_STORAGE_RUNNERS:
        raise PipelineError(
            "the pipeline driver keeps landings and the warehouse on a filesystem it shares "
            "with the tasks, which %s nodes cannot read; run the jobs there by hand as "
            "docs/clusters.md shows" % runner
        )
    landing_root = Path(input_root or settings.landing_dir).resolve()
    warehouse = Warehouse(settings.warehouse_dir)
    _check_roots(landing_root, warehouse.root)
    try:
        with WarehouseLock(warehouse.root, wait=wait, say=say):
            return _run_locked(settings, warehouse, landing_root, day, hours, runner, say)
    except LockHeld as exc:
        raise PipelineError(str(exc)) from None


def _check_roots(landing_root: Path, warehouse_root: Path) -> None:
    """A landing inside the warehouse (or the reverse) would mix raw and derived files."""
    for inner, outer, what in ((landing_root, warehouse_root, "the landing is inside the warehouse"),
                               (warehouse_root, landing_root, "the warehouse is inside the landing")):
        if inner == outer or outer in inner.parents:
            raise PipelineError("%s (%s, %s): keep them apart" % (what, landing_root, warehouse_root))


def _run_locked(settings: Settings, warehouse: Warehouse, landing_root: Path, day: dt.date,
                hours: list[int] | None, runner: str, say: Say) -> PipelineReport:
    cleaned = [str(path) for path in scratch.remove(warehouse.leftovers() + scratch.dead_scratch(settings.var_dir))]
    for path in cleaned:
        say("cleaned %s (left by a run that did not finish)" % path)
    found = find_landing(landing_root, day, hours)
    landing = found.hours
    report = PipelineReport(day, [h.hour for h in landing], ignored=[str(item) for item in found.ignored],
                            cleaned=cleaned)
    for item in report.ignored:
        say("ignored %s" % item)
    workdir = scratch.make_scratch(settings.var_dir)
    try:
        started = time.monotonic()
        report.input_bytes = check_files(landing)
        say("checked %d files (%.1f MB) of %d landing hours"
            % (sum(len(h.files) for h in landing), report.input_bytes / 1e6, len(landing)))
        base_args = _job_args(settings, runner, workdir)
        _validate(warehouse, landing, base_args, runner, report, say)
        report.seconds["validate"] = time.monotonic() - started
        started = time.monotonic()
        _roll_up(warehouse, base_args, runner, report, say)
        report.seconds["roll_up"] = time.monotonic() - started
        started = time.monotonic()
        _summarize(warehouse, landing, base_args, runner, report, say)
        report.seconds["summarize"] = time.monotonic() - started
        _write_manifest(warehouse, landing, report)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def _job_args(settings: Settings, runner: str, workdir: Path) -> list[str]:
    args = runner_args(settings, runner, workdir)
    if runner != "inline":
        # Tasks import the pure modules the jobs use from this zip, so they
        # need no installed copy of the project (cluster nodes have none).
        args += ["--py-files", str(_package_zip(workdir))]
    return args


def _inputs(paths, runner: str) -> list[str]:
    """Input names for mrjob: absolute paths, or ``file://`` URIs for Hadoop.

    mrjob's hadoop runner copies plain local paths into its temp folder under
    new names, losing the ``dt=/hour=`` folders the jobs read the landing
    hour and dataset from; a URI is used where it lies.
    """
    names = [str(Path(path).resolve()) for path in paths]
    if runner in CLUSTER_RUNNERS:
        names = ["file://" + name for name in names]
    return names


def _package_zip(workdir: Path) -> Path:
    """The ``mapreduce`` package as a zip for task nodes' PYTHONPATH."""
    package = Path(__file__).resolve().parent.parent / "mapreduce"
    target = workdir / "kickback-mapreduce.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for source in sorted(package.glob("*.py")):
            archive.write(source, "mapreduce/" + source.name)
    return target


def _run_job(job_class, args: list[str], inputs: list[str], stage: str, consume):
    """Run one job and stream its output into ``consume(counters, output)``."""
    if not inputs:
        # mrjob reads standard input when given no input: never let it.
        raise PipelineError("%s job has no inputs (a bug of the driver)" % stage)
    job = job_class(args + inputs)
    try:
        with job.make_runner() as runner:
            runner.run()
            counters = _merge_counters(runner.counters())
            return counters, consume(counters, job.parse_output(runner.cat_output()))
    except StepFailedException as exc:
        raise PipelineError("%s job failed: %s" % (stage, exc)) from None
    except OSError as exc:
        raise PipelineError("%s job could not run: %s" % (stage, exc)) from None


def _merge_counters(steps: list[dict]) -> dict[tuple[str, str], int]:
    merged: dict[tuple[str, str], int] = {}
    for step in steps:
        for group, names in step.items():
            for name, amount in names.items():
                merged[group, name] = merged.get((group, name), 0) + amount
    return merged


def _validate(warehouse: Warehouse, landing: list[LandingHour], args: list[str], runner: str,
              report: PipelineReport, say: Say) -> None:
    # Earlier landing hours own their events: a copy arriving now is a duplicate.
    start = (landing[0].day, landing[0].hour)
    prior = [
        part
        for day, hour, folder in warehouse.landing_partitions(
            "events", start[0] - dt.timedelta(days=PRIOR_DAYS), start[0])
        if (day, hour) < start
        for part in warehouse.part_files(folder)
    ]
    raw = [path for hour in landing for path in hour.files]
    say("[1/3] validate + dedupe: %d raw files, %d prior event files" % (len(raw), len(prior)))
    staging = warehouse.staging()
    event_days: set[str] = set()
    partitions = [
        "%s/dt=%s/hour=%02d" % (dataset, hour.day.isoformat(), hour.hour)
        for dataset in ("events", "quarantine") for hour in landing
    ]

    def check_and_stage(counters, output):
        report.counters = _check_accounting(counters)
        return staging.write_lines(_collect_event_days(output, event_days))

    prior_args = ["--prior-events", _inputs([warehouse.root / "events"], runner)[0]]
    try:
        _, counts = _run_job(
            MRValidateEvents, args + prior_args, _inputs(raw + prior, runner), "validate",
            check_and_stage)
        check_partitions(counts, partitions, "validate")
        valid, rejected = report.counters["valid"], _rejected_total(report.counters)
        written_events = sum(n for path, n in counts.items() if path.startswith("events/"))
        written_rejects = sum(n for path, n in counts.items() if path.startswith("quarantine/"))
        if written_events != valid or written_rejects != rejected:
            raise PipelineError(
                "output does not match counters: %d event rows for %d valid, %d quarantine rows for %d rejected"
                % (written_events, valid, written_rejects, rejected)
            )
        staging.publish(partitions)
    finally:
        staging.discard()
    report.event_days = sorted(event_days)
    report.rows.update(events=written_events, quarantine=written_rejects)
    say("      read %d lines: %d valid, %d duplicate, %d rejected"
        % (report.counters["read"], report.counters["valid"], report.counters["duplicate"],
           _rejected_total(report.counters)))


def check_partitions(counts: dict[str, int], expected: Iterable[str], stage: str) -> None:
    """PipelineError unless a stage wrote rows only into the partitions it publishes."""
    unexpected = set(counts) - set(expected)
    if unexpected:
        raise PipelineError("%s job wrote unexpected partitions: %s (nothing published)"
                            % (stage, ", ".join(sorted(unexpected))))


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


def _collect_event_days(output: Iterable[tuple[str, str]], event_days: set[str]):
    for path, row in output:
        if path.startswith("events/"):
            event_days.add(split_row(row)[_EVENT_DT])
        yield path, row


def _roll_up(warehouse: Warehouse, args: list[str], runner: str, report: PipelineReport, say: Say) -> None:
    if not report.event_days:
        say("[2/3] roll up: no event days touched")
        return
    days = [dt.date.fromisoformat(d) for d in report.event_days]
    inputs = [
        part
        for _, _, folder in warehouse.landing_partitions(
            "events",
            min(days) - dt.timedelta(days=LANDING_BEFORE_EVENT_DAY),
            max(days) + dt.timedelta(days=LANDING_AFTER_EVENT_DAY),
        )
        for part in warehouse.part_files(folder)
    ]
    say("[2/3] roll up %d event days (%s .. %s) from %d event files"
        % (len(days), report.event_days[0], report.event_days[-1], len(inputs)))
    day_args = [arg for day in report.event_days for arg in ("--event-day", day)]
    partitions = [
        "%s/dt=%s" % (dataset, day)
        for dataset in ("device_daily", "member_daily", "member_events") for day in report.event_days
    ]

    def check_and_publish(counters, output):
        if counters.get(("roll_up_days", "bad_event"), 0):
            raise PipelineError(
                "%d rows of the events dataset could not be read; the warehouse may be damaged"
                % counters["roll_up_days", "bad_event"]
            )
        _publish(warehouse, output, partitions, report)

    _run_job(MRRollUpDays, args + day_args, _inputs(inputs, runner), "roll up", check_and_publish)


def _summarize(warehouse: Warehouse, landing: list[LandingHour], args: list[str], runner: str,
               report: PipelineReport, say: Say) -> None:
    inputs = [
        part
        for dataset in ("device_daily", "member_daily")
        for _, folder in warehouse.daily_partitions(dataset)
        for part in warehouse.part_files(folder)
    ]
    as_of = _as_of(warehouse, landing)
    say("[3/3] summarize devices and members from %d daily files, as of %s" % (len(inputs), as_of))
    snapshot = report.day.isoformat()
    partitions = ["device_summary/dt=%s" % snapshot, "member_summary/dt=%s" % snapshot]
    if not inputs:
        say("      no daily rollups yet: empty snapshots")
        _publish(warehouse, None, partitions, report)
        return

    def check_and_publish(counters, output):
        bad = sum(n for (group, name), n in counters.items()
                  if group == "summarize_entities" and name.startswith("bad_"))
        if bad:
            raise PipelineError(
                "%d daily rollup rows could not be read; the warehouse may be damaged" % bad)
        _publish(warehouse, output, partitions, report)
    _run_job(
        MRSummarizeEntities, args + ["--as-of", as_of, "--snapshot-dt", snapshot],
        _inputs(inputs, runner), "summarize", check_and_publish,
    )


def _as_of(warehouse: Warehouse, landing: list[LandingHour]) -> str:
    """The latest landing hour of the day processed so far (this run's included)."""
    day = landing[0].day
    done = [hour for d, hour, _ in warehouse.landing_partitions("events", day, day)]
    return "%sT%02d" % (day.isoformat(), max(done + [h.hour for h in landing]))


def _publish(warehouse: Warehouse, output, partitions: list[str], report: PipelineReport) -> None:
    staging = warehouse.staging()
    try:
        counts = staging.write_lines(output) if output is not None else {}
        check_partitions(counts, partitions, "roll up or summarize")
        staging.publish(partitions)
    finally:
        staging.discard()
    for path, n in counts.items():
        dataset = path.split("/", 1)[0]
        report.rows[dataset] = report.rows.get(dataset, 0) + n


def _write_manifest(warehouse: Warehouse, landing: list[LandingHour], report: PipelineReport) -> None:
    manifest = warehouse.read_manifest(report.day)
    hours = manifest.get("hours", {})
    for hour in landing:
        hours["%02d" % hour.hour] = {"files": [path.name for path in hour.files]}
    manifest.update(
        date=report.day.isoformat(),
        hours=hours,
        event_days=sorted(set(manifest.get("event_days", [])) | set(report.event_days)),
    )
    counters = manifest.setdefault("counters", {})
    key = ",".join("%02d" % h for h in report.hours)
    counters[key] = report.counters
    warehouse.write_manifest(report.day, manifest)
