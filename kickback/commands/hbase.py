"""``kickback hbase``: create, describe and load the HBase tables.

Every HBase failure ends as one line on stderr and exit status 1: a Thrift
server that cannot be reached, a port that answers another protocol (both
name the settings to check), or the error HBase reported.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import uuid
from collections.abc import Iterator

import click
import happybase
from thriftpy2.thrift import TException

from hbase_schema import admin, tables
from hbase_schema.bulk import bulk_load
from hbase_schema.errors import (
    TRANSIENT_ERRORS,
    WRONG_PROTOCOL_ERRORS,
    BadRecord,
    HBaseIOError,
    LoadError,
    reason,
    wrong_protocol,
)
from hbase_schema.jvm import JavaTools
from hbase_schema.loader import LoadReport, load_partition
from hbase_schema.partitions import PartitionLoad, partitions_to_load
from hbase_schema.presplit import java_splitter
from kickback.commands.options import DAY
from kickback.config import Settings
from warehouse.catalog import Catalog
from warehouse.storage import Storage, StorageError

logger = logging.getLogger(__name__)

@click.group("hbase")
def hbase() -> None:
    """Create, describe and load the HBase tables."""


@hbase.command()
@click.pass_obj
def create(settings: Settings) -> None:
    """Create missing tables (pre-split), report drifted ones; never drops."""
    specs = _specs(settings)

    def splitter(plan: dict[str, list[bytes]]) -> None:
        # The JVM tools are needed only when a table lacks its split points.
        java_splitter(_java_tools(settings), settings.stack_dir / "classes")(plan)

    with _connection(settings) as connection:
        report = admin.create_tables(connection, specs, settings.hbase_buckets, splitter)
    for name in specs:
        state = "created" if name in report.created else "exists"
        split = ", pre-split" if name in report.split else ""
        click.echo("%-16s %s%s" % (name, state, split))
    for drift in report.drift:
        click.echo("drift: %s (not changed)" % drift, err=True)


@hbase.command()
@click.pass_obj
def describe(settings: Settings) -> None:
    """Families, region count and drift of every table."""
    with _connection(settings) as connection:
        states = admin.describe(connection, _specs(settings))
    for state in states:
        if not state.exists:
            click.echo("%-16s missing (run `kickback hbase create`)" % state.name)
            continue
        click.echo("%-16s %d regions" % (state.name, state.regions))
        for family, options in sorted(state.families.items()):
            click.echo("  %s: versions=%s ttl=%s bloom=%s compression=%s" % (
                family, options.get("max_versions"), options.get("time_to_live"),
                options.get("bloom_filter_type"), options.get("compression")))
        for drift in state.drift:
            click.echo("  drift: %s" % drift)


@hbase.command()
@click.option("--date", "day", type=DAY, required=True, help="Landing date YYYY-MM-DD.")
@click.option("--dataset", "datasets", multiple=True, type=click.Choice(tables.TABLES),
              help="Load only this dataset (repeatable); default: all.")
@click.option("--bulk", is_flag=True, help="Write HFiles with ImportTsv and bulk-load them.")
@click.option("--warehouse", "warehouse_root", default=None,
              help="Warehouse root, a path or URI (default: the warehouse_dir setting).")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
@click.pass_obj
def load(settings: Settings, day: datetime.date, datasets: tuple[str, ...],
         bulk: bool, warehouse_root: str | None, progress: bool) -> None:
    """Load what a landing date's runs wrote into HBase and verify the row counts.

    The summary snapshots of the date whole; of each event-day partition its
    runs touched, the files they wrote (the whole partition when a later run
    has republished it since).
    """
    try:
        warehouse = Storage(warehouse_root or settings.warehouse_dir, settings.storage_options)
        plan = partitions_to_load(Catalog(warehouse), day, datasets or tables.TABLES)
    except (FileNotFoundError, ValueError, StorageError) as exc:
        raise click.ClickException(str(exc)) from None
    tools = _java_tools(settings) if bulk else None
    totals: dict[str, LoadReport] = {}
    with _pool(settings) as pool:
        _require_tables(pool, plan)
        for dataset, loads in plan.items():
            for load_ in loads:
                report = _load_one(settings, pool, warehouse, load_, tools, progress)
                click.echo("%-16s dt=%s: %d rows in %.1fs (%.0f rows/s)%s" % (
                    dataset, load_.partition.dt, report.total_written, report.seconds,
                    report.rows_per_second,
                    "" if load_.whole else ", only what the day's runs wrote (%d file%s)"
                    % (len(load_.files), "" if len(load_.files) == 1 else "s")))
                total = totals.setdefault(dataset, LoadReport(dataset))
                total.rows_read += report.rows_read
                total.seconds += report.seconds
                for table, rows in report.rows_written.items():
                    total.rows_written[table] = total.rows_written.get(table, 0) + rows
    for total in totals.values():
        click.echo("total %-10s %d rows read, %d written in %.1fs" % (
            total.dataset, total.rows_read, total.total_written, total.seconds))


def _load_one(settings: Settings, pool: happybase.ConnectionPool, warehouse: Storage,
              load_: PartitionLoad, tools: JavaTools | None, progress: bool) -> LoadReport:
    partition, files = load_.partition, load_.files
    try:
        options = {"day": partition.day, "buckets": settings.hbase_buckets,
                   "workers": settings.hbase_load_workers, "opener": warehouse.open,
                   "batch_size": settings.hbase_batch_size, "progress": progress}
        if tools is None:
            return load_partition(pool, partition.dataset, files, **options)
        hfiles = _hfiles_home(settings, warehouse)
        try:
            return bulk_load(pool, partition.dataset, files, tools,
                             hfiles_uri=hfiles[0].uri(hfiles[1]) if hfiles else None,
                             work_dir=settings.var_dir / "tmp" / "hbase-bulk", **options)
        finally:
            if hfiles:
                hfiles[0].rm(hfiles[1])
    except BadRecord as exc:
        raise BadRecord(warehouse.display(exc.path), exc.line, exc.reason) from None
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None


def _hfiles_home(settings: Settings, warehouse: Storage) -> tuple[Storage, str] | None:
    """Where ImportTsv writes HFiles: HBase's own HDFS when the warehouse is there.

    HBase then moves them into its tables within one filesystem; for a local
    warehouse they stay in the bulk load's local work folder.
    """
    if warehouse.scheme != "hdfs":
        return None
    base = Storage(settings.scratch_dir, settings.storage_options) if settings.scratch_dir else warehouse
    return base, "_hbase_bulk/%s" % uuid.uuid4().hex[:12]


def _require_tables(pool: happybase.ConnectionPool, plan: dict[str, list[PartitionLoad]]) -> None:
    with pool.connection() as connection:
        existing = {name.decode() for name in connection.tables()}
    missing = sorted(tables.LAYOUTS[d].table for d in plan if tables.LAYOUTS[d].table not in existing)
    if missing:
        raise click.ClickException("missing HBase tables %s: run `kickback hbase create`"
                                   % ", ".join(missing))


def _specs(settings: Settings) -> dict[str, dict[str, dict]]:
    return tables.table_specs(settings.hbase_daily_ttl_days, settings.hbase_events_ttl_days)


def _unreachable(settings: Settings, exc: BaseException) -> click.ClickException:
    return click.ClickException(
        "HBase Thrift server at %s:%d is unreachable (%s): start it with `kickback stack up`, "
        "or check KICKBACK_HBASE_HOST and KICKBACK_HBASE_THRIFT_PORT"
        % (settings.hbase_host, settings.hbase_thrift_port, reason(exc)))


def _wrong_protocol(settings: Settings, exc: BaseException) -> click.ClickException:
    return click.ClickException(
        "%s:%d does not answer as an HBase Thrift1 server (buffered transport, binary protocol: "
        "%s): check KICKBACK_HBASE_HOST and KICKBACK_HBASE_THRIFT_PORT"
        % (settings.hbase_host, settings.hbase_thrift_port, reason(exc)))


@contextlib.contextmanager
def _connection(settings: Settings) -> Iterator[happybase.Connection]:
    with _pool(settings) as pool, pool.connection() as connection:
        yield connection


@contextlib.contextmanager
def _pool(settings: Settings) -> Iterator[happybase.ConnectionPool]:
    try:
        pool = happybase.ConnectionPool(
            settings.hbase_pool_size, host=settings.hbase_host,
            port=settings.hbase_thrift_port, table_prefix=settings.hbase_table_prefix,
            timeout=settings.hbase_timeout_ms)
    except TRANSIENT_ERRORS as exc:
        raise _unreachable(settings, exc) from None
    try:
        yield pool
    except TRANSIENT_ERRORS as exc:
        raise _unreachable(settings, exc) from None
    except HBaseIOError as exc:
        raise click.ClickException("HBase error: %s" % exc.message) from None
    except LoadError as exc:
        raise click.ClickException(str(exc)) from None
    except (TException, *WRONG_PROTOCOL_ERRORS) as exc:
        if wrong_protocol(exc):
            raise _wrong_protocol(settings, exc) from None
        raise click.ClickException("HBase failed the call (%s)" % reason(exc)) from None


def _java_tools(settings: Settings) -> JavaTools:
    from stack.java import JDK17_FLAGS, find_java
    from stack.paths import StackPaths

    paths = StackPaths.under(settings.stack_dir)
    classpath_file = paths.classpath_file("hbase")
    if not classpath_file.exists():
        raise click.ClickException("HBase jars not found (%s): run `kickback stack up`"
                                   % classpath_file)
    return JavaTools(str(find_java()), classpath_file.read_text().strip(),
                     paths.conf / "hbase", tuple(JDK17_FLAGS))
