"""The default day on the stack's cluster profile against mrjob's local runner, in one run.

The yardstick is the same landing day through the pipeline on mrjob's local
runner (local folders, the local profile), timed first. Then the local
stack's services stop (both profiles use the same var dir and the HBase
and Hive ports), the cluster profile comes up, the landing is copied into
its HDFS (timed apart, not part of the figure), and the pipeline runs with
``--runner hadoop`` on YARN over ``hdfs://`` roots. A tiny landing run on
YARN gives the per-step overhead: the ResourceManager's elapsed time of
each of its applications (one per mrjob step), whose work is next to
nothing. At the end the cluster profile stops and the local stack comes
back up, as the other benchmarks left it.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import data, machine, stats
from bench.child import python_env, run_child
from bench.report import figure
from bench.workspace import Workspace
from kickback.config import Settings
from warehouse.storage import Storage

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

DEFAULT_EVENTS = 1_000_000
TINY_EVENTS = 200
PIPELINE_TIMEOUT_S = 3600
HDFS_ROOT = "kickback-bench"


def run(settings: Settings, workspace: Workspace, events: int, say: Say) -> dict[str, Any]:
    """Measure one landing day on the local runner, then on the cluster profile."""
    from kickback.commands.stack import stack_config
    from stack import control

    label = "cluster%d" % events
    landing = data.ensure_landing(workspace, label, events, say=say)
    files = data.landing_files(landing, [data.DAY])
    local = _local(workspace, label, landing, say)
    say("stopping the local stack; starting the cluster profile")
    control.down(stack_config(settings), say=say)
    cluster_settings = settings.replace(stack_profile="cluster")
    started = time.monotonic()
    try:
        control.up(stack_config(cluster_settings), say=say)
        stack_up_s = time.monotonic() - started
        tiny_landing = data.ensure_landing(workspace, "cluster-tiny", TINY_EVENTS, say=say)
        tiny = _on_yarn(cluster_settings, workspace, "cluster-tiny", tiny_landing, say)
        big = _on_yarn(cluster_settings, workspace, label, landing, say)
    finally:
        say("stopping the cluster profile; starting the local stack again")
        control.down(stack_config(cluster_settings), say=say)
        control.up(stack_config(settings), say=say)
    return result(events, len(files), local, big, tiny, stack_up_s)


def _local(workspace: Workspace, label: str, landing: Path, say: Say) -> dict[str, Any]:
    warehouse = data.reset_warehouse(workspace, label)
    say("  %s: the local runner (load %s)" % (label, machine.loadavg()))
    child = run_child(
        [sys.executable, "-m", "bench.run_pipeline", "--landing", str(landing),
         "--warehouse", str(warehouse), "--date", data.DAY.isoformat(), "--runner", "local"],
        timeout_s=PIPELINE_TIMEOUT_S, log_file=workspace.logs / ("pipeline-%s-local.log" % label))
    return _report(child.json(), child.wall_s, child.cpu_s)


def _on_yarn(settings: Settings, workspace: Workspace, label: str, landing: Path, say: Say) -> dict[str, Any]:
    root = "%s/%s/%s" % (settings.hdfs_uri, HDFS_ROOT, label)
    hdfs = Storage(root, settings.storage_options)
    hdfs.rm("")
    files = data.landing_files(landing, [data.DAY])
    say("  %s: copying %d landing files into %s" % (label, len(files), root))
    started = time.monotonic()
    for path in files:
        hdfs.put_file(str(path), "landing/" + path.relative_to(landing).as_posix())
    upload_s = time.monotonic() - started
    say("  %s: the hadoop runner on YARN (load %s)" % (label, machine.loadavg()))
    since_ms = int(time.time() * 1000)
    env = python_env({"KICKBACK_STACK_PROFILE": "cluster"})
    child = run_child(
        [sys.executable, "-m", "bench.run_pipeline", "--landing", root + "/landing",
         "--warehouse", root + "/warehouse", "--date", data.DAY.isoformat(), "--runner", "hadoop"],
        timeout_s=PIPELINE_TIMEOUT_S, env=env,
        log_file=workspace.logs / ("pipeline-%s-yarn.log" % label))
    report = _report(child.json(), child.wall_s, child.cpu_s)
    report["upload_s"] = upload_s
    report["applications"] = yarn_applications(settings, since_ms)
    return report


def _report(run: dict[str, Any], wall_s: float, cpu_s: float) -> dict[str, Any]:
    seconds = sum(run["stage_seconds"].values())
    return {"lines": run["lines_read"], "seconds": seconds, "wall_s": wall_s, "cpu_s": cpu_s,
            "stage_seconds": run["stage_seconds"], "rows": run["rows"],
            "rate": stats.rate(run["lines_read"], seconds), "input_bytes": run["input_bytes"]}


def yarn_applications(settings: Settings, since_ms: int) -> list[dict[str, Any]]:
    """Name, state and elapsed seconds of the YARN applications started since ``since_ms``."""
    url = "http://%s:%d/ws/v1/cluster/apps?startedTimeBegin=%d" % (
        settings.yarn_host, settings.yarn_web_port, since_ms)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        apps = (json.load(response).get("apps") or {}).get("app") or []
    return [{"name": app["name"], "state": app["state"], "final_status": app["finalStatus"],
             "elapsed_s": app["elapsedTime"] / 1000.0, "started_ms": app["startedTime"]}
            for app in sorted(apps, key=lambda app: app["startedTime"])]


def per_step_overhead(applications: list[dict[str, Any]]) -> float | None:
    """Median elapsed seconds of a step's YARN application (of a run with next to no data)."""
    elapsed = [app["elapsed_s"] for app in applications if app["final_status"] == "SUCCEEDED"]
    return stats.percentile(elapsed, 50) if elapsed else None


def result(events: int, files: int, local: dict[str, Any], yarn: dict[str, Any],
           tiny: dict[str, Any], stack_up_s: float) -> dict[str, Any]:
    """The benchmark's result from its measured runs."""
    overhead = per_step_overhead(tiny["applications"])
    steps = len(yarn["applications"])
    figures = [
        figure("default day (%s events) on YARN over HDFS, pipeline time" % "{:,}".format(events),
               yarn["seconds"], "s", yardstick="the same day on the local runner", yardstick_value=local["seconds"],
               note="stages on YARN %s s; local %s s; %d YARN applications; copying the landing into HDFS "
                    "took %.1f s (not counted)" % (_stages(yarn), _stages(local), steps, yarn["upload_s"])),
        figure("per-step YARN overhead (median application time of a %d-event run)" % TINY_EVENTS,
               overhead, "s",
               note="applications: %s" % ", ".join("%.1f" % app["elapsed_s"] for app in tiny["applications"])),
    ]
    return {
        "benchmark": "cluster",
        "params": {"events": events, "files": files, "tiny_events": TINY_EVENTS, "day": data.DAY.isoformat()},
        "local": local, "yarn": yarn, "tiny": tiny, "cluster_stack_up_s": stack_up_s,
        "figures": figures,
        "notes": [
            "Ratio above 1: the cluster profile takes longer than the local runner. Both run on the same "
            "2 cores; YARN adds a container start per application (uber mode for small jobs) and HDFS "
            "a network hop per read and write, and buys nothing on one machine: the figure says what the "
            "cluster path costs here, not what a real cluster gives.",
            "Events: non-blank input lines. Pipeline time: the sum of its three stages as run_pipeline "
            "reports them. The cluster profile's `stack up` took %.0f s (not counted)." % stack_up_s,
        ],
    }


def _stages(run: dict[str, Any]) -> str:
    return ", ".join("%s %.1f" % item for item in run["stage_seconds"].items())
