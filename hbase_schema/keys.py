"""Row keys of every HBase table: built and parsed here and nowhere else.

Keys are printable ASCII so that HBase's ImportTsv can bulk-load them:

    summary key   salt + id
    entity prefix salt + id + SEP
    daily key     prefix + 8-digit reversed yyyymmdd          (newest first)
    event key     prefix + 13-digit reversed epoch ms + SEP + event_id

The salt is two lowercase hex digits of ``crc32(id) % buckets``; it spreads
sequential ids over the regions that tables are pre-split into at
``split_points(buckets)``. ``SEP`` is in no id alphabet of the input
contract, so one entity's prefix never matches another entity's keys.
"""

from __future__ import annotations

import datetime
import zlib

SEP = b"|"
# The byte after SEP: prefix + _AFTER_SEP is the first key past an entity.
_AFTER_SEP = bytes([SEP[0] + 1])
_DAY_MAX = 99999999
# The largest event time a key holds (13 digits of epoch milliseconds).
MS_MAX = 9999999999999
# Salt buckets: the default, and the most the two hex digits of a salt can tell apart.
DEFAULT_BUCKETS = 16
MAX_BUCKETS = 256


def bucket(entity_id: str, buckets: int = DEFAULT_BUCKETS) -> int:
    """The salt bucket of an entity id."""
    _check_buckets(buckets)
    return zlib.crc32(entity_id.encode("utf-8")) % buckets


def summary_key(entity_id: str, buckets: int = DEFAULT_BUCKETS) -> bytes:
    """Row key of an entity's summary row."""
    return _salt(entity_id, buckets) + _id_bytes(entity_id)


def entity_prefix(entity_id: str, buckets: int = DEFAULT_BUCKETS) -> bytes:
    """Prefix shared by all daily and event rows of an entity."""
    return summary_key(entity_id, buckets) + SEP


def daily_key(entity_id: str, day: datetime.date, buckets: int = DEFAULT_BUCKETS) -> bytes:
    """Row key of an entity's rollup for one day."""
    return entity_prefix(entity_id, buckets) + _reversed_day(day)


def parse_daily_key(key: bytes) -> tuple[str, datetime.date]:
    """The entity id and day of a daily key."""
    parts = _split(key, 2, "daily")
    entity_id, reversed_day = parts
    if len(reversed_day) != 8 or not reversed_day.isdigit():
        raise ValueError("not a daily key: %r" % key)
    try:
        day = datetime.datetime.strptime(
            "%08d" % (_DAY_MAX - int(reversed_day)), "%Y%m%d"
        ).date()
    except ValueError:
        raise ValueError("not a daily key: %r" % key) from None
    return entity_id, day


def daily_range(
    entity_id: str,
    start: datetime.date | None,
    end: datetime.date | None,
    buckets: int = DEFAULT_BUCKETS,
) -> tuple[bytes, bytes]:
    """(row_start, row_stop) scanning days end..start inclusive, newest first."""
    if start is not None and end is not None and start > end:
        raise ValueError("start %s is after end %s" % (start, end))
    prefix = entity_prefix(entity_id, buckets)
    row_start = prefix if end is None else prefix + _reversed_day(end)
    if start is None:
        row_stop = prefix[:-1] + _AFTER_SEP
    else:
        row_stop = prefix + b"%08d" % (_DAY_MAX - _yyyymmdd(start) + 1)
    return row_start, row_stop


def event_key(member_id: str, event_ms: int, event_id: str, buckets: int = DEFAULT_BUCKETS) -> bytes:
    """Row key of one member event; a re-landed copy maps to the same key."""
    if not 0 <= event_ms <= MS_MAX:
        raise ValueError("event time out of range: %r ms" % event_ms)
    return (
        entity_prefix(member_id, buckets)
        + b"%013d" % (MS_MAX - event_ms)
        + SEP
        + _id_bytes(event_id)
    )


def parse_event_key(key: bytes) -> tuple[str, int, str]:
    """The member id, event time (epoch ms) and event id of an event key."""
    member_id, reversed_ms, event_id = _split(key, 3, "event")
    if len(reversed_ms) != 13 or not reversed_ms.isdigit() or not event_id:
        raise ValueError("not an event key: %r" % key)
    return member_id, MS_MAX - int(reversed_ms), event_id


def event_range(
    member_id: str,
    start_ms: int | None,
    end_ms: int | None,
    buckets: int = DEFAULT_BUCKETS,
) -> tuple[bytes, bytes]:
    """(row_start, row_stop) for events with start_ms <= time < end_ms, newest first."""
    for name, value, low in (("start", start_ms, 0), ("end", end_ms, 1)):
        if value is not None and not low <= value <= MS_MAX + 1:
            raise ValueError("%s time out of range: %r ms" % (name, value))
    if start_ms is not None and end_ms is not None and start_ms >= end_ms:
        raise ValueError("start %d ms is not before end %d ms" % (start_ms, end_ms))
    prefix = entity_prefix(member_id, buckets)
    # Keys ascend as time descends: the newest included event is end_ms - 1.
    if end_ms is None or end_ms > MS_MAX:
        row_start = prefix
    else:
        row_start = prefix + b"%013d" % (MS_MAX - end_ms + 1)
    if start_ms is None or start_ms == 0:
        row_stop = prefix[:-1] + _AFTER_SEP
    else:
        row_stop = prefix + b"%013d" % (MS_MAX - start_ms + 1)
    return row_start, row_stop


def split_points(buckets: int = DEFAULT_BUCKETS) -> list[bytes]:
    """Region boundaries that give each salt bucket its own region."""
    _check_buckets(buckets)
    return [b"%02x" % i for i in range(1, buckets)]


def _salt(entity_id: str, buckets: int) -> bytes:
    return b"%02x" % bucket(entity_id, buckets)


def _id_bytes(value: str) -> bytes:
    raw = value.encode("utf-8")
    if not raw or SEP in raw:
        raise ValueError("id must be non-empty and free of %r: %r" % (SEP, value))
    return raw


def _reversed_day(day: datetime.date) -> bytes:
    return b"%08d" % (_DAY_MAX - _yyyymmdd(day))


def _yyyymmdd(day: datetime.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _split(key: bytes, parts: int, kind: str) -> list[str]:
    salt, rest = key[:2], key[2:]
    if len(salt) != 2 or any(c not in b"0123456789abcdef" for c in salt):
        raise ValueError("not a %s key: %r" % (kind, key))
    fields = rest.split(SEP)
    if len(fields) != parts or not fields[0]:
        raise ValueError("not a %s key: %r" % (kind, key))
    try:
        return [field.decode("utf-8") for field in fields]
    except UnicodeDecodeError:
        raise ValueError("not a %s key: %r" % (kind, key)) from None


def _check_buckets(buckets: int) -> None:
    if not 1 <= buckets <= MAX_BUCKETS:
        raise ValueError("buckets must be 1..%d, got %r" % (MAX_BUCKETS, buckets))
