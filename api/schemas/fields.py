"""Fields shared by the API's schemas: ids, times and money."""

from __future__ import annotations

import datetime
from typing import Any

from marshmallow import ValidationError, fields, validate

from mapreduce.contract import DEVICE_ID_RE, MEMBER_ID_RE

# Id alphabets of the device-log contract (spec/device-log-v1.md). Anchored
# for the OpenAPI document (ECMA-262 patterns are unanchored); validation
# uses FullMatch, since Python's "$" also matches before a final newline.
MEMBER_ID_PATTERN = "^%s$" % MEMBER_ID_RE
DEVICE_ID_PATTERN = "^%s$" % DEVICE_ID_RE


class FullMatch(validate.Regexp):
    """A ``Regexp`` that must match the whole value (``re.fullmatch``), not a prefix."""

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


def member_id(**kwargs: Any) -> fields.String:
    """A member id field: 1-64 chars of [A-Za-z0-9_-]."""
    return fields.String(
        validate=FullMatch(
            MEMBER_ID_PATTERN, error="Not a member id: 1-64 characters of A-Z a-z 0-9 _ -."
        ),
        metadata={"description": "Member id, 1-64 characters of A-Z a-z 0-9 _ -.",
                  "example": "m-000123"},
        **kwargs,
    )


def device_id(**kwargs: Any) -> fields.String:
    """A device id field: 1-64 chars of [A-Za-z0-9_.:-]."""
    return fields.String(
        validate=FullMatch(
            DEVICE_ID_PATTERN, error="Not a device id: 1-64 characters of A-Z a-z 0-9 _ . : -."
        ),
        metadata={"description": "Device id, 1-64 characters of A-Z a-z 0-9 _ . : -.",
                  "example": "d-000042"},
        **kwargs,
    )


class UtcDateTime(fields.AwareDateTime):
    """ISO 8601 with an offset in; UTC with milliseconds out ('2026-11-27T08:15:00.123Z')."""

    default_error_messages = {
        "invalid": "Not a valid ISO 8601 time (e.g. 2026-11-27T08:15:00Z).",
        "invalid_awareness": "The time needs a UTC offset such as Z or +01:00.",
    }

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        utc = value.astimezone(datetime.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (utc.microsecond // 1000)


class IsoDate(fields.Date):
    """A 'YYYY-MM-DD' date."""

    default_error_messages = {"invalid": "Not a valid date (YYYY-MM-DD)."}
