"""The device-log v1 contract's constants (docs/device-log-v1.md), in one place.

The parser (``mapreduce.device_log`` and ``mapreduce.event_attrs``), the
rollups, the generator and the API import them from here; nothing else
spells them out.
"""

from __future__ import annotations

# Lines longer than this (without the newline) are rejected as oversize.
MAX_LINE_BYTES = 65536
REJECT_REASONS = ("oversize", "malformed", "missing_field", "bad_value", "bad_timestamp")

DEVICE_TYPES = ("phone", "pos", "beacon", "sensor")
EVENT_TYPES = ("app_open", "heartbeat", "checkin", "purchase", "redeem", "reading")
# Event types that need a member_id and count in the member rollups.
MEMBER_EVENT_TYPES = ("checkin", "purchase", "redeem")
# The metrics a sensor's reading may carry.
READING_METRICS = ("temperature_c", "humidity_pct", "foot_traffic")
# The currency of a purchase that names none.
DEFAULT_CURRENCY = "USD"

# Id alphabets, 1-64 characters (regular expressions for a whole value).
MEMBER_ID_RE = r"[A-Za-z0-9_-]{1,64}"
DEVICE_ID_RE = r"[A-Za-z0-9_.:-]{1,64}"
EVENT_ID_RE = MEMBER_ID_RE

MS_PER_MINUTE = 60_000
MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000

# The accepted window of an event time, around its landing hour [start, start + 1 h):
# landing_start - WINDOW_BEFORE_MS <= ts < landing_start + WINDOW_AFTER_MS.
WINDOW_BEFORE_MS = 7 * MS_PER_DAY
# Device clocks may run this far ahead of the end of the landing hour.
EARLY_ALLOWANCE_MS = 15 * MS_PER_MINUTE
WINDOW_AFTER_MS = MS_PER_HOUR + EARLY_ALLOWANCE_MS
