"""``kickback run``: the main job, every stage end to end on local defaults.

Each stage is one of the ``kickback`` subcommands, invoked in order, so the
main job and the individual commands can never drift apart. Rerunning is
safe: every stage is idempotent. The last stage asks the stack for the
lookup API (``stack.control.start_api``).

The landing day is a ``datetime.date`` from ``--date`` on (``options.DAY``)
and reaches every stage as one; it becomes text only where text is the
contract (``options.day_text``): the analyst query's parameters.
"""

from __future__ import annotations

import datetime as dt
import time

import click

from kickback.commands.generate import generate
from kickback.commands.hbase import create as hbase_create
from kickback.commands.hbase import load as hbase_load
from kickback.commands.hive import init as hive_init
from kickback.commands.hive import query as hive_query
from kickback.commands.hive import register as hive_register
from kickback.commands.options import DAY, day_text, yesterday_utc
from kickback.commands.pipeline import run as pipeline_run
from kickback.commands.stack import stack_config
from kickback.commands.stack import up as stack_up
from mapreduce import tsv
from stack import control
from stack.api import base_url
from stack.errors import StackError
from warehouse import layout
from warehouse.catalog import Catalog
from warehouse.storage import Storage

STAGES = ("stack", "generate", "pipeline", "hbase", "hive", "query", "api")


@click.command("run")
@click.option("--date", "day", type=DAY, default=yesterday_utc,
              help="Landing day YYYY-MM-DD (default: yesterday, UTC).")
@click.option("--events", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Size knob: events in the generated day (devices = events/10, members = events/20).")
@click.option("--runner", type=click.Choice(["inline", "local", "hadoop"]), default=None,
              help="mrjob runner for the pipeline (default: the runner setting, local).")
@click.option("--api/--no-api", "with_api", default=True, show_default=True,
              help="Start the lookup API in the background at the end.")
@click.pass_context
def run(ctx: click.Context, day: dt.date, events: int, runner: str | None, with_api: bool) -> None:
    """Stack, synthetic day, pipeline, HBase, Hive, an analyst query and the API."""
    settings = ctx.obj
    timings: list[tuple[str, float]] = []

    def stage(number: int, name: str, action) -> None:
        click.secho("\n[%d/%d] %s" % (number, len(STAGES), name), bold=True, err=True)
        started = time.monotonic()
        action()
        timings.append((STAGES[number - 1], time.monotonic() - started))

    stage(1, "stack: HBase, Thrift, HiveServer2, Hadoop streaming", lambda: ctx.invoke(stack_up))
    stage(2, "generate %d events for %s" % (events, day_text(day)), lambda: ctx.invoke(
        generate, day=day, events=events,
        devices=max(1, events // 10), members=max(1, events // 20)))
    stage(3, "pipeline: validate, dedupe, roll up", lambda: ctx.invoke(
        pipeline_run, day=day, runner=runner))
    stage(4, "hbase: create tables and load", lambda: (
        ctx.invoke(hbase_create), ctx.invoke(hbase_load, day=day)))
    stage(5, "hive: tables and partitions", lambda: (
        ctx.invoke(hive_init), ctx.invoke(hive_register, day=day)))
    stage(6, "an analyst query: daily_active_devices", lambda: ctx.invoke(
        hive_query, name="daily_active_devices",
        pairs=("start_dt=%s" % day_text(day - dt.timedelta(days=6)), "end_dt=%s" % day_text(day))))
    key = None
    if with_api:
        holder: dict[str, str] = {}
        stage(7, "api: gunicorn in the background", lambda: holder.update(key=start_api(settings)))
        key = holder["key"]
    click.echo(summary(timings))
    if key:
        click.echo(lookups(settings, day, key))


def start_api(settings) -> str:
    """Have the stack start the API (unless it runs) and wait until it answers; return a bearer key."""
    try:
        return control.start_api(stack_config(settings), say=lambda line: click.echo(line, err=True))
    except StackError as exc:
        raise click.ClickException(str(exc)) from None


def summary(timings: list[tuple[str, float]]) -> str:
    """Seconds per stage and in total."""
    width = max(len(name) for name, _ in timings)
    lines = ["", "stage times:"]
    lines += ["  %-*s %8.1f s" % (width, name, seconds) for name, seconds in timings]
    lines.append("  %-*s %8.1f s" % (width, "total", sum(s for _, s in timings)))
    return "\n".join(lines)


def lookups(settings, day: dt.date, key: str) -> str:
    """Ready-to-paste curl commands for a real member and device."""
    warehouse = Storage(settings.warehouse_dir, settings.storage_options)
    member = _first_id(warehouse, layout.partition("member_summary", day))
    device = _first_id(warehouse, layout.partition("device_summary", day))
    base = base_url(settings.api_host, settings.api_port)
    auth = "-H 'Authorization: Bearer %s'" % key
    lines = ["", "try the lookup API:"]
    for path in ("/v1/members/%s" % member, "/v1/members/%s/devices" % member,
                 "/v1/members/%s/daily" % member, "/v1/members/%s/events" % member,
                 "/v1/devices/%s" % device, "/v1/devices/%s/daily" % device):
        lines.append("  curl -s %s %s%s" % (auth, base, path))
    lines.append("  curl -s %s -H 'Content-Type: application/json' -d '{\"ids\": [\"%s\"]}' %s/v1/members:batchGet"
                 % (auth, member, base))
    lines.append("docs: %s/docs    (openapi: %s/openapi.json)" % (base, base))
    return "\n".join(lines)


def _first_id(warehouse: Storage, partition: layout.Partition) -> str:
    """The id in the first row of a summary partition."""
    for part in Catalog(warehouse).data_files(partition):
        with warehouse.open(part) as handle:
            for line in handle:
                return tsv.decode_row(line.decode("utf-8").rstrip("\n"))[0]
    raise click.ClickException("no rows in %s" % warehouse.display(partition.path))
