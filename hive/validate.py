"""Checks for the few values that must be written into SQL text.

Identifiers, partition specs and table locations cannot be bind
parameters, so every such value passes one of these checks first; a value
that fails raises ``InvalidValue`` with a one-line reason.
"""

from __future__ import annotations

import datetime
import re


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HOUR = re.compile(r"[01]\d|2[0-3]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# Quotes and backslashes would end or escape the SQL literal; "${" would be
# expanded by HiveServer2's own variable substitution.
_URI_FORBIDDEN = re.compile(r"['\"`\\]|\$\{|[\x00-\x1f\x7f]")


class InvalidValue(ValueError):
    """A value is not safe or not valid to use in SQL text."""


def check_database(name: str) -> str:
    """Return ``name`` if it is a plain SQL identifier."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise InvalidValue("database name must match [A-Za-z_][A-Za-z0-9_]*, got %r" % (name,))
    return name


def check_dt(value: str) -> str:
    """Return ``value`` if it is a real calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InvalidValue("date must be YYYY-MM-DD, got %r" % (value,))
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidValue("not a calendar date: %r" % (value,)) from None
    return value


def check_hour(value: str) -> str:
    """Return ``value`` if it is a two-digit hour 00-23."""
    if not isinstance(value, str) or not _HOUR.fullmatch(value):
        raise InvalidValue("hour must be two digits 00-23, got %r" % (value,))
    return value


def check_warehouse_uri(uri: str) -> str:
    """Return ``uri`` (without a trailing slash) if it is a quote-free absolute URI."""
    scheme = _SCHEME.match(uri) if isinstance(uri, str) else None
    if scheme is None:
        raise InvalidValue("warehouse must be an absolute URI such as file:///data, got %r" % (uri,))
    if _URI_FORBIDDEN.search(uri):
        raise InvalidValue(
            "warehouse URI must not contain quotes, backslashes, control characters or ${: %r" % (uri,)
        )
    _authority, _, path = uri[scheme.end():].partition("/")
    if not path.strip("/"):
        raise InvalidValue("warehouse URI has no path: %r" % (uri,))
    return uri.rstrip("/")
