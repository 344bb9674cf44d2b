"""``kickback hive``: create the tables, register partitions, run the analysts' queries.

Every failure ends as one line on stderr and exit status 1: the
HiveServer2 error message (no stack trace), where the server was expected
and how to start it, or that the port answers another protocol (naming the
settings to check).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator

import click
from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TApplicationException

import hive as hivelib  # the package's front door; `hive` is this module's click group
from hive import HiveUnavailable, partitions
from hive.connection import HIVE_ERRORS, error_message
from hive.ddl import DdlError
from hive.output import FORMATS, format_rows
from hive.queries import QueryError, bind_params, fetch, list_queries, load_query, run_query
from hive.validate import InvalidValue, check_database, check_hour, check_warehouse_uri
from kickback.commands.options import DAY, day_text
from kickback.config import Settings
from warehouse.catalog import Catalog
from warehouse.storage import Storage, StorageError

logger = logging.getLogger(__name__)

# What PyHive meets on a port that is not HiveServer2 with this auth: bytes
# that are no Thrift (or a name that is not UTF-8), or another Thrift
# service that has no OpenSession.
_WRONG_PROTOCOL = (TProtocolException, UnicodeDecodeError, EOFError)
_WRONG_SERVICE = (
    TApplicationException.UNKNOWN_METHOD, TApplicationException.INVALID_MESSAGE_TYPE,
    TApplicationException.WRONG_METHOD_NAME, TApplicationException.BAD_SEQUENCE_ID,
    TApplicationException.PROTOCOL_ERROR,
)


def _wrong_endpoint(settings: Settings, exc: BaseException) -> click.ClickException:
    return click.ClickException(
        "%s:%d does not answer as HiveServer2 with auth %s (%s: %s): check KICKBACK_HIVE_HOST, "
        "KICKBACK_HIVE_PORT and KICKBACK_HIVE_AUTH"
        % (settings.hive_host, settings.hive_port, settings.hive_auth, type(exc).__name__,
           error_message(exc) if isinstance(exc, HIVE_ERRORS) else " ".join(str(exc).split())))


@contextlib.contextmanager
def _cursor(settings: Settings, use_database: bool = True) -> Iterator:
    """A cursor on a fresh session; Hive and input errors become one-line click errors."""
    try:
        database = check_database(settings.hive_database) if use_database else None
    except InvalidValue as exc:
        raise click.ClickException("hive_database: %s" % exc) from None
    try:
        connection = hivelib.connect(
            settings.hive_host, settings.hive_port, settings.hive_username,
            settings.hive_auth, database=database,
        )
    except HiveUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    except _WRONG_PROTOCOL as exc:
        raise _wrong_endpoint(settings, exc) from None
    except TApplicationException as exc:
        if exc.type in _WRONG_SERVICE:
            raise _wrong_endpoint(settings, exc) from None
        raise click.ClickException(error_message(exc)) from None
    except HIVE_ERRORS as exc:
        hint = " (has `kickback hive init` been run?)" if database else ""
        raise click.ClickException(error_message(exc) + hint) from None
    try:
        cursor = connection.cursor()
        yield cursor
    except HIVE_ERRORS as exc:
        raise click.ClickException(error_message(exc)) from None
    except (InvalidValue, QueryError, DdlError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        with contextlib.suppress(*HIVE_ERRORS, OSError):
            connection.close()


def _storage(settings: Settings) -> Storage:
    try:
        return Storage(settings.warehouse_dir, settings.storage_options)
    except StorageError as exc:
        raise click.ClickException("warehouse_dir: %s" % exc) from None


def _warehouse(settings: Settings) -> str:
    """The warehouse root as the URI the DDL's LOCATIONs start with."""
    try:
        return check_warehouse_uri(_storage(settings).uri())
    except InvalidValue as exc:
        raise click.ClickException("warehouse_dir: %s" % exc) from None


def _checked(check):
    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check(value)
        except InvalidValue as exc:
            raise click.BadParameter(str(exc)) from None
    return callback


def _echo_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if not columns:
        click.echo("OK")
        return
    click.echo(format_rows(columns, rows, fmt))


@click.group()
def hive() -> None:
    """Create Hive tables, register partitions, run queries."""


@hive.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Create the database and every table (safe to rerun)."""
    warehouse = _warehouse(settings)
    with _cursor(settings, use_database=False) as cursor:
        applied = hivelib.apply_ddl(cursor, settings.hive_database, warehouse)
    click.echo("database %s ready: %d DDL file(s) applied, tables over %s"
               % (settings.hive_database, len(applied), warehouse))


@hive.command()
@click.option("--date", "day", type=DAY, required=True, help="Landing day of the run, YYYY-MM-DD.")
@click.option("--hour", callback=_checked(check_hour), help="Only this landing hour, 00-23.")
@click.pass_obj
def register(settings: Settings, day: dt.date, hour: str | None) -> None:
    """Register a run's complete partitions and rebuild events_dedup for its event days."""
    _warehouse(settings)
    with _cursor(settings) as cursor:
        result = hivelib.register_run(cursor, Catalog(_storage(settings)), day_text(day), hour)
    click.echo("registered %d partition(s) for %s%s" % (
        len(result.partitions), day_text(day), "" if hour is None else " hour %s" % hour))
    days = ", ".join(result.event_days) or "none"
    click.echo("events_dedup rebuilt for event day(s): %s" % days)


@hive.command()
@click.pass_obj
def repair(settings: Settings) -> None:
    """Recovery: MSCK REPAIR TABLE on every partitioned table (adds incomplete folders too)."""
    with _cursor(settings) as cursor:
        tables = partitions.repair(cursor)
    click.echo("repaired: %s" % ", ".join(tables))


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter("expected key=value, got %r" % pair, param_hint="--param")
        if key in params:
            raise click.BadParameter("%s given twice" % key, param_hint="--param")
        params[key] = value
    return params


_format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
    help="Output format.",
)


@hive.command()
@click.argument("name")
@click.option("--param", "-p", "pairs", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several. See `kickback hive queries`.")
@_format_option
@click.pass_obj
def query(settings: Settings, name: str, pairs: tuple[str, ...], fmt: str) -> None:
    """Run the named query NAME from the query kit."""
    try:
        named = load_query(name)
        params = bind_params(named, _parse_params(pairs))
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    with _cursor(settings) as cursor:
        columns, rows = run_query(cursor, named, params)
    _echo_rows(columns, rows, fmt)


@hive.command()
@click.argument("statement")
@_format_option
@click.pass_obj
def sql(settings: Settings, statement: str, fmt: str) -> None:
    """Run one SQL STATEMENT of your own in the kickback database."""
    with _cursor(settings) as cursor:
        # The user's own SQL, sent as typed: no parameters, no formatting.
        cursor.execute(statement)
        columns, rows = fetch(cursor)
    _echo_rows(columns, rows, fmt)


@hive.command()
def queries() -> None:
    """List the named queries with their parameters and defaults."""
    for name in list_queries():
        named = load_query(name)
        click.echo(name)
        click.echo("    %s" % named.description)
        for param in named.params:
            click.echo("    --param %s=<%s> (default %s)%s" % (
                param.name, param.type, param.default, ": " + param.help if param.help else ""))
