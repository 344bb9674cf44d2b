"""Pipeline throughput: events/s through validation and rollups at x1, x4, x16.

For each size the same landing files are timed twice, each in a child
process of its own: the whole pipeline on mrjob's local runner
(``bench.run_pipeline``) and the yardstick, a single process that only
reads, parses and validates every line (``bench.parse_only``; the best of
three runs, as it takes well under a second). Rates are compared per core:
the pipeline's events/s divided by the cores its runner uses, against the
yardstick's events/s on its one core. The scaling exponent is the slope of
log(time) on log(size). One inline run of the validate job and one
yardstick run are profiled with pyinstrument.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import data, goals, machine, profiles, stats
from bench.child import run_child
from bench.plot import throughput_chart
from bench.report import figure
from bench.workspace import Workspace

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

MULTIPLIERS = (1, 4, 16)
YARDSTICK_RUNS = 3
PIPELINE_TIMEOUT_S = 1800
YARDSTICK_TIMEOUT_S = 600
PER_CORE_GOAL = goals.at_least(0.5, "pipeline/yardstick per-core rate")
EXPONENT_GOAL = goals.at_most(1.1, "exponent")


def run(workspace: Workspace, results_dir: Path, scale: int, say: Say) -> dict[str, Any]:
    """Measure the pipeline and its yardstick at every size; return the result."""
    cores = os.cpu_count() or 1  # mrjob's local runner runs one task per core
    sizes = [scale * m for m in MULTIPLIERS]
    runs = []
    for multiplier, events in zip(MULTIPLIERS, sizes):
        label = "x%d" % multiplier
        landing = data.ensure_landing(workspace, label, events, say=say)
        files = data.landing_files(landing, [data.DAY])
        yard = _yardstick(files, workspace, label, say)
        pipe = _pipeline(workspace, label, landing, say)
        runs.append({"label": label, "events": events, "files": len(files),
                     "yardstick": yard, "pipeline": pipe})
        say("  %s: pipeline %.0f events/s (%.0f per core), yardstick %.0f events/s"
            % (label, pipe["rate"], pipe["rate"] / cores, yard["rate"]))
    result = _result(runs, cores, scale)
    say("profiling the yardstick and the validate job (inline runner) on x1")
    x1_files = data.landing_files(workspace.landing("x1"), [data.DAY])
    result["profiles"] = {
        "yardstick": profiles.profile_yardstick(x1_files, results_dir / "profile-yardstick.txt"),
        "validate_inline": profiles.profile_inline_validate(
            x1_files, results_dir / "profile-validate-inline.txt", workspace.tmp),
    }
    inline = result["profiles"]["validate_inline"]
    x1_validate = runs[0]["pipeline"]["stage_seconds"].get("validate")
    result["notes"].append(
        "Profiles (x1): the validate job alone on the inline runner (one process, no task "
        "processes) took %.1f s against %.1f s for the same stage on the local runner; the "
        "yardstick loop took %.2f s under the profiler. See profile-yardstick.txt and "
        "profile-validate-inline.txt." % (inline["seconds"], x1_validate or 0.0,
                                          result["profiles"]["yardstick"]["seconds"]))
    throughput_chart(results_dir / "pipeline_throughput.png", sizes,
                     [r["pipeline"]["rate"] for r in runs], [r["yardstick"]["rate"] for r in runs],
                     cores, "Pipeline (local runner) vs parse-only yardstick, same run")
    return result


def _yardstick(files: list[Path], workspace: Workspace, label: str, say: Say) -> dict[str, Any]:
    best = None
    for attempt in range(YARDSTICK_RUNS):
        load = machine.loadavg()
        child = run_child([sys.executable, "-m", "bench.parse_only", *map(str, files)],
                          timeout_s=YARDSTICK_TIMEOUT_S, log_file=workspace.logs / "parse_only.log")
        counts = child.json()
        run = {"lines": counts["read"], "seconds": counts["seconds"], "wall_s": child.wall_s,
               "cpu_s": child.cpu_s, "loadavg": load, "attempt": attempt}
        if best is None or run["seconds"] < best["seconds"]:
            best = run
    best["rate"] = stats.rate(best["lines"], best["seconds"])
    best["rate_per_cpu_s"] = stats.rate(best["lines"], best["cpu_s"])
    say("  %s yardstick: %d lines in %.2f s" % (label, best["lines"], best["seconds"]))
    return best


def _pipeline(workspace: Workspace, label: str, landing: Path, say: Say) -> dict[str, Any]:
    warehouse = data.reset_warehouse(workspace, label)
    load = machine.loadavg()
    say("  %s pipeline: running on the local runner (load %s)" % (label, load))
    child = run_child(
        [sys.executable, "-m", "bench.run_pipeline", "--landing", str(landing),
         "--warehouse", str(warehouse), "--date", data.DAY.isoformat(), "--runner", "local"],
        timeout_s=PIPELINE_TIMEOUT_S, log_file=workspace.logs / ("pipeline-%s.log" % label))
    report = child.json()
    data.mark_warehouse(workspace, label, {"runner": "local"})
    seconds = sum(report["stage_seconds"].values())
    return {
        "lines": report["lines_read"], "seconds": seconds, "wall_s": child.wall_s,
        "cpu_s": child.cpu_s, "stage_seconds": report["stage_seconds"], "rows": report["rows"],
        "loadavg": load, "rate": stats.rate(report["lines_read"], seconds),
        "rate_per_cpu_s": stats.rate(report["lines_read"], child.cpu_s),
        "effective_cores": child.cpu_s / child.wall_s if child.wall_s else None,
    }


def _result(runs: list[dict[str, Any]], cores: int, scale: int) -> dict[str, Any]:
    sizes = [r["pipeline"]["lines"] for r in runs]
    exponent, r2 = stats.fit_exponent(sizes, [r["pipeline"]["seconds"] for r in runs])
    yard_exponent, yard_r2 = stats.fit_exponent(
        [r["yardstick"]["lines"] for r in runs], [r["yardstick"]["seconds"] for r in runs])
    figures = []
    for r in runs:
        pipe, yard = r["pipeline"], r["yardstick"]
        figures.append(figure(
            "events/s per core, %s (%s events)" % (r["label"], "{:,}".format(r["events"])),
            stats.per_core(pipe["rate"], cores), "events/s",
            yardstick="parse-only, 1 core", yardstick_value=yard["rate"], goal=PER_CORE_GOAL,
            note="" if r is not runs[-1] else
            "pipeline %.0f events/s on %d cores; stages %s s" % (
                pipe["rate"], cores, ", ".join("%s %.1f" % kv for kv in pipe["stage_seconds"].items())),
        ))
    last = runs[-1]
    figures.append(figure(
        "events per CPU-second, %s" % last["label"], last["pipeline"]["rate_per_cpu_s"], "events/s",
        yardstick="parse-only", yardstick_value=last["yardstick"]["rate_per_cpu_s"],
        note="CPU time of the child and every task process it waited for; less sensitive "
             "to other load than wall time"))
    figures.append(figure(
        "scaling exponent (log time vs log size)", exponent, "exponent", goal=EXPONENT_GOAL,
        goal_on="value",
        note="fit R² %.3f; the yardstick's own exponent is %.2f (R² %.3f)" % (r2, yard_exponent, yard_r2)))
    return {
        "benchmark": "pipeline",
        "params": {"scale": scale, "multipliers": list(MULTIPLIERS), "runner": "local",
                   "cores_used": cores, "yardstick_runs": YARDSTICK_RUNS, "day": data.DAY.isoformat()},
        "runs": runs,
        "exponent": {"value": exponent, "r2": r2, "yardstick": yard_exponent, "yardstick_r2": yard_r2},
        "figures": figures,
        "notes": [
            "Events = non-blank input lines (valid + duplicate + rejected). Pipeline time = the "
            "sum of its three stages (validate, roll up, summarize) as run_pipeline reports "
            "them; yardstick time = its parse loop (best of %d)." % YARDSTICK_RUNS,
            "Per core: the pipeline's events/s divided by %d (mrjob's local runner runs one task "
            "per core); the yardstick runs on one core." % cores,
        ],
    }
