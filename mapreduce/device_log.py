"""The raw device log contract (device-log v1) as pure functions.

``parse_line`` judges one raw line against the spec and returns exactly one
outcome: ``None`` (blank line), an ``Event`` or a ``Rejection`` whose reason
is the first that applies in ``REJECT_REASONS`` order. ``event_row`` and
``quarantine_row`` turn outcomes into rows of the ``events`` and
``quarantine`` datasets (``mapreduce.records``).

Decisions where the spec leaves room (the spec wins wherever it speaks):

- One trailing ``\\r`` is stripped before anything else; the size limit is
  measured after that, on the raw bytes (a BOM counts).
- A UTF-8 byte order mark at the start of a line is stripped and the line
  judged as usual. Blank means empty or only ASCII whitespace (a lone BOM
  is blank too).
- JSON is parsed with orjson; only when orjson refuses a line is it parsed
  again with the stdlib ``json`` (NaN/Infinity refused), so that what orjson
  cannot represent (integers past 64 bits, ``1e400``, lone surrogate escapes)
  is judged by the field rules instead of being called malformed. JSON
  nested deeper than the parsers allow is malformed.
- ``ts``: an integer (or integral float) is epoch milliseconds; a string
  must be ``YYYY-MM-DD[T|t| ]hh:mm[:ss[.fraction]]`` followed by an explicit
  offset ``Z``/``z``, ``+hh:mm``, ``+hhmm`` or ``+hh`` (``-`` too).
  Fractions are truncated to milliseconds; leap seconds and ``24:00`` are
  not accepted. A ``ts`` that is neither string nor number is
  ``bad_value``; a string or number that is no timestamp, or one outside
  ``[landing_start - 7 days, landing_start + 1 h + 15 min)``, is
  ``bad_timestamp``. The window applies to integer ``ts`` of any size.
- ``null`` for an optional field or attr means absent; for a required one it
  is ``missing_field``. Unknown fields and attrs are ignored entirely.
- What each event type's attrs must hold, and how they are normalized, is
  ``mapreduce.event_attrs``.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any, NamedTuple

import orjson

from mapreduce.contract import (
    DEVICE_ID_RE,
    DEVICE_TYPES,
    EVENT_TYPES,
    MAX_LINE_BYTES,
    MEMBER_EVENT_TYPES,
    MEMBER_ID_RE,
    MS_PER_DAY,
    WINDOW_AFTER_MS,
    WINDOW_BEFORE_MS,
)
from mapreduce.event_attrs import NORMALIZERS, missing_attr
from mapreduce.records import EVENT_COLUMNS
from mapreduce.utc import format_date, format_time, iso_to_ms, parse_date


_BOM = b"\xef\xbb\xbf"
_INF = float("inf")

_ID_MATCH = re.compile(MEMBER_ID_RE).fullmatch
_DEVICE_ID_MATCH = re.compile(DEVICE_ID_RE).fullmatch
_LANDING_FINDALL = re.compile(r"(?:^|/)dt=([^/]*)/hour=([^/]*)(?=/|$)").findall
_HOUR_MATCH = re.compile(r"\d{2}", re.ASCII).fullmatch

_DEVICE_TYPE_SET = frozenset(DEVICE_TYPES)
_EVENT_TYPE_SET = frozenset(EVENT_TYPES)
_MEMBER_TYPE_SET = frozenset(MEMBER_EVENT_TYPES)
_REQUIRED_FIELDS = ("event_id", "device_id", "device_type", "event_type", "ts")
_EMPTY: dict = {}
_BLANK = object()


class Rejection(NamedTuple):
    """Why a line was rejected: a reason from REJECT_REASONS and a short detail."""

    reason: str
    detail: str


class Event(NamedTuple):
    """One accepted event with its attrs normalized per event type."""

    event_id: str
    device_id: str
    device_type: str
    event_type: str
    member_id: str | None
    event_ms: int
    attrs: dict[str, Any]


Outcome = Event | Rejection | None


# --- landing hours -----------------------------------------------------------


def landing_hour_from_path(path: str) -> tuple[str, int]:
    """Return (dt, hour) of the last ``dt=YYYY-MM-DD/hour=HH`` folder pair in a path or URI."""
    pairs = _LANDING_FINDALL(path)
    if not pairs:
        raise ValueError("no dt=YYYY-MM-DD/hour=HH folders in path %r" % path)
    dt, hour = pairs[-1]
    if parse_date(dt) is None:
        raise ValueError("bad landing date %r in path %r" % (dt, path))
    if not _HOUR_MATCH(hour) or int(hour) > 23:
        raise ValueError("bad landing hour %r (want 00-23) in path %r" % (hour, path))
    return dt, int(hour)


def landing_source_name(path: str) -> str:
    """The file's name relative to the landing root: ``dt=.../hour=.../<name>``.

    Runners name the same input differently (a path, a ``file:`` URI, an
    ``hdfs://`` URI); the part from the landing folders on is the same
    everywhere, so outputs that record it are identical on every runner.
    """
    index = path.rfind("/dt=")
    return path if index < 0 else path[index + 1:]


# --- parsing -----------------------------------------------------------------


def parse_line(line: bytes, landing_start_ms: int) -> Outcome:
    """Judge one raw line (without its '\\n'): None if blank, else an Event or a Rejection."""
    obj = _json_of(line)
    if obj is _BLANK:
        return None
    if type(obj) is Rejection:
        return obj
    if type(obj) is not dict:
        return Rejection("malformed", "JSON value is not an object")
    return _judge(obj, landing_start_ms)


def event_keys_of(line: bytes, landing_start_ms: int) -> tuple[str, str, str | None, int] | None:
    """``(event_id, device_id, member_id, event_ms)`` of the Event ``parse_line``
    would return, without the checks that cannot change them.

    For every line ``parse_line`` accepts, these are its Event's; for some
    lines it rejects (an unknown event type, bad attrs), they are what the
    line holds; for the rest, None. About a third of a parse's cost: no
    attrs, no id patterns.
    """
    obj = _json_of(line)
    if type(obj) is not dict:
        return None
    get = obj.get
    event_id, device_id, member_id, ts = get("event_id"), get("device_id"), get("member_id"), get("ts")
    ts_type = type(ts)
    if type(event_id) is not str or type(device_id) is not str or (ts_type is not str and ts_type is not int
                                                                       and ts_type is not float):
        return None
    event_ms = _event_ms(ts, ts_type)
    if event_ms is None or not _in_window(event_ms, landing_start_ms):
        return None
    return event_id, device_id, member_id if type(member_id) is str else None, event_ms


def _json_of(line: bytes) -> Any:
    """The line's JSON value, ``_BLANK``, or the Rejection of an oversize or malformed line."""
    if line[-1:] == b"\r":
        line = line[:-1]
    if len(line) > MAX_LINE_BYTES:
        if line.isspace():
            return _BLANK
        return Rejection(
            "oversize", "line is %d bytes, over the %d byte limit" % (len(line), MAX_LINE_BYTES)
        )
    if line[:3] == _BOM:
        line = line[3:]
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        if not line or line.isspace():
            return _BLANK
        return _loads_exactly(line)


def _reject_constant(name: str) -> Any:
    raise ValueError("%s is not a JSON number" % name)


def _parse_big_int(text: str) -> int | float:
    # Integers too long for any int64 become +-inf: no str->int digit limit,
    # and every field rule refuses them.
    if len(text) <= 20:
        return int(text)
    return -_INF if text[0] == "-" else _INF


def _loads_exactly(line: bytes) -> Any:
    # Slow path for what orjson refused: tell invalid UTF-8/JSON from JSON
    # that orjson merely cannot represent.
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection("malformed", "invalid UTF-8 at byte %d" % exc.start)
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=_parse_big_int)
    except RecursionError:
        return Rejection("malformed", "JSON nested too deeply")
    except ValueError as exc:
        return Rejection("malformed", "invalid JSON: %s" % str(exc)[:200])


def _judge(obj: dict, landing_start_ms: int) -> Event | Rejection:
    get = obj.get
    event_id = get("event_id")
    device_id = get("device_id")
    device_type = get("device_type")
    event_type = get("event_type")
    ts = get("ts")
    member_id = get("member_id")
    attrs = get("attrs")
    if attrs is None:
        attrs = _EMPTY

    # missing_field: every presence check comes before any value check.
    if None in (event_id, device_id, device_type, event_type, ts):
        for name in _REQUIRED_FIELDS:
            if get(name) is None:
                return Rejection("missing_field", "%s is required" % name)
    known_type = type(event_type) is str and event_type in _EVENT_TYPE_SET
    if known_type:
        if member_id is None and event_type in _MEMBER_TYPE_SET:
            return Rejection("missing_field", "member_id is required for %s" % event_type)
        if type(attrs) is dict:
            missing = missing_attr(event_type, attrs)
            if missing is not None:
                return Rejection("missing_field", missing)

    # bad_value
    if type(event_id) is not str or not _ID_MATCH(event_id):
        return Rejection("bad_value", "event_id must be 1-64 chars of [A-Za-z0-9_-]")
    if type(device_id) is not str or not _DEVICE_ID_MATCH(device_id):
        return Rejection("bad_value", "device_id must be 1-64 chars of [A-Za-z0-9_.:-]")
    if type(device_type) is not str or device_type not in _DEVICE_TYPE_SET:
        return Rejection("bad_value", "device_type must be one of %s" % ", ".join(DEVICE_TYPES))
    if not known_type:
        return Rejection("bad_value", "event_type must be one of %s" % ", ".join(EVENT_TYPES))
    if member_id is not None and (type(member_id) is not str or not _ID_MATCH(member_id)):
        return Rejection("bad_value", "member_id must be 1-64 chars of [A-Za-z0-9_-]")
    ts_type = type(ts)
    if ts_type is not str and ts_type is not int and ts_type is not float:
        return Rejection("bad_value", "ts must be a string or an integer")
    if type(attrs) is not dict:
        return Rejection("bad_value", "attrs must be an object")
    normalized = NORMALIZERS[event_type](attrs)
    if type(normalized) is str:
        return Rejection("bad_value", normalized)

    # bad_timestamp
    event_ms = _event_ms(ts, ts_type)
    if event_ms is None:
        return Rejection("bad_timestamp", "ts is neither ISO 8601 with an offset nor epoch ms")
    if not _in_window(event_ms, landing_start_ms):
        detail = "ts %s is outside the landing window" % _ts_text(event_ms)
        return Rejection("bad_timestamp", detail)
    return Event(event_id, device_id, device_type, event_type, member_id, event_ms, normalized)


def _in_window(event_ms: int, landing_start_ms: int) -> bool:
    return landing_start_ms - WINDOW_BEFORE_MS <= event_ms < landing_start_ms + WINDOW_AFTER_MS


def _ts_text(event_ms: int) -> str:
    if -(10**15) < event_ms < 10**15:
        return format_time(event_ms)
    return "(epoch ms out of range)"


# --- timestamps --------------------------------------------------------------


def _event_ms(ts: Any, ts_type: type) -> int | None:
    if ts_type is int:
        return ts
    if ts_type is float:
        return int(ts) if ts.is_integer() else None
    return iso_to_ms(ts)


# --- rows --------------------------------------------------------------------

# The attrs' columns, as records.EVENT_COLUMNS orders them (between the
# event's own fields and source_file).
_ATTR_COLUMNS = EVENT_COLUMNS[EVENT_COLUMNS.index("merchant_id"):EVENT_COLUMNS.index("source_file")]


def event_row(event: Event, landing_start_ms: int, source_file: str) -> tuple:
    """Return the event as a row in ``records.EVENT_COLUMNS`` order."""
    event_ms = event.event_ms
    event_day = event_ms // MS_PER_DAY
    attrs_get = event.attrs.get
    return (
        event.event_id,
        event.device_id,
        event.device_type,
        event.event_type,
        event.member_id,
        format_time(event_ms),
        format_date(event_ms),
        event_day < landing_start_ms // MS_PER_DAY,
        *[attrs_get(name) for name in _ATTR_COLUMNS],
        source_file,
    )


def quarantine_row(line: bytes, rejection: Rejection, source_file: str) -> tuple:
    """Return a rejected line as a row in ``records.QUARANTINE_COLUMNS`` order."""
    return (
        rejection.reason,
        rejection.detail,
        source_file,
        line.decode("utf-8", errors="replace"),
        base64.b64encode(line).decode("ascii"),
    )
