"""The analysts' query kit: named, parameterized ``.sql`` files in ``hive/queries``.

Each file starts with a header comment: a description, then one line per
parameter::

    -- param start_dt DATE default today-7: first event day (inclusive)

Parameters appear in the SQL as PyHive pyformat placeholders
(``%(start_dt)s``); values are checked against their declared type and
passed to ``cursor.execute`` separately, never formatted into the SQL here.
DATE values are ``YYYY-MM-DD`` or ``today``/``today-N`` (UTC); INT values
are non-negative integers.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from hive.validate import InvalidValue, check_dt

logger = logging.getLogger(__name__)

PARAM_TYPES = ("DATE", "INT")
_PARAM_LINE = re.compile(
    r"--\s*param\s+(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>[A-Z]+)\s+default\s+(?P<default>\S+)"
    r"\s*(?::\s*(?P<help>.*))?"
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_RELATIVE_DAY = re.compile(r"today(?:-(\d{1,4}))?")
_INT = re.compile(r"\d{1,9}")


class QueryError(ValueError):
    """A query is unknown, malformed, or given the wrong parameters."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a query."""

    name: str
    type: str
    default: str
    help: str = ""


@dataclass(frozen=True)
class Query:
    """One named query: its description, parameters and SQL."""

    name: str
    description: str
    params: tuple[Param, ...]
    sql: str


def _query_folder():
    return resources.files("hive") / "queries"


def list_queries() -> list[str]:
    """Names of every query in the kit, sorted."""
    return sorted(entry.name[: -len(".sql")] for entry in _query_folder().iterdir() if entry.name.endswith(".sql"))


def load_query(name: str) -> Query:
    """Load and check the query called ``name``."""
    if name not in list_queries():
        raise QueryError("unknown query %r (known: %s)" % (name, ", ".join(list_queries())))
    text = (_query_folder() / (name + ".sql")).read_text(encoding="utf-8")
    return parse_query(name, text)


def parse_query(name: str, text: str) -> Query:
    """Parse a query file: header comment, then SQL whose placeholders match the params."""
    description, params, body = [], [], []
    in_header = True
    for line in text.splitlines():
        stripped = line.strip()
        if in_header and stripped.startswith("--"):
            match = _PARAM_LINE.fullmatch(stripped)
            if match:
                params.append(_declare(name, match))
            elif stripped.lstrip("-").strip().startswith("param "):
                raise QueryError("%s: cannot read parameter line %r" % (name, stripped))
            else:
                description.append(stripped.lstrip("-").strip())
            continue
        if in_header and not stripped:
            continue
        in_header = False
        body.append(line)
    sql = "\n".join(body).strip().rstrip(";").strip()
    if not sql:
        raise QueryError("%s: no SQL after the header" % name)
    declared = [p.name for p in params]
    if len(set(declared)) != len(declared):
        raise QueryError("%s: a parameter is declared twice" % name)
    used = set(_PLACEHOLDER.findall(sql))
    if used != set(declared):
        raise QueryError(
            "%s: placeholders %s do not match declared params %s"
            % (name, sorted(used), sorted(declared))
        )
    return Query(name, " ".join(d for d in description if d), tuple(params), sql)


def _declare(query: str, match: re.Match) -> Param:
    param = Param(match["name"], match["type"], match["default"], (match["help"] or "").strip())
    if param.type not in PARAM_TYPES:
        raise QueryError("%s: parameter %s has unknown type %s" % (query, param.name, param.type))
    try:
        convert(param, param.default)
    except QueryError as exc:
        raise QueryError("%s: bad default: %s" % (query, exc)) from None
    return param


def convert(param: Param, raw: str, today: datetime.date | None = None) -> Any:
    """Check one raw value against its parameter's type; return the value to bind."""
    if param.type == "INT":
        if not isinstance(raw, str) or not _INT.fullmatch(raw):
            raise QueryError("%s must be a non-negative integer, got %r" % (param.name, raw))
        return int(raw)
    relative = _RELATIVE_DAY.fullmatch(raw) if isinstance(raw, str) else None
    if relative:
        today = today or datetime.datetime.now(datetime.UTC).date()
        return (today - datetime.timedelta(days=int(relative.group(1) or 0))).isoformat()
    try:
        return check_dt(raw)
    except InvalidValue:
        raise QueryError("%s must be a date YYYY-MM-DD or today[-N], got %r" % (param.name, raw)) from None


def bind_params(
    query: Query, given: Mapping[str, str], today: datetime.date | None = None
) -> dict[str, Any]:
    """Checked values for every declared parameter: given ones, else defaults; unknown names fail."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise QueryError(
            "%s takes %s; unknown: %s"
            % (query.name, ", ".join(declared) or "no parameters", ", ".join(unknown))
        )
    return {
        name: convert(param, given.get(name, param.default), today)
        for name, param in declared.items()
    }


def run_query(cursor: Any, query: Query, params: Mapping[str, Any]) -> tuple[list[str], list[tuple]]:
    """Run ``query`` with bound ``params``; return column names and rows."""
    if set(params) != {p.name for p in query.params}:
        raise QueryError("%s: parameters must be exactly %s" % (query.name, [p.name for p in query.params]))
    logger.info("running query %s with %s", query.name, dict(params))
    cursor.execute(query.sql, dict(params))
    return fetch(cursor)


def fetch(cursor: Any) -> tuple[list[str], list[tuple]]:
    """Column names and all rows of the cursor's last result (empty for statements)."""
    if not cursor.description:
        return [], []
    columns = [column[0].split(".")[-1] for column in cursor.description]
    try:
        rows = cursor.fetchall()
    except TypeError:
        # Apache Hive answers statements without rows (DDL, USE, MSCK) with
        # no description at all; the Spark Thrift Server, which some clusters
        # run as their HiveServer2, with a "Result" column but no column
        # data, which PyHive 0.7 fails to page through.
        return [], []
    return columns, [tuple(row) for row in rows]
