"""Warehouse history: does a day's run cost more as the warehouse fills up?

Data: ``days`` consecutive generated landing days of ``events`` events each
(one ``generate_landing`` call per day, the generator's usual duplicates,
late events and rejects, one fixed seed so every day shares the same world
of members and devices and a rerun reuses the cached landing; label
``history<days>d-<events>``). They are processed one day at a time, in date
order, into one warehouse that starts empty on every benchmark run, each
day by ``kickback.pipeline.run_pipeline`` in a child process of its own
(``bench.run_pipeline``, mrjob's local runner unless told otherwise).

Per day the result records the run's seconds (the ``run_pipeline`` call,
timed inside the child), each stage's seconds, the raw landing bytes of
the day (``input_bytes``) and the bytes of every file the run's jobs read
(``bytes_read``, raw landing included). The yardstick is the same run's
day 1: a pipeline whose cost does not grow with history keeps the last
day within 1.2 times the first, in seconds and in bytes read. The
least-squares slopes say how much each day of history adds.

One day's seconds on a shared machine is one noisy sample, so after the
chain the first and the last day run again, ``REPEATS`` times each and
alternated: day 1 into an empty warehouse, the last day into a copy of
the warehouse as it was before the chain's last day (copied then). The
seconds goal compares their medians; bytes read are the chain's (the same
every time).

Those copies are hard links (``_link_tree``): a run never writes a
warehouse file in place, it writes new files and renames them, so a copy
costs what the runs after it write anew, not a warehouse, and takes
seconds, not minutes. The benchmark checks that this held: the files of
the copy before the last day must be as they were (inode, size, mtime)
after the last day's run and every re-run, or it fails.

A history of many days at the default volume still takes tens of GB, so
the benchmark checks the free disk first (``disk_needed``) and refuses,
before generating anything, one that would fill it partway through.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import statistics
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bench import data, goals, machine, stats
from bench.child import run_child
from bench.plot import history_chart
from bench.report import figure
from bench.workspace import Workspace, bench_settings
from kickback.config import Settings
from warehouse import layout

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

DEFAULT_DAYS = 30
DEFAULT_EVENTS = 20_000
RUNNER = "local"
RUNNERS = ("inline", "local", "hadoop")
PIPELINE_TIMEOUT_S = 1800
# Last day against day 1 of the same run, in seconds and in bytes read.
GROWTH_TARGET = 1.2
# From this day on the state window is full: the id index of the 8 landing
# days before, the partials of the 9 event days late events reach.
WINDOW_FULL_DAY = 10
CHART = "history.png"
MB = 1e6
# Alternated re-runs of the first and the last day after the chain (seconds goal: their medians).
REPEATS = 3
# The table's stage columns come first in this order; any other stage the runs report follows.
STAGES = ("validate", "roll_up", "summarize")
# Disk a history takes, with a margin over the 1M-a-day history of 2026-12-04: its raw
# landing took 235 bytes an event, its warehouse 739 bytes an event of each day it held.
LANDING_BYTES_PER_EVENT = 250
WAREHOUSE_BYTES_PER_EVENT = 800
# Days of warehouse the linked copies add: what the chain's last day and a re-run write anew
# (at most a day's files each), and one more for margin.
COPIES_NEW_DAYS = 3
GB = 1e9


def history_days(count: int, last: dt.date = data.DAY) -> list[dt.date]:
    """``count`` consecutive dates ending on ``last``, oldest first."""
    if count < 1:
        raise ValueError("count must be at least 1")
    return [last - dt.timedelta(days=offset) for offset in range(count - 1, -1, -1)]


def label(days: int, events: int) -> str:
    """The data set label of a history of ``days`` days of ``events`` events."""
    return "history%dd-%d" % (days, events)


def run(settings: Settings, workspace: Workspace, results_dir: Path, days: int, events: int,
        runner: str, say: Say) -> dict[str, Any]:
    """Run ``days`` landing days into one fresh warehouse, one child per day; return the result."""
    if days < 2:
        raise ValueError("the history needs at least two days to fit a slope")
    name = label(days, events)
    dates = history_days(days)
    before_last = workspace.tmp / ("%s-before-last" % name)
    scratch = workspace.tmp / ("%s-repeat" % name)
    # What an earlier run left is freed first, then the disk is checked before any work.
    data.reset_warehouse(workspace, name)
    for leftover in (before_last, scratch):
        shutil.rmtree(leftover, ignore_errors=True)
    check_disk(workspace.root, disk_needed(days, events, data.has_landing(workspace, name, events, dates)))
    data.ensure_landing(workspace, name, events, dates, say=say)
    data.reset_warehouse(workspace, name)  # a newly generated landing cleared its data set
    day_settings = bench_settings(settings, workspace, name)
    say("  %s: %d days (%s .. %s) into one warehouse, %s runner"
        % (name, days, dates[0], dates[-1], runner))
    warehouse = Path(day_settings.warehouse_dir)

    def run_day(day: dt.date, into: Path):
        return run_child(
            [sys.executable, "-m", "bench.run_pipeline", "--landing", str(day_settings.landing_dir),
             "--warehouse", str(into), "--date", day.isoformat(), "--runner", runner],
            timeout_s=PIPELINE_TIMEOUT_S, log_file=workspace.logs / ("pipeline-%s.log" % name))

    rows = []
    for index, day in enumerate(dates, start=1):
        if index == len(dates):
            _link_tree(warehouse, before_last)
            frozen = tree_state(before_last)
        load = machine.loadavg()
        child = run_day(day, warehouse)
        row = day_row(index, day, child.json(), child.wall_s, child.cpu_s, load)
        rows.append(row)
        say("  day %d/%d (%s): %.1f s, read %.1f MB (raw %.1f MB, x%.2f)"
            % (index, days, day, row["wall_s"], row["bytes_read"] / MB, row["input_bytes"] / MB,
               row["read_to_raw"] or 0.0))
    data.mark_warehouse(workspace, name, {"runner": runner, "history": True})
    repeats: dict[str, list[float]] = {"first": [], "last": []}
    for attempt in range(1, REPEATS + 1):
        for which, day, start in (("first", dates[0], None), ("last", dates[-1], before_last)):
            _link_tree(start, scratch)
            repeats[which].append(float(run_day(day, scratch).json()["seconds"]))
        say("  again, alternated (%d/%d): day 1 %.1f s, day %d %.1f s"
            % (attempt, REPEATS, repeats["first"][-1], days, repeats["last"][-1]))
    check_untouched(before_last, frozen)
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(before_last, ignore_errors=True)
    params = {"days": days, "events_per_day": events, "runner": runner, "data": name,
              "first_day": dates[0].isoformat(), "last_day": dates[-1].isoformat(),
              **{k: v for k, v in data.knobs(events, dates).items() if k not in ("days", "events")}}
    outcome = result(rows, params, repeats)
    fits = outcome["fits"]
    history_chart(
        results_dir / CHART, [r["day"] for r in rows], [r["wall_s"] for r in rows],
        [r["bytes_read"] / MB for r in rows], [r["input_bytes"] / MB for r in rows],
        "%d days of %s events into one warehouse (%s runner), same run"
        % (days, "{:,}".format(events), runner),
        seconds_fit=(fits["seconds"]["slope"], fits["seconds"]["intercept"]),
        mb_read_fit=(fits["bytes_read"]["slope"] / MB, fits["bytes_read"]["intercept"] / MB))
    return outcome


def disk_needed(days: int, events: int, landing_cached: bool) -> int:
    """Bytes of disk a history of ``days`` days of ``events`` events takes (an estimate with a
    margin): its landing unless it is cached, its warehouse, and ``COPIES_NEW_DAYS`` days more
    for what runs write into the linked copies."""
    landing = 0 if landing_cached else days * events * LANDING_BYTES_PER_EVENT
    return landing + (days + COPIES_NEW_DAYS) * events * WAREHOUSE_BYTES_PER_EVENT


class NotEnoughDisk(ValueError):
    """A history would fill the disk partway through."""


def check_disk(root: Path, needed: int) -> None:
    """Refuse (``NotEnoughDisk``) a history that would fill the disk under ``root`` partway through."""
    probe = Path(root)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed:
        raise NotEnoughDisk("the history needs about %.1f GB free under %s, and %.1f GB are; "
                         "free some, or ask for fewer days or events" % (needed / GB, root, free / GB))


def day_row(index: int, day: dt.date, report: Mapping[str, Any], process_wall_s: float,
            cpu_s: float, loadavg: Any = None) -> dict[str, Any]:
    """One day's line of the table from ``bench.run_pipeline``'s JSON report."""
    bytes_read = int(report["bytes_read"])
    input_bytes = int(report["input_bytes"])
    return {
        "day": index,
        "date": day.isoformat(),
        "wall_s": float(report["seconds"]),
        "stage_seconds": dict(report["stage_seconds"]),
        "bytes_read": bytes_read,
        "input_bytes": input_bytes,
        "read_to_raw": stats.ratio(bytes_read, input_bytes),
        "lines_read": int(report["lines_read"]),
        "event_days": list(report.get("event_days", [])),
        "rows": dict(report.get("rows", {})),
        "process_wall_s": process_wall_s,
        "cpu_s": cpu_s,
        "loadavg": loadavg,
    }


def fit(rows: Sequence[Mapping[str, Any]], key: str) -> dict[str, float]:
    """Least-squares slope (per day of history), intercept and R² of ``key`` on the day index."""
    slope, intercept, r2 = stats.fit_line([r["day"] for r in rows], [r[key] for r in rows])
    return {"slope": slope, "intercept": intercept, "r2": r2}


def fitted_ratio(line: Mapping[str, float], first: int, last: int) -> float | None:
    """The fitted line's value at day ``last`` over its value at day ``first``."""
    return stats.ratio(line["intercept"] + line["slope"] * last, line["intercept"] + line["slope"] * first)


def _link_tree(source: Path | None, target: Path) -> None:
    """``target`` made a copy of the folder ``source`` whose files are hard links to
    ``source``'s (empty when ``source`` is None).

    Safe because a run writes new files and renames them, never into a file in place
    (``check_untouched`` makes sure); unlinking or replacing a file in one tree leaves the
    other's as it was. The one file a run writes in place, the warehouse's lock
    (``kickback.lock``: flock'd, then its holder written into it), is copied.
    """
    shutil.rmtree(target, ignore_errors=True)
    if source is None:
        target.mkdir(parents=True)
    else:
        shutil.copytree(source, target, symlinks=True, copy_function=_link_file)


def _link_file(source: str, target: str) -> None:
    if os.path.basename(source) == layout.LOCK:
        shutil.copy2(source, target)
    else:
        os.link(source, target)


def tree_state(root: Path) -> dict[str, tuple[int, int, int]]:
    """Each file under ``root`` (its path relative to ``root``) with its inode, size and
    modification time in nanoseconds: what a write in place would change."""
    state = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            state[os.path.relpath(path, root)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return state


class LinkedCopyChanged(RuntimeError):
    """A run wrote into a file it shared with another copy of the warehouse."""


def check_untouched(root: Path, frozen: Mapping[str, tuple[int, int, int]]) -> None:
    """Fail (``LinkedCopyChanged``) unless the files under ``root`` are as ``frozen`` recorded."""
    now = tree_state(root)
    changed = sorted(rel for rel in frozen.keys() | now.keys() if frozen.get(rel) != now.get(rel))
    if changed:
        raise LinkedCopyChanged(
            "%d files of the linked warehouse copy %s changed under the runs (%s), so a run wrote a "
            "file in place and the re-runs did not start from the same warehouse"
            % (len(changed), root, ", ".join(changed[:3])))


def result(rows: Sequence[Mapping[str, Any]], params: Mapping[str, Any],
           repeats: Mapping[str, Sequence[float]] | None = None) -> dict[str, Any]:
    """The benchmark's result from its per-day rows (day 1 first) and the
    alternated re-runs of the first and last day (``{"first": [s...], "last": [s...]}``).

    The seconds goal compares the medians of the re-runs when there are
    any, else the chain's single first and last day.
    """
    if len(rows) < 2:
        raise ValueError("need at least two days")
    first, last = rows[0], rows[-1]
    n = last["day"]
    first_s, last_s = first["wall_s"], last["wall_s"]
    yardstick = "day 1, same run"
    repeated = ""
    if repeats and repeats.get("first") and repeats.get("last"):
        first_s, last_s = statistics.median(repeats["first"]), statistics.median(repeats["last"])
        yardstick = "day 1, same run (median of %d)" % len(repeats["first"])
        repeated = ("; medians of %d alternated re-runs, day %d %s s against day 1 %s s "
                    "(the chain's own: %.2f against %.2f s)"
                    % (len(repeats["last"]), n, _samples(repeats["last"]), _samples(repeats["first"]),
                       last["wall_s"], first["wall_s"]))
    fits = {"seconds": fit(rows, "wall_s"), "bytes_read": fit(rows, "bytes_read")}
    ratios = {
        "seconds_last_to_first": stats.ratio(last_s, first_s),
        "chain_seconds_last_to_first": stats.ratio(last["wall_s"], first["wall_s"]),
        "bytes_read_last_to_first": stats.ratio(last["bytes_read"], first["bytes_read"]),
        "read_to_raw_first": first["read_to_raw"],
        "read_to_raw_last": last["read_to_raw"],
        "fitted_seconds_last_to_first": fitted_ratio(fits["seconds"], first["day"], n),
        "fitted_bytes_read_last_to_first": fitted_ratio(fits["bytes_read"], first["day"], n),
    }
    seconds_goal = goals.at_most(GROWTH_TARGET, "day %d / day 1 seconds" % n)
    bytes_goal = goals.at_most(GROWTH_TARGET, "day %d / day 1 bytes read" % n)
    figures = [
        figure("pipeline seconds, day %d of history" % n, last_s, "s",
               yardstick=yardstick, yardstick_value=first_s, goal=seconds_goal,
               note="stages day %d: %s s; day 1: %s s; the fitted line's day %d / day 1 is %s%s"
                    % (n, _stages(last), _stages(first), n, _text(ratios["fitted_seconds_last_to_first"]),
                       repeated)),
        figure("MB read by the jobs, day %d of history" % n, last["bytes_read"] / MB, "MB",
               yardstick="day 1, same run", yardstick_value=first["bytes_read"] / MB, goal=bytes_goal),
        figure("seconds per day of history (least-squares slope)", fits["seconds"]["slope"], "s/day",
               note="fit over %d days: intercept %.1f s, R² %.3f"
                    % (len(rows), fits["seconds"]["intercept"], fits["seconds"]["r2"])),
        figure("MB read per day of history (least-squares slope)", fits["bytes_read"]["slope"] / MB,
               "MB/day",
               note="fit over %d days: intercept %.1f MB, R² %.3f"
                    % (len(rows), fits["bytes_read"]["intercept"] / MB, fits["bytes_read"]["r2"])),
        figure("MB read / raw landing MB, day 1", first["bytes_read"] / MB, "MB",
               yardstick="the day's raw landing", yardstick_value=first["input_bytes"] / MB),
        figure("MB read / raw landing MB, day %d" % n, last["bytes_read"] / MB, "MB",
               yardstick="the day's raw landing", yardstick_value=last["input_bytes"] / MB,
               note="the issue's aim: about 2x the raw landing plus a bounded state term; "
                    "the goal is on day %d against day 1 (figure above)" % n),
    ]
    steady = [r for r in rows if r["day"] >= WINDOW_FULL_DAY]
    if len(steady) >= 2:
        base = steady[0]
        fits["seconds_window_full"] = fit(steady, "wall_s")
        fits["bytes_read_window_full"] = fit(steady, "bytes_read")
        ratios["seconds_last_to_window_full"] = stats.ratio(last["wall_s"], base["wall_s"])
        ratios["bytes_read_last_to_window_full"] = stats.ratio(last["bytes_read"], base["bytes_read"])
        figures += [
            figure("pipeline seconds, day %d against day %d (state window full)" % (n, base["day"]),
                   last["wall_s"], "s", yardstick="day %d, same run" % base["day"], yardstick_value=base["wall_s"],
                   goal=goals.at_most(GROWTH_TARGET, "day %d / day %d seconds" % (n, base["day"]))),
            figure("MB read, day %d against day %d (state window full)" % (n, base["day"]),
                   last["bytes_read"] / MB, "MB", yardstick="day %d, same run" % base["day"],
                   yardstick_value=base["bytes_read"] / MB,
                   goal=goals.at_most(GROWTH_TARGET, "day %d / day %d bytes read" % (n, base["day"]))),
            figure("MB read per day of history once the window is full (slope, days %d..%d)" % (base["day"], n),
                   fits["bytes_read_window_full"]["slope"] / MB, "MB/day",
                   note="seconds: %.3f s/day over the same days" % fits["seconds_window_full"]["slope"]),
        ]
    return {
        "benchmark": "history",
        "params": dict(params),
        "days": [dict(r) for r in rows],
        "repeats": {key: list(values) for key, values in (repeats or {}).items()},
        "fits": fits,
        "ratios": ratios,
        "figures": figures,
        "sections": [_section(n, params, stage_names(rows))],
        "notes": [
            "Seconds: the run_pipeline call of each day, timed inside its child process (interpreter "
            "start and imports excluded; the per-day table has the child's wall and CPU time too). "
            "Bytes read: PipelineReport.bytes_read, the size of every file the run's jobs read, raw "
            "landing included; raw: PipelineReport.input_bytes.",
            "One measurement per day of the chain on a shared machine: the seconds goal compares the "
            "medians of alternated re-runs of day 1 (empty warehouse) and the last day (a copy of the "
            "warehouse before it); the fitted slope is steadier than two single days too.",
        ],
    }


def stage_names(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every stage the runs timed: ``STAGES`` first, then others in the order they appear."""
    seen = [name for row in rows for name in row["stage_seconds"]]
    return [s for s in STAGES if s in seen] + list(dict.fromkeys(s for s in seen if s not in STAGES))


def _section(n: int, params: Mapping[str, Any], stages: Sequence[str]) -> dict[str, Any]:
    columns = [
        {"key": "day", "label": "day"},
        {"key": "date", "label": "landing day"},
        {"key": "wall_s", "label": "seconds", "digits": 1},
    ]
    columns += [{"key": "stage_seconds.%s" % stage, "label": "%s (s)" % stage, "digits": 1}
                for stage in stages]
    columns += [
        {"key": "bytes_read", "label": "bytes read"},
        {"key": "input_bytes", "label": "raw landing bytes"},
        {"key": "read_to_raw", "label": "read / raw", "digits": 2},
        {"key": "cpu_s", "label": "child CPU (s)", "digits": 1},
    ]
    return {
        "title": "history: %d days into one warehouse" % n,
        "text": ["%s events per landing day (%s .. %s), each day run by `run_pipeline` on the %s "
                 "runner into the same warehouse, in date order." % (
                     "{:,}".format(params.get("events_per_day", 0)), params.get("first_day", "?"),
                     params.get("last_day", "?"), params.get("runner", "?"))],
        "image": CHART,
        "rows": "days",
        "columns": columns,
    }


def _stages(row: Mapping[str, Any]) -> str:
    return ", ".join("%s %.1f" % item for item in row["stage_seconds"].items())


def _samples(values: Sequence[float]) -> str:
    return "/".join("%.2f" % value for value in values)


def _text(value: float | None) -> str:
    return "n/a" if value is None else "%.2f" % value
