"""UTC calendar arithmetic of the contract: ISO 8601 times to epoch
milliseconds and back, and when a landing hour starts.

Integer arithmetic on proleptic Gregorian days (no ``datetime`` objects,
no time zones): the parser calls it for every line, and every runner must
agree to the millisecond.
"""

from __future__ import annotations

import functools
import re

from mapreduce.contract import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE

_ISO_MATCH = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)",
    re.ASCII,
).fullmatch
_DATE_MATCH = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII).fullmatch
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def landing_hour_start_ms(dt: str, hour: int) -> int:
    """Return the UTC epoch milliseconds at which landing hour ``dt``/``hour`` starts."""
    ymd = parse_date(dt)
    if ymd is None:
        raise ValueError("bad landing date %r (want YYYY-MM-DD)" % (dt,))
    if type(hour) is not int or not 0 <= hour <= 23:
        raise ValueError("bad landing hour %r (want 0-23)" % (hour,))
    return _days_from_civil(*ymd) * MS_PER_DAY + hour * MS_PER_HOUR


def parse_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a real YYYY-MM-DD date, or None."""
    match = _DATE_MATCH(text)
    if match is None:
        return None
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if not _valid_date(year, month, day):
        return None
    return year, month, day


def _valid_date(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month]:
        return False
    if month == 2 and day == 29:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


def _days_from_civil(year: int, month: int, day: int) -> int:
    # Proleptic Gregorian day number, 0 = 1970-01-01 (H. Hinnant's algorithm).
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


@functools.lru_cache(maxsize=4096)
def _day_text(days: int) -> str:
    return "%04d-%02d-%02d" % _civil_from_days(days)


def format_date(event_ms: int) -> str:
    """Return the UTC date 'YYYY-MM-DD' of epoch milliseconds."""
    return _day_text(event_ms // MS_PER_DAY)


def format_time(event_ms: int) -> str:
    """Return epoch milliseconds as ISO 8601 UTC with milliseconds and 'Z'."""
    days, ms = divmod(event_ms, MS_PER_DAY)
    seconds, millis = divmod(ms, 1000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return "%sT%02d:%02d:%02d.%03dZ" % (_day_text(days), hour, minute, second, millis)


def iso_to_ms(text: str) -> int | None:
    """Return epoch ms of an ISO 8601 time with an explicit offset, or None if it is not one."""
    # Fast paths for the common 'YYYY-MM-DDThh:mm:ss.fffZ' and
    # 'YYYY-MM-DDThh:mm:ss.fff+hh:mm'; same rules as below.
    size = len(text)
    if (size == 24 or size == 29) and text[16] == ":" and text[19] == "." and text.isascii():
        seconds, millis = text[17:19], text[20:23]
        if seconds.isdigit() and millis.isdigit() and seconds < "60":
            if size == 24:
                if text[23] == "Z":
                    minute_ms = _minute_start_ms(text[:16])
                    if minute_ms is not None:
                        return minute_ms + int(seconds + millis)
            elif text[23] in "+-" and text[26] == ":":
                off_hours, off_minutes = text[24:26], text[27:29]
                if off_hours.isdigit() and off_minutes.isdigit() and off_hours < "24" and off_minutes < "60":
                    minute_ms = _minute_start_ms(text[:16])
                    if minute_ms is not None:
                        offset = int(off_hours) * MS_PER_HOUR + int(off_minutes) * MS_PER_MINUTE
                        return minute_ms + int(seconds + millis) + (-offset if text[23] == "+" else offset)
    return _iso_to_ms_general(text)


@functools.lru_cache(maxsize=65536)
def _minute_start_ms(text: str) -> int | None:
    # 'YYYY-MM-DDThh:mm' -> epoch ms; cached because a landing's events share
    # a few thousand distinct minutes.
    return _iso_to_ms_general(text + "Z")


def _iso_to_ms_general(text: str) -> int | None:
    match = _ISO_MATCH(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
    year, month, day = int(year), int(month), int(day)
    hour, minute = int(hour), int(minute)
    second = int(second) if second else 0
    if not _valid_date(year, month, day) or hour > 23 or minute > 59 or second > 59:
        return None
    ms = (
        _days_from_civil(year, month, day) * MS_PER_DAY
        + hour * MS_PER_HOUR
        + minute * MS_PER_MINUTE
        + second * 1000
    )
    if fraction:
        ms += int((fraction + "00")[:3])
    if sign:
        off_hours, off_minutes = int(off_h), int(off_m) if off_m else 0
        if off_hours > 23 or off_minutes > 59:
            return None
        offset = off_hours * MS_PER_HOUR + off_minutes * MS_PER_MINUTE
        ms += -offset if sign == "+" else offset
    return ms
