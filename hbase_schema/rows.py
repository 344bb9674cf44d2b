"""Turn one pipeline record into one HBase row: key, cells and cell timestamp.

Pure functions; the layout of each table comes from ``hbase_schema.tables``
and every key from ``hbase_schema.keys``. Cell values are the column's text
exactly as in the pipeline's TSV after unescaping, UTF-8; null is ``b""``.
Cell timestamps come from the data (see the layout contract), so loading the
same input twice rewrites the same cells instead of adding versions.
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass
from typing import Mapping

from hbase_schema import keys
from hbase_schema.tables import Layout

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_MS = datetime.timedelta(milliseconds=1)
_HOUR_MS = 3600 * 1000
_DAY_MS = 24 * _HOUR_MS


@dataclass(frozen=True)
class Row:
    """One row to write: key, ``{b"family:qualifier": value}`` and timestamp (ms)."""

    key: bytes
    cells: dict[bytes, bytes]
    timestamp: int


def build_row(
    layout: Layout,
    record: Mapping[str, str | None],
    day: datetime.date | None,
    buckets: int = 16,
) -> Row:
    """The HBase row of one record; ``day`` is the partition's dt (daily tables)."""
    entity_id = record.get(layout.id_column)
    if not entity_id:
        raise ValueError("%s is empty" % layout.id_column)
    if layout.key_kind == "summary":
        key = keys.summary_key(entity_id, buckets)
        timestamp = hour_start_ms(parse_time_ms(_required(record, "as_of")))
    elif layout.key_kind == "daily":
        if day is None:
            raise ValueError("daily rows need the partition day")
        key = keys.daily_key(entity_id, day, buckets)
        timestamp = day_start_ms(day)
    elif layout.key_kind == "event":
        event_ms = parse_time_ms(_required(record, "event_time"))
        key = keys.event_key(entity_id, event_ms, _required(record, "event_id"), buckets)
        # The event's day, not its millisecond: Thrift1 takes one timestamp
        # per call, so a day's events share one and load in batches; the
        # 90-day TTL is still measured from the event's own day.
        timestamp = event_ms - event_ms % _DAY_MS
    else:
        raise ValueError("unknown key kind %r" % layout.key_kind)
    cells = {
        qualifier: _value(record.get(column)) for column, qualifier in _qualifiers(layout)
    }
    if layout.exploded_column:
        cells.update(exploded_cells(layout.exploded_family or "",
                                    record.get(layout.exploded_column)))
    return Row(key, cells, timestamp)


def exploded_cells(family: str, text: str | None) -> dict[bytes, bytes]:
    """One cell per entry of a JSON object column: qualifier = key, value = JSON."""
    if text is None:
        return {}
    try:
        mapping = json.loads(text)
    except ValueError:
        raise ValueError("column is not valid JSON: %.60r" % text) from None
    if not isinstance(mapping, dict):
        raise ValueError("column is not a JSON object: %.60r" % text)
    prefix = family.encode("ascii") + b":"
    cells = {}
    for name, value in mapping.items():
        if not name:
            raise ValueError("JSON object has an empty key")
        cells[prefix + name.encode("utf-8")] = json.dumps(
            value, separators=(",", ":"), sort_keys=True, ensure_ascii=False
        ).encode("utf-8")
    return cells


def parse_time_ms(text: str) -> int:
    """Epoch milliseconds of an ISO 8601 time with an offset (``...Z``)."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("not an ISO 8601 time: %.40r" % text) from None
    if moment.tzinfo is None:
        raise ValueError("time has no UTC offset: %.40r" % text)
    return (moment - _EPOCH) // _MS


def hour_start_ms(ms: int) -> int:
    """Start of the UTC hour that contains ``ms``."""
    return ms - ms % _HOUR_MS


def day_start_ms(day: datetime.date) -> int:
    """Midnight UTC of ``day`` in epoch milliseconds."""
    return (datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc)
            - _EPOCH) // _MS


@functools.lru_cache(maxsize=None)
def _qualifiers(layout: Layout) -> tuple[tuple[str, bytes], ...]:
    prefix = layout.family.encode("ascii") + b":"
    return tuple((column, prefix + column.encode("ascii")) for column in layout.value_columns)


def _required(record: Mapping[str, str | None], column: str) -> str:
    value = record.get(column)
    if not value:
        raise ValueError("%s is empty" % column)
    return value


def _value(text: str | None) -> bytes:
    return b"" if text is None else text.encode("utf-8")
