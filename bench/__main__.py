"""``python -m bench [--only pipeline,history,hbase,api,hive,cluster] [--scale N] [...]``: run the benchmarks.

Brings the local stack up (idempotent) when a chosen benchmark needs it,
runs the chosen benchmarks in order, writes ``bench/results/<name>.json``
after each, and renders ``bench/results/README.md`` from every result
present. Progress lines go to stdout. The size and length knobs
(``--scale``, ``--pipeline-scale``, ``--seconds``, ``--cluster-events``,
``--history-days``, ``--history-events``, ``--history-runner``) travel
together as one ``Knobs`` value.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from bench import BENCHMARKS, history_bench, machine, report
from bench.workspace import Workspace
from kickback.config import ConfigError, Settings

logger = logging.getLogger(__name__)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_SCALE = 20_000
# The pipeline benchmark's x1: its x16 is the default day (1M events).
DEFAULT_PIPELINE_SCALE = 62_500
# Benchmarks that talk to the local stack's services; the others run mrjob's
# local runner, and idle JVMs beside them only add noise.
STACK_BENCHMARKS = ("hbase", "api", "hive", "cluster")


@dataclass(frozen=True)
class Knobs:
    """The size and length knobs of one run, as the command line gave them."""

    scale: int = DEFAULT_SCALE
    pipeline_scale: int = DEFAULT_PIPELINE_SCALE
    seconds: float = 15.0
    cluster_events: int = 1_000_000
    history_days: int = history_bench.DEFAULT_DAYS
    history_events: int = history_bench.DEFAULT_EVENTS
    history_runner: str = history_bench.RUNNER


def _say(line: str) -> None:
    click.echo("%s %s" % (time.strftime("%H:%M:%S"), line))
    sys.stdout.flush()


def _selected(only: str | None) -> list[str]:
    if not only:
        return list(BENCHMARKS)
    names = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise click.BadParameter("unknown benchmark %s (choose from %s)"
                                 % (", ".join(unknown), ",".join(BENCHMARKS)), param_hint="--only")
    return [name for name in BENCHMARKS if name in names]


def needs_stack(names: list[str], knobs: Knobs) -> bool:
    """Whether any of the benchmarks ``names`` needs the local stack's services."""
    return any(name in STACK_BENCHMARKS for name in names) or (
        "history" in names and knobs.history_runner == "hadoop")


def _run_one(name: str, settings: Settings, workspace: Workspace, results_dir: Path,
             knobs: Knobs) -> dict:
    if name == "pipeline":
        from bench import pipeline_bench
        return pipeline_bench.run(workspace, results_dir, knobs.pipeline_scale, _say)
    if name == "history":
        return history_bench.run(settings, workspace, results_dir, knobs.history_days,
                                 knobs.history_events, knobs.history_runner, _say)
    if name == "hbase":
        from bench import hbase_bench
        return hbase_bench.run(settings, workspace, knobs.scale, _say)
    if name == "api":
        from bench import api_bench
        return api_bench.run(settings, workspace, knobs.scale, knobs.seconds, _say)
    if name == "cluster":
        from bench import cluster_bench
        return cluster_bench.run(settings, workspace, knobs.cluster_events, _say)
    from bench import hive_bench
    return hive_bench.run(settings, workspace, knobs.scale, _say)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--only", help="Comma-separated benchmarks to run (default: %s)." % ",".join(BENCHMARKS))
@click.option("--scale", type=click.IntRange(min=100), default=DEFAULT_SCALE, show_default=True,
              help="Input size in events of the hbase, api and hive benchmarks.")
@click.option("--pipeline-scale", type=click.IntRange(min=100), default=DEFAULT_PIPELINE_SCALE,
              show_default=True, help="The pipeline benchmark's x1 in events; it also runs 4x and 16x.")
@click.option("--seconds", type=click.FloatRange(min=2, max=300), default=15.0, show_default=True,
              help="Length of each API load measurement.")
@click.option("--cluster-events", type=click.IntRange(min=100), default=1_000_000, show_default=True,
              help="Events of the day the cluster benchmark runs on YARN and on the local runner.")
@click.option("--history-days", type=click.IntRange(min=2), default=history_bench.DEFAULT_DAYS,
              show_default=True, help="Landing days the history benchmark runs into one warehouse.")
@click.option("--history-events", type=click.IntRange(min=100), default=history_bench.DEFAULT_EVENTS,
              show_default=True, help="Events per landing day of the history benchmark.")
@click.option("--history-runner", type=click.Choice(history_bench.RUNNERS), default=history_bench.RUNNER,
              show_default=True, help="mrjob runner of the history benchmark's pipeline runs.")
@click.option("--results", "results_dir", type=click.Path(file_okay=False, path_type=Path),
              default=RESULTS_DIR, show_default=True, help="Where to write the results.")
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level.")
def main(only: str | None, scale: int, pipeline_scale: int, seconds: float, cluster_events: int,
         history_days: int, history_events: int, history_runner: str, results_dir: Path,
         verbose: bool) -> None:
    """Run the KickBack benchmarks and write bench/results/."""
    knobs = Knobs(scale=scale, pipeline_scale=pipeline_scale, seconds=seconds, cluster_events=cluster_events,
                  history_days=history_days, history_events=history_events, history_runner=history_runner)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # mrjob warns on every job that it has no config file: we pass --no-conf on purpose.
    logging.getLogger("mrjob.conf").setLevel(logging.ERROR)
    names = _selected(only)
    try:
        settings = Settings.load()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    workspace = Workspace.under(settings.var_dir)
    workspace.make_dirs()
    results_dir.mkdir(parents=True, exist_ok=True)
    if needs_stack(names, knobs):
        _say("bringing the local stack up (idempotent)")
        from kickback.commands.stack import stack_config
        from stack.control import up

        up(stack_config(settings), say=_say)
    for name in names:
        started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        details = machine.describe()
        _say("== %s (load average %s)" % (name, details["loadavg_start"]))
        clock = time.monotonic()
        try:
            result = _run_one(name, settings, workspace, results_dir, knobs)
        except history_bench.NotEnoughDisk as exc:
            raise click.ClickException(str(exc)) from None
        result.update(started_at=started, machine=details,
                      duration_s=round(time.monotonic() - clock, 1))
        path = report.write_result(results_dir, result)
        _say("wrote %s" % path)
        readme = report.render_readme(report.read_results(results_dir, BENCHMARKS))
        (results_dir / "README.md").write_text(readme)
        for fig in result["figures"]:
            _say("  %s: %s%s" % (fig["name"], report.format_value(fig["value"], fig["unit"]),
                                 "" if fig["ratio"] is None else " (ratio %.2f)" % fig["ratio"]))
    _say("done: %s" % (results_dir / "README.md"))


if __name__ == "__main__":
    main(prog_name="python -m bench")
