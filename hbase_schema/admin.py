"""Create and describe the HBase tables, idempotently, through a connection.

``create_tables`` creates missing tables, pre-splits tables that lack the
salt split points, and reports (never fixes) families that drifted from the
spec: it never drops, disables or alters a table. Thrift1 has no split call,
so splitting is delegated to a ``splitter({full_table_name: split_keys})``
(see ``hbase_schema.presplit``), called once for all tables that need it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from hbase_schema import keys
from hbase_schema.errors import AlreadyExists

logger = logging.getLogger(__name__)

# {full HBase table name: split keys that do not start a region yet}
Splitter = Callable[[dict[str, list[bytes]]], None]
Specs = Mapping[str, Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class Drift:
    """One difference between a live table and its spec."""

    table: str
    family: str
    option: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        if self.option == "family":
            return "%s: family %s is %s, spec says %s" % (
                self.table, self.family, self.actual, self.expected)
        return "%s: family %s %s is %r, spec says %r" % (
            self.table, self.family, self.option, self.actual, self.expected)


@dataclass
class CreateReport:
    """What ``create_tables`` did and found."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)


@dataclass
class TableState:
    """A live table as ``describe`` sees it."""

    name: str
    exists: bool
    families: dict[str, dict[str, Any]] = field(default_factory=dict)
    regions: int = 0
    drift: list[Drift] = field(default_factory=list)


def create_tables(
    connection: Any,
    specs: Specs,
    buckets: int,
    splitter: Splitter | None = None,
) -> CreateReport:
    """Create missing tables, pre-split them, and report drifted families."""
    report = CreateReport()
    points = keys.split_points(buckets)
    existing = {_text(name) for name in connection.tables()}
    to_split: dict[str, list[bytes]] = {}
    for name, families in specs.items():
        if name in existing:
            report.existing.append(name)
            live = _live_families(connection.table(name))
            report.drift.extend(compare_families(name, families, live))
        else:
            try:
                connection.create_table(name, {f: dict(o) for f, o in families.items()})
                logger.info("created table %s", full_table_name(connection, name))
                report.created.append(name)
            except AlreadyExists:
                # Another process created it between our list and our create.
                report.existing.append(name)
        missing = missing_split_points(connection.table(name).regions(), points)
        if missing:
            to_split[name] = missing
    if to_split and splitter is None:
        logger.warning("tables %s are not pre-split (no splitter given)", ", ".join(to_split))
    elif to_split:
        splitter({full_table_name(connection, n): k for n, k in to_split.items()})
        report.split.extend(to_split)
    for drift in report.drift:
        logger.warning("drift: %s", drift)
    return report


def describe(connection: Any, specs: Specs) -> list[TableState]:
    """Families, region count and drift of every table in ``specs``."""
    existing = {_text(name) for name in connection.tables()}
    states = []
    for name, families in specs.items():
        if name not in existing:
            states.append(TableState(name, exists=False))
            continue
        table = connection.table(name)
        live = _live_families(table)
        states.append(TableState(
            name, exists=True, families=live, regions=len(table.regions()),
            drift=compare_families(name, families, live),
        ))
    return states


def compare_families(
    table: str,
    spec: Mapping[str, Mapping[str, Any]],
    live: Mapping[str, Mapping[str, Any]],
) -> list[Drift]:
    """Differences between a table's live families and its spec."""
    drift = []
    for family, options in spec.items():
        if family not in live:
            drift.append(Drift(table, family, "family", "present", "missing"))
            continue
        for option, expected in options.items():
            actual = live[family].get(option)
            if _normal(actual) != _normal(expected):
                drift.append(Drift(table, family, option, expected, _normal(actual)))
    for family in live:
        if family not in spec:
            drift.append(Drift(table, family, "family", "absent", "present"))
    return drift


def missing_split_points(regions: list[Mapping[str, Any]], points: list[bytes]) -> list[bytes]:
    """Split points that are not yet the start key of a region."""
    starts = {bytes(region["start_key"]) for region in regions}
    return [point for point in points if point not in starts]


def full_table_name(connection: Any, name: str) -> str:
    """The table's name in HBase, with the connection's table prefix."""
    prefix = connection.table_prefix
    if prefix is None:
        return name
    return _text(prefix) + _text(connection.table_prefix_separator) + name


def _live_families(table: Any) -> dict[str, dict[str, Any]]:
    return {
        _text(family): {option: _normal(value) for option, value in options.items()}
        for family, options in table.families().items()
    }


def _normal(value: Any) -> Any:
    return _text(value) if isinstance(value, bytes) else value


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
