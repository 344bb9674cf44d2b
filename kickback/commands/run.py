"""``kickback run``: the main job, every stage end to end on local defaults.

Each stage is one of the ``kickback`` subcommands, invoked in order, so the
main job and the individual commands can never drift apart. Rerunning is
safe: every stage is idempotent.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
import time
import urllib.error
import urllib.request

import click

from kickback.commands.generate import generate
from kickback.commands.hbase import create as hbase_create
from kickback.commands.hbase import load as hbase_load
from kickback.commands.hive import init as hive_init
from kickback.commands.hive import query as hive_query
from kickback.commands.hive import register as hive_register
from kickback.commands.pipeline import run as pipeline_run
from kickback.commands.stack import up as stack_up
from kickback.landing import LandingError, parse_day
from mapreduce import tsv
from stack import process
from stack.paths import StackPaths
from warehouse import layout
from warehouse.catalog import Catalog
from warehouse.storage import Storage

STAGES = ("stack", "generate", "pipeline", "hbase", "hive", "query", "api")


@click.command("run")
@click.option("--date", "date_text", default=None, help="Landing day YYYY-MM-DD (default: yesterday, UTC).")
@click.option("--events", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Size knob: events in the generated day (devices = events/10, members = events/20).")
@click.option("--runner", type=click.Choice(["inline", "local", "hadoop"]), default=None,
              help="mrjob runner for the pipeline (default: the runner setting, local).")
@click.option("--api/--no-api", "with_api", default=True, show_default=True,
              help="Start the lookup API in the background at the end.")
@click.pass_context
def run(ctx: click.Context, date_text: str | None, events: int, runner: str | None, with_api: bool) -> None:
    """Stack, synthetic day, pipeline, HBase, Hive, an analyst query and the API."""
    settings = ctx.obj
    try:
        day = parse_day(date_text) if date_text else dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    except LandingError as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from None
    timings: list[tuple[str, float]] = []

    def stage(number: int, name: str, action) -> None:
        click.secho("\n[%d/%d] %s" % (number, len(STAGES), name), bold=True, err=True)
        started = time.monotonic()
        action()
        timings.append((STAGES[number - 1], time.monotonic() - started))

    stage(1, "stack: HBase, Thrift, HiveServer2, Hadoop streaming", lambda: ctx.invoke(stack_up))
    stage(2, "generate %d events for %s" % (events, day), lambda: ctx.invoke(
        generate, day=dt.datetime.combine(day, dt.time()), events=events,
        devices=max(1, events // 10), members=max(1, events // 20)))
    stage(3, "pipeline: validate, dedupe, roll up", lambda: ctx.invoke(
        pipeline_run, date_text=day.isoformat(), runner=runner))
    stage(4, "hbase: create tables and load", lambda: (
        ctx.invoke(hbase_create), ctx.invoke(hbase_load, landing_date=dt.datetime.combine(day, dt.time()))))
    stage(5, "hive: tables and partitions", lambda: (
        ctx.invoke(hive_init), ctx.invoke(hive_register, dt=day.isoformat())))
    stage(6, "an analyst query: daily_active_devices", lambda: ctx.invoke(
        hive_query, name="daily_active_devices",
        pairs=("start_dt=%s" % (day - dt.timedelta(days=6)), "end_dt=%s" % day)))
    key = None
    if with_api:
        holder: dict[str, str] = {}
        stage(7, "api: gunicorn in the background", lambda: holder.update(key=start_api(settings)))
        key = holder["key"]
    click.echo(summary(timings))
    if key:
        click.echo(lookups(settings, day, key))


def start_api(settings) -> str:
    """Start the API detached unless it already answers; return a bearer key."""
    paths = StackPaths.under(settings.stack_dir)
    key = settings.api_key_list[0] if settings.api_key_list else _local_key(paths)
    base = "http://%s:%d" % (settings.api_host, settings.api_port)
    if process.running_pid(paths.pid_file("api")) and _answers(base + "/healthz"):
        click.echo("api already running at %s" % base, err=True)
        return key
    process.require_free_port(settings.api_host, settings.api_port, "the api")
    env = {"KICKBACK_API_KEYS": settings.api_keys or key}
    pid = process.start_detached(
        [sys.executable, "-m", "kickback", "api", "serve"], paths.log_file("api"),
        paths.pid_file("api"), env=dict(os.environ, **env),
    )
    if not process.wait_for(lambda: _answers(base + "/readyz"), settings.start_timeout_s, interval=0.5):
        raise click.ClickException("the api did not answer within %d s; see %s"
                                   % (settings.start_timeout_s, paths.log_file("api")))
    click.echo("api answers at %s (pid %d, log %s)" % (base, pid, paths.log_file("api")), err=True)
    return key


def _local_key(paths: StackPaths) -> str:
    """A bearer key for the local API, made once and kept in var/ (mode 600)."""
    path = paths.root / "api.key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(24) + "\n")
    return path.read_text().strip()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


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
    base = "http://%s:%d" % (settings.api_host, settings.api_port)
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
