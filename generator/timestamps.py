"""Rendering event times the ways devices send them.

Devices report ``ts`` as ISO 8601 with ``Z``, with ``+00:00`` or with their
local offset, with or without milliseconds, or as integer epoch milliseconds.
The formatting here is hand-rolled because it runs once per event and
``datetime.isoformat`` is several times slower.
"""

from __future__ import annotations

import datetime as dt
import logging

logger = logging.getLogger(__name__)

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
MINUTE_MS = 60_000

# The contract's window (mapreduce.contract): landing_hour_start - WINDOW_BEFORE_MS
# <= t < landing_hour_end + EARLY_ALLOWANCE_MS.

# Time formats a device may use.
ISO_Z_MS = 0  # 2026-11-27T08:15:00.123Z
ISO_LOCAL_MS = 1  # 2026-11-27T09:15:00.123+01:00
ISO_LOCAL_S = 2  # 2026-11-27T09:15:00+01:00 (milliseconds dropped)
EPOCH_MS = 3  # 1795767300123
ISO_UTC_OFFSET_MS = 4  # 2026-11-27T08:15:00.123+00:00
FORMATS = (ISO_Z_MS, ISO_LOCAL_MS, ISO_LOCAL_S, EPOCH_MS, ISO_UTC_OFFSET_MS)

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_minutes: dict[int, str] = {}  # minute since epoch -> "YYYY-MM-DDTHH:MM:"
_offsets: dict[int, str] = {}


def day_start_ms(day: dt.date) -> int:
    """Epoch milliseconds of ``day`` at 00:00 UTC."""
    return (day.toordinal() - _EPOCH_ORDINAL) * DAY_MS


def drops_millis(fmt: int) -> bool:
    """Whether ``fmt`` loses the milliseconds of the time it renders."""
    return fmt == ISO_LOCAL_S


def offset_suffix(offset_min: int) -> str:
    """``+hh:mm``/``-hh:mm`` for an offset in minutes."""
    suffix = _offsets.get(offset_min)
    if suffix is None:
        sign = "-" if offset_min < 0 else "+"
        hours, minutes = divmod(abs(offset_min), 60)
        suffix = _offsets[offset_min] = "%s%02d:%02d" % (sign, hours, minutes)
    return suffix


def iso(ms: int, offset_min: int = 0, *, millis: bool = True, zulu: bool = True) -> str:
    """ISO 8601 text for epoch ``ms`` shown at ``offset_min`` from UTC."""
    minute, in_minute = divmod(ms + offset_min * MINUTE_MS, MINUTE_MS)
    text = _minutes.get(minute) or _minute_text(minute)
    suffix = "Z" if zulu and offset_min == 0 else offset_suffix(offset_min)
    if millis:
        return "%s%02d.%03d%s" % (text, in_minute // 1000, in_minute % 1000, suffix)
    return "%s%02d%s" % (text, in_minute // 1000, suffix)


def _minute_text(minute: int) -> str:
    if len(_minutes) > 100_000:
        _minutes.clear()
    days, of_day = divmod(minute, 1440)
    date = dt.date.fromordinal(_EPOCH_ORDINAL + days).isoformat()
    text = _minutes[minute] = "%sT%02d:%02d:" % (date, of_day // 60, of_day % 60)
    return text


def render(ms: int, fmt: int, offset_min: int) -> str | int:
    """The ``ts`` value for epoch ``ms`` in device format ``fmt``."""
    if fmt == EPOCH_MS:
        return ms
    if fmt == ISO_Z_MS or fmt == ISO_UTC_OFFSET_MS:
        offset_min = 0
    minute, in_minute = divmod(ms + offset_min * MINUTE_MS, MINUTE_MS)
    text = _minutes.get(minute) or _minute_text(minute)
    if fmt == ISO_Z_MS:
        return "%s%02d.%03dZ" % (text, in_minute // 1000, in_minute % 1000)
    suffix = _offsets.get(offset_min) or offset_suffix(offset_min)
    if fmt == ISO_LOCAL_S:
        return "%s%02d%s" % (text, in_minute // 1000, suffix)
    return "%s%02d.%03d%s" % (text, in_minute // 1000, in_minute % 1000, suffix)
