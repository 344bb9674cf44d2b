"""The stages of a pipeline run and what a run knows while it runs.

``kickback.pipeline`` drives a run (lock, leftovers, landing, commit,
manifest); this module holds the run itself (``Run``: where it reads and
writes, what it has staged), its outcome (``PipelineReport``,
``PipelineError``) and its four stages in order (``STAGES``): validate,
drop, roll up and summarize, each an mrjob job whose inputs it picks and
whose counters and outputs it checks (validate may run the sketch job
first, roll up the split job). See ``kickback.pipeline`` and
docs/design.md for what each stage does and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from mrjob.step import StepFailedException

from kickback.config import Settings
from kickback.landing import Landing
from kickback.runners import SIM_RUNNERS
from mapreduce import summaries
from mapreduce.contract import REJECT_REASONS
from mapreduce.id_filter import capacity_for
from mapreduce.mr_drop_events import MRDropEvents
from mapreduce.mr_roll_up_days import MRRollUpDays
from mapreduce.mr_sketch_event_ids import MRSketchEventIds
from mapreduce.mr_split_days import MRSplitDays
from mapreduce.mr_summarize_devices import MRSummarizeDevices
from mapreduce.mr_summarize_members import MRSummarizeMembers
from mapreduce.mr_validate_events import MRValidateEvents
from warehouse import layout, manifest
from warehouse.catalog import Catalog
from warehouse.layout import Partition
from warehouse.publish import Staging, UnexpectedOutput
from warehouse.storage import Storage

Say = Callable[[str], None]

# Landing days that can hold another copy of an event landing on day D:
# D-8 .. D+8 (the 7-day window plus the hour and the 15-minute allowance).
WINDOW_DAYS = 8
# Landing days that can hold events of one event day: E-1 .. E+7.
LANDING_BEFORE_EVENT_DAY = 1
LANDING_AFTER_EVENT_DAY = 7
DAILY_DATASETS = layout.EVENT_DAY_DATASETS + (layout.DAILY_STATE,)


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
    # Bytes of every file the run's jobs read (raw landing files included).
    bytes_read: int = 0
    # Landing entries not read, each "path: why".
    ignored: list[str] = field(default_factory=list)
    # Leftovers of killed runs removed before this run started.
    cleaned: list[str] = field(default_factory=list)
    # Event days recomputed from their events, hours whose events were
    # rewritten (taken by an earlier hour), later snapshots refreshed.
    recomputed_days: list[str] = field(default_factory=list)
    dropped_from: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)

    @property
    def lines_read(self) -> int:
        return self.counters.get("read", 0)


@dataclass
class Run:
    """One run: where it reads and writes, how it runs jobs, what it found."""

    settings: Settings
    runner: str
    landing: Landing
    warehouse: Storage
    staging: Staging
    job_args: list[str]
    report: PipelineReport
    say: Say
    # Every partition the run has staged, and the stage that holds it.
    staged: dict[Partition, str] = field(default_factory=dict)
    # Staged partitions published as additions to the published ones
    # (warehouse.publish): the member_events of days rolled up incrementally.
    added: set[Partition] = field(default_factory=set)
    # The data files of staged partitions that hold rows carried over
    # unchanged from the published partition (the split job's), and the
    # partitions whose rows earlier runs of the landing day wrote the split
    # kept apart (the run's files then hold those too).
    carried: dict[Partition, set[str]] = field(default_factory=dict)
    taken_over: set[Partition] = field(default_factory=set)
    # Staged work files of the run that are never published (_changes/).
    changes: dict[Partition, list[str]] = field(default_factory=dict)
    rebuild: bool = False
    refresh_later: bool = True
    # What the validate job found to change (its counters).
    new_days: list[str] = field(default_factory=list)
    recompute_days: list[str] = field(default_factory=list)
    lost_days: list[str] = field(default_factory=list)
    # The run's filter of the daily rows it may change (the sketch job's), as the jobs name it.
    run_keys: str | None = None

    @property
    def catalog(self) -> Catalog:
        return Catalog(self.warehouse)

    def partitions(self, dataset: str, first=None, last=None) -> list[Partition]:
        """Complete partitions of ``dataset`` as the run sees them: published or staged."""
        low, high = _day_text(first), _day_text(last)
        found = set(self.catalog.partitions(dataset, first, last))
        found |= {p for p in self.staged if p.dataset == dataset
                  and (low is None or p.dt >= low) and (high is None or p.dt <= high)}
        return sorted(found)

    def files(self, partition: Partition) -> list[str]:
        """The data files of a partition as the run sees it (staged output first;
        an addition's published files after its staged ones)."""
        stage = self.staged.get(partition)
        if stage is not None:
            folder = "%s/%s" % (self.staging.stage(stage), partition.path)
            found = []
            if self.warehouse.isdir(folder):
                found = sorted("%s/%s" % (folder, entry.name) for entry in self.warehouse.ls(folder)
                               if not entry.is_dir and layout.is_data_file(entry.name) and entry.size)
            if partition in self.added and self.catalog.is_complete(partition):
                found += self.catalog.data_files(partition)
            return found
        if partition in self.changes:
            return self.changes[partition]
        if not self.catalog.is_complete(partition):
            return []
        return self.catalog.data_files(partition)


def _day_text(day) -> str | None:
    if day is None:
        return None
    return day.isoformat() if isinstance(day, dt.date) else day


# --- running a stage ----------------------------------------------------------

def _run_stage(run: Run, job_class, args: list[str], inputs: list[str], stage: str,
               publish: list[Partition], changes: tuple[str, ...] = ()) -> dict[tuple[str, str], int]:
    """Run one job into the staging folder ``stage``; return its counters.

    The partitions of ``publish`` are staged for the run's commit (empty if
    the job wrote none of their rows); partitions of the ``changes``
    datasets are kept as the run's work files. PipelineError if the job
    fails or writes anything else.
    """
    if not inputs:
        # mrjob reads standard input when given no input: never let it.
        raise PipelineError("%s job has no inputs (a bug of the driver)" % stage)
    output = run.staging.stage(stage)
    if run.runner in SIM_RUNNERS:
        where = ["--output-dir", run.warehouse.local_path(output), "--write-partitions"]
        if run.runner == "local":
            # Small state files combined into few map tasks (mapreduce.local_splits).
            where.append("--paths-in-lines")
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
    unexpected = [p.path for p in found if p not in set(publish) and p.dataset not in changes]
    check_partitions({path: 1 for path in unexpected}, [], stage)
    for partition in publish:
        run.staged[partition] = stage
    for partition, files in found.items():
        if partition.dataset in changes:
            run.changes[partition] = ["%s/%s" % (output, rel) for rel in files]
    return counters


def _stage_empty(run: Run, stage: str, publish: list[Partition]) -> None:
    """Stage ``publish`` as empty partitions (a stage with nothing to read)."""
    for partition in publish:
        run.staged[partition] = stage


def check_partitions(found: dict[str, int], expected: list[str], stage: str) -> None:
    """PipelineError unless a stage wrote only into the partitions it publishes."""
    unexpected = set(found) - set(expected)
    if unexpected:
        raise PipelineError("%s job wrote unexpected partitions: %s (nothing published)"
                            % (stage, ", ".join(sorted(unexpected))))


def _inputs(run: Run, storage: Storage, files: list[str]) -> list[str]:
    """Input names for mrjob: local paths for the inline/local runners, URIs otherwise.

    Their sizes are added to the report's ``bytes_read``.
    """
    run.report.bytes_read += sum(storage.size(path) for path in files)
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


def _count_rows(run: Run, counters, datasets) -> None:
    rows = _rows(counters)
    for dataset in datasets:
        run.report.rows[dataset] = run.report.rows.get(dataset, 0) + rows.get(dataset, 0)


def _names(counters, group: str) -> list[str]:
    return sorted(name for (g, name), amount in counters.items() if g == group and amount)


def _where(run: Run, rel: str) -> str:
    """A warehouse folder as the jobs name it (local path or URI)."""
    return run.warehouse.local_path(rel) if run.runner in SIM_RUNNERS else run.warehouse.uri(rel)


# --- the stages ---------------------------------------------------------------

def _validate(run: Run) -> None:
    hours = run.landing.hours
    day = hours[0].day
    window = dt.timedelta(days=WINDOW_DAYS)
    run_hours = [layout.partition(layout.EVENTS, day, h.hour) for h in hours]
    index = run.partitions(layout.IDS, day - window, day + window)
    index_files = [path for partition in index for path in run.files(partition)]
    raw = [path for hour in hours for path in hour.files]
    run.say("[1/4] validate + dedupe: %d raw files, %d id index files of %d hours"
            % (len(raw), len(index_files), len(index)))
    publish = layout.landing_hours(layout.LANDING_HOUR_DATASETS + (layout.IDS,), day, [h.hour for h in hours])
    args = ["--ids-root", _where(run, layout.IDS)]
    args += [arg for partition in run_hours for arg in ("--run-hour", partition.path)]
    own = {(p.dt, p.hour) for p in run_hours}
    others = any((p.dt, p.hour) not in own for p in index)
    # Event days the run's events can reach: a week before the landing day, and the day after.
    stored = run.partitions(layout.DAILY_STATE, day - window, day + dt.timedelta(days=1))
    if others or stored:
        run_ids, run.run_keys = _sketch(run, day, raw)
        if others:
            args += ["--run-ids", run_ids]
    counters = _run_stage(
        run, MRValidateEvents, args,
        _inputs(run, run.landing.storage, raw) + _inputs(run, run.warehouse, index_files), "validate",
        publish, changes=layout.CHANGE_DATASETS)
    vanished = _names(counters, "vanished")
    if vanished:
        raise PipelineError(
            "%s no longer carry %d events they owned: files were removed or changed after they were "
            "processed (landings are append-only); run `kickback pipeline rebuild` over the days"
            % (", ".join(vanished), sum(counters["vanished", name] for name in vanished)))
    _check_readable(counters, "index")
    report = run.report
    report.counters = check_accounting(counters)
    rows = _rows(counters)
    valid, rejected = report.counters["valid"], _rejected_total(report.counters)
    if rows.get("events", 0) != valid or rows.get("quarantine", 0) != rejected:
        raise PipelineError(
            "output does not match counters: %d event rows for %d valid, %d quarantine rows for %d rejected"
            % (rows.get("events", 0), valid, rows.get("quarantine", 0), rejected))
    for outcome in ("moved", "replaced"):
        report.counters[outcome] = counters.get(("ownership", outcome), 0)
    run.new_days = _names(counters, "event_days")
    run.recompute_days = _names(counters, "recompute_days")
    run.lost_days = _names(counters, "lost_days")
    report.event_days = sorted(set(run.new_days) | set(run.recompute_days))
    _count_rows(run, counters, layout.LANDING_HOUR_DATASETS)
    run.say("      read %d lines: %d valid, %d duplicate, %d rejected"
            % (report.counters["read"], valid, report.counters["duplicate"], rejected))
    entries = counters.get(("index", "read"), 0)
    if entries:
        run.say("      read %d id index entries: %d skipped (their ids are not in the run)"
                % (entries, counters.get(("index", "skipped"), 0)))


def _sketch(run: Run, day: dt.date, raw: list[str]) -> tuple[str, str]:
    """Run the sketch job over the raw files; its two filter files (event ids, daily
    rows), as the later jobs name them."""
    storage = run.landing.storage
    sizes = {path: storage.size(path) for path in raw}
    gzip_bytes = sum(size for path, size in sizes.items() if path.endswith(".gz"))
    capacity = capacity_for(sum(sizes.values()) - gzip_bytes, gzip_bytes)
    run.say("      sketch the run's event ids and the daily rows they change (filters sized for %d ids)"
            % capacity)
    datasets = (layout.RUN_IDS, layout.RUN_KEYS)
    _run_stage(run, MRSketchEventIds, ["--capacity", str(capacity), "--day", day.isoformat()],
               _inputs(run, storage, raw), "sketch", [], changes=datasets)
    found = []
    for dataset in datasets:
        files = run.changes.get(layout.partition(dataset, day), [])
        if len(files) != 1:
            raise PipelineError("sketch job wrote %d %s files, not 1 (nothing published)" % (len(files), dataset))
        run.report.bytes_read += run.warehouse.size(files[0])
        found.append(_where(run, files[0]))
    return found[0], found[1]


def check_accounting(counters: dict[tuple[str, str], int]) -> dict[str, int]:
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


def _drop(run: Run) -> None:
    dropped = sorted(p for p in run.changes if p.dataset == layout.DROPPED)
    if not dropped:
        return
    hours = [(p.dt, p.hour) for p in dropped]
    targets = [layout.partition(dataset, d, h) for d, h in hours for dataset in (layout.EVENTS, layout.IDS)]
    inputs = [path for partition in targets for path in run.files(partition)]
    inputs += [path for partition in dropped for path in run.changes[partition]]
    run.say("[2/4] drop: %d later hours lose events to this run's hours" % len(dropped))
    counters = _run_stage(run, MRDropEvents, [], _inputs(run, run.warehouse, inputs), "drop", targets)
    _check_readable(counters, "drop_events")
    run.report.dropped_from = [p.path for p in targets if p.dataset == layout.EVENTS]
    run.report.counters["dropped"] = counters.get(("drop_events", "dropped"), 0)


def _roll_up(run: Run) -> None:
    report = run.report
    recompute = set(run.recompute_days)
    if run.rebuild:
        recompute |= set(run.new_days)
    days = sorted(set(run.new_days) | recompute)
    lost = sorted(run.lost_days)
    delta_days = sorted({report.day.isoformat(), *lost})
    publish = [layout.partition(dataset, day) for dataset in DAILY_DATASETS for day in days]
    publish += [layout.partition(layout.DELTAS, day) for day in delta_days]
    files: dict[str, None] = {}
    for partition in sorted(p for p in run.changes if p.dataset == layout.ADDED):
        files.update(dict.fromkeys(run.changes[partition]))
    split = _split(run, [day for day in days if day not in recompute])
    for day in days:
        if day in recompute:
            continue
        if day in split:
            files.update(dict.fromkeys(run.changes.get(layout.partition(layout.TOUCHED, day), [])))
        else:
            files.update(dict.fromkeys(run.files(layout.partition(layout.DAILY_STATE, day))))
        # Its member_events rows stay as they are: the day gains the added events' rows.
        run.added.add(layout.partition(layout.MEMBER_EVENTS, day))
    for day in sorted(recompute):
        event_day = dt.date.fromisoformat(day)
        for partition in run.partitions(layout.EVENTS, event_day - dt.timedelta(days=LANDING_BEFORE_EVENT_DAY),
                                        event_day + dt.timedelta(days=LANDING_AFTER_EVENT_DAY)):
            files.update(dict.fromkeys(run.files(partition)))
    for day in delta_days:
        if day in lost:
            for partition in run.partitions(layout.EVENTS, day, day):
                files.update(dict.fromkeys(run.files(partition)))
        else:
            files.update(dict.fromkeys(run.files(layout.partition(layout.DELTAS, day))))
    run.say("[3/4] roll up %d event days (%d recomputed from events) and %d landing days' deltas "
            "(%d recomputed) from %d files" % (len(days), len(recompute), len(delta_days), len(lost), len(files)))
    report.recomputed_days = sorted(recompute)
    if not files:
        _stage_empty(run, "roll_up", publish)
        return
    args = [arg for day in sorted(recompute) for arg in ("--recompute-day", day)]
    args += [arg for day in lost for arg in ("--recompute-delta", day)]
    counters = _run_stage(run, MRRollUpDays, args, _inputs(run, run.warehouse, list(files)), "roll_up", publish)
    _check_readable(counters, "roll_up_days")
    _count_rows(run, counters, layout.EVENT_DAY_DATASETS)
    _carry(run, split)


_SPLIT_DATASETS = (layout.DAILY_STATE,) + layout.ENTITY_DAILY_DATASETS


def _split(run: Run, days: list[str]) -> list[str]:
    """Carry over the rows of ``days`` that no event of the run changes
    (``mr_split_days``); the days split, whose touched partials are then in
    ``_changes/touched``."""
    if run.run_keys is None:
        return []
    days = [day for day in days if run.files(layout.partition(layout.DAILY_STATE, day))]
    if not days:
        return []
    carried = [layout.partition(dataset, day) for day in days for dataset in _SPLIT_DATASETS]
    inputs = [path for partition in carried for path in run.files(partition)]
    args = ["--run-keys", run.run_keys]
    for partition in carried:
        if partition.dataset in layout.KEPT:
            written = manifest.changed_files(run.catalog, run.report.day, partition)
            if written is not None:
                # What earlier runs of the landing day wrote stays apart: this run takes it over.
                run.taken_over.add(partition)
                args += [arg for rel in written for arg in ("--written-file", rel)]
    run.say("      split %d days: the rows no event of the run changes are carried over as they are" % len(days))
    counters = _run_stage(run, MRSplitDays, args, _inputs(run, run.warehouse, inputs),
                          "split", carried, changes=(layout.TOUCHED, *layout.KEPT.values()))
    _check_readable(counters, "split_days")
    rows = _rows(counters)
    for dataset, kept in layout.KEPT.items():
        run.report.rows[dataset] = run.report.rows.get(dataset, 0) + rows.get(dataset, 0) + rows.get(kept, 0)
    return days


def _carry(run: Run, days: list[str]) -> None:
    """Put the split job's carried rows beside the roll-up's in its staged partitions
    (the rows earlier runs of the landing day wrote as files of their own)."""
    split, roll_up = run.staging.stage("split"), run.staging.stage("roll_up")
    storage = run.warehouse
    for partition in (layout.partition(dataset, day) for day in days for dataset in _SPLIT_DATASETS):
        sources = [(partition, "carried")]
        if partition.dataset in layout.KEPT:
            sources.append((layout.partition(layout.KEPT[partition.dataset], partition.dt), "kept"))
        for source, suffix in sources:
            folder = "%s/%s" % (split, source.path)
            if not storage.isdir(folder):
                continue
            for entry in storage.ls(folder):
                if not entry.is_dir and layout.is_data_file(entry.name):
                    name = "%s-%s" % (entry.name, suffix)
                    storage.rename("%s/%s" % (folder, entry.name), "%s/%s/%s" % (roll_up, partition.path, name))
                    if suffix == "carried":
                        run.carried.setdefault(partition, set()).add(name)


def _check_readable(counters, group: str) -> None:
    bad = sum(n for (g, name), n in counters.items() if g == group and name.startswith("bad_"))
    if bad:
        raise PipelineError("%d rows of the warehouse's events or state could not be read; "
                            "the warehouse may be damaged" % bad)


def _summarize(run: Run) -> None:
    day = run.report.day.isoformat()
    days = [day]
    if run.refresh_later:
        days += [p.dt for p in run.partitions(layout.SNAPSHOT_STATE) if p.dt > day]
    for n, snapshot in enumerate(days):
        _summarize_day(run, snapshot, "summarize" if n == 0 else "summarize-%s" % snapshot)
    run.report.refreshed = days[1:]


def _summarize_day(run: Run, snapshot: str, stage: str) -> None:
    earlier = [p for p in run.partitions(layout.SNAPSHOT_STATE) if p.dt < snapshot]
    state = run.files(earlier[-1]) if earlier else []
    delta = run.files(layout.partition(layout.DELTAS, snapshot))
    as_of = _as_of(run, snapshot)
    run.say("[4/4] summarize devices and members as of %s: %s and the day's delta"
            % (as_of, "the state of %s" % earlier[-1].dt if earlier else "no earlier state"))
    if not state and not delta:
        run.say("      no events yet: empty snapshots")
        _stage_empty(run, stage, [layout.partition(dataset, snapshot)
                                  for dataset in layout.SNAPSHOT_DATASETS + (layout.SNAPSHOT_STATE,)])
        return
    args = ["--as-of", as_of, "--snapshot-dt", snapshot]
    counters = _summarize_entities(run, snapshot, args, state, delta, stage)
    if counters.get(("summarize_entities", "legacy_state"), 0) and not counters.get(
            ("summarize_entities", "bad_state"), 0):
        # Written before member states held their devices entries: once, every entry is sent.
        run.say("      the state of %s holds no devices entries (an earlier version wrote it): "
                "summarize again, every device sending every member its entry" % earlier[-1].dt)
        counters = _summarize_entities(run, snapshot, args, state, delta, stage + "-join-all", join_all=True)
    if counters.get(("summarize_entities", "bad_state"), 0):
        raise PipelineError("%d state rows could not be read; the warehouse may be damaged"
                            % counters["summarize_entities", "bad_state"])
    if stage == "summarize":
        _count_rows(run, counters, layout.SNAPSHOT_DATASETS)


def _summarize_entities(run: Run, snapshot: str, args: list[str], state: list[str], delta: list[str],
                        stage: str, join_all: bool = False) -> dict[tuple[str, str], int]:
    """The devices job, then the members job with the entries it sent; the devices' new
    state becomes the snapshot state's ``-devices`` files. Both jobs' counters."""
    work = [layout.partition(dataset, snapshot)
            for dataset in (layout.DEVICE_STATE, layout.DEVICE_ENTRIES, layout.RETYPED_DEVICES)]
    for partition in work:
        run.changes.pop(partition, None)
    counters: dict[tuple[str, str], int] = {}
    devices_stage = stage + "-devices"
    devices = [layout.partition(summaries.DEVICE_SUMMARY, snapshot)]
    inputs = layout.state_files(state, devices=True) + delta
    if inputs:
        counters = _run_stage(run, MRSummarizeDevices, args + (["--join-all"] if join_all else []),
                              _inputs(run, run.warehouse, inputs), devices_stage, devices,
                              changes=(layout.DEVICE_STATE, layout.DEVICE_ENTRIES, layout.RETYPED_DEVICES))
    else:
        _stage_empty(run, devices_stage, devices)
    members = [layout.partition(summaries.MEMBER_SUMMARY, snapshot), layout.partition(layout.SNAPSHOT_STATE, snapshot)]
    inputs = layout.state_files(state, devices=False) + delta + run.changes.get(work[1], [])
    retyped = []
    for path in run.changes.pop(work[2], []):
        run.report.bytes_read += run.warehouse.size(path)
        retyped += ["--retyped", _where(run, path)]
    if inputs:
        for key, amount in _run_stage(run, MRSummarizeMembers, args + retyped, _inputs(run, run.warehouse, inputs),
                                      stage, members).items():
            counters[key] = counters.get(key, 0) + amount
    else:
        _stage_empty(run, stage, members)
    folder = "%s/%s" % (run.staging.stage(stage), members[1].path)
    device_state = run.changes.pop(work[0], [])
    if device_state:
        run.warehouse.makedirs(folder)
    for path in device_state:
        run.warehouse.rename(path, "%s/%s%s" % (folder, path.rsplit("/", 1)[1], layout.DEVICE_STATE_SUFFIX))
    return counters


def _as_of(run: Run, snapshot: str) -> str:
    """The latest landing hour of the day processed so far (this run's included)."""
    done = [partition.hour for partition in run.partitions(layout.IDS, snapshot, snapshot)]
    return "%sT%02d" % (snapshot, max(done))


# The stages of a run, in order.
STAGES = (("validate", _validate), ("drop", _drop), ("roll_up", _roll_up), ("summarize", _summarize))
