"""One HBase read per request: build the key or range, fetch, then shape.

Every function does exactly one ``row``/``rows`` get or one bounded scan
(``row_start``/``row_stop`` from ``hbase_schema.keys``, ``limit`` of one
page plus one row) inside ``HBase.call``, and shapes the result outside it.
Listing endpoints (daily, events) are a scan alone, so an unknown id lists
as an empty page rather than a 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import NotFound

from api import filters, shapes
from api.hbase import HBase, HBaseUnavailable
from api.paging import PageTokens, split_page
from hbase_schema import keys
from hbase_schema.tables import LAYOUTS, TABLES

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def member_summary(hbase: HBase, member_id: str) -> dict[str, Any]:
    """A member's lifetime summary; 404 if there is none."""
    layout = LAYOUTS["member_summary"]
    cells = _get(hbase, layout.table, keys.summary_key(member_id, hbase.buckets), [layout.family])
    if not cells:
        raise NotFound("No member with id %r." % member_id)
    return shapes.member_summary(member_id, cells)


def member_devices(hbase: HBase, member_id: str) -> dict[str, Any]:
    """A member's devices; 404 if the member is unknown."""
    layout = LAYOUTS["member_summary"]
    columns = [layout.exploded_family, layout.family + ":as_of"]
    cells = _get(hbase, layout.table, keys.summary_key(member_id, hbase.buckets), columns)
    if not cells:
        raise NotFound("No member with id %r." % member_id)
    return shapes.member_devices(member_id, cells)


def device_summary(hbase: HBase, device_id: str) -> dict[str, Any]:
    """A device's lifetime summary; 404 if there is none."""
    layout = LAYOUTS["device_summary"]
    cells = _get(hbase, layout.table, keys.summary_key(device_id, hbase.buckets), [layout.family])
    if not cells:
        raise NotFound("No device with id %r." % device_id)
    return shapes.device_summary(device_id, cells)


def member_summaries(hbase: HBase, member_ids: Iterable[str]) -> dict[str, Any]:
    """The summaries of many members in one multi-get, and the missing ids."""
    layout = LAYOUTS["member_summary"]
    found = _get_many(hbase, layout.table, member_ids, [layout.family])
    return _batch(found, lambda member_id, cells: shapes.member_summary(member_id, cells))


def device_summaries(hbase: HBase, device_ids: Iterable[str]) -> dict[str, Any]:
    """The summaries of many devices in one multi-get, and the missing ids."""
    layout = LAYOUTS["device_summary"]
    found = _get_many(hbase, layout.table, device_ids, [layout.family])
    return _batch(found, lambda device_id, cells: shapes.device_summary(device_id, cells))


def member_daily(
    hbase: HBase,
    tokens: PageTokens,
    member_id: str,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    page_size: int,
    page_token: str | None = None,
) -> dict[str, Any]:
    """One page of a member's daily rollups, newest first."""
    row_start, row_stop = keys.daily_range(member_id, start, end, hbase.buckets)
    scope = _scope("member_daily", member_id, start, end)
    page = _scan_page(hbase, tokens, LAYOUTS["member_daily"], scope, row_start, row_stop,
                      page_size, page_token, shapes.member_day)
    return {"member_id": member_id, **page}


def device_daily(
    hbase: HBase,
    tokens: PageTokens,
    device_id: str,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    page_size: int,
    page_token: str | None = None,
) -> dict[str, Any]:
    """One page of a device's daily rollups, newest first."""
    row_start, row_stop = keys.daily_range(device_id, start, end, hbase.buckets)
    scope = _scope("device_daily", device_id, start, end)
    page = _scan_page(hbase, tokens, LAYOUTS["device_daily"], scope, row_start, row_stop,
                      page_size, page_token, shapes.device_day)
    return {"device_id": device_id, **page}


def member_events(
    hbase: HBase,
    tokens: PageTokens,
    member_id: str,
    *,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    event_type: str | None = None,
    page_size: int,
    page_token: str | None = None,
) -> dict[str, Any]:
    """One page of a member's events (start inclusive, end exclusive), newest first."""
    layout = LAYOUTS["member_events"]
    start_ms = None if start is None else min(max(_ceil_ms(start), 0), keys.MS_MAX + 1)
    end_ms = None if end is None else min(max(_ceil_ms(end), 0), keys.MS_MAX + 1)
    if end_ms == 0 or (start_ms is not None and end_ms is not None and start_ms >= end_ms):
        return {"member_id": member_id, "items": []}
    row_start, row_stop = keys.event_range(member_id, start_ms, end_ms, hbase.buckets)
    scope = _scope("member_events", member_id, start_ms, end_ms, event_type)
    row_filter = None
    if event_type is not None:
        row_filter = filters.column_equals(layout.family, "event_type", event_type)
    page = _scan_page(hbase, tokens, layout, scope, row_start, row_stop,
                      page_size, page_token, shapes.member_event, row_filter)
    return {"member_id": member_id, **page}


def check_tables(hbase: HBase) -> None:
    """Raise ``HBaseUnavailable`` unless HBase answers and lists every table."""
    names = hbase.call(lambda connection: connection.tables())
    present = {name.decode("utf-8") if isinstance(name, bytes) else name for name in names}
    missing = [table for table in TABLES if table not in present]
    if missing:
        raise HBaseUnavailable("HBase lacks the tables %s." % ", ".join(missing))


def _get(hbase: HBase, table: str, key: bytes, columns: list[str]) -> dict[bytes, bytes]:
    wanted = [column.encode("ascii") for column in columns]
    return hbase.call(lambda connection: connection.table(table).row(key, columns=wanted))


def _get_many(
    hbase: HBase, table: str, ids: Iterable[str], columns: list[str]
) -> dict[str, dict[bytes, bytes] | None]:
    """Every id (in order, once) -> its cells, or None when it has no row."""
    by_key = {keys.summary_key(entity_id, hbase.buckets): entity_id for entity_id in ids}
    wanted = [column.encode("ascii") for column in columns]
    rows = hbase.call(
        lambda connection: connection.table(table).rows(list(by_key), columns=wanted)
    )
    found = dict(rows)
    return {entity_id: found.get(key) or None for key, entity_id in by_key.items()}


def _batch(
    found: dict[str, dict[bytes, bytes] | None], shape: Callable[[str, Any], dict]
) -> dict[str, Any]:
    return {
        "items": [shape(entity_id, cells) for entity_id, cells in found.items() if cells],
        "missing_ids": [entity_id for entity_id, cells in found.items() if not cells],
    }


def _scan_page(
    hbase: HBase,
    tokens: PageTokens,
    layout: Any,
    scope: str,
    row_start: bytes,
    row_stop: bytes,
    page_size: int,
    page_token: str | None,
    shape: Callable[[bytes, Any], dict],
    row_filter: bytes | None = None,
) -> dict[str, Any]:
    if page_token is not None:
        row_start = tokens.resume_key(page_token, scope, row_start, row_stop)
    if row_start >= row_stop:
        # An empty range: HBase 1.x would read start == stop as a get.
        return {"items": []}
    columns = [layout.family.encode("ascii")]
    rows = hbase.call(lambda connection: list(connection.table(layout.table).scan(
        row_start=row_start, row_stop=row_stop, columns=columns,
        filter=row_filter, limit=page_size + 1,
    )))
    items, next_key = split_page(rows, page_size)
    page: dict[str, Any] = {"items": [shape(key, cells) for key, cells in items]}
    if next_key is not None:
        page["next_page_token"] = tokens.issue(scope, next_key)
    return page


def _scope(*parts: Any) -> str:
    return "|".join("" if part is None else str(part) for part in parts)


def _ceil_ms(moment: datetime.datetime) -> int:
    """Epoch ms of the first whole millisecond at or after ``moment``."""
    micros = (moment - _EPOCH) // datetime.timedelta(microseconds=1)
    return -(-micros // 1000)

