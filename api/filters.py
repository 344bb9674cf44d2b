"""HBase filter strings, built from validated values and quoted.

Only the forms the API uses: a value never reaches a filter string without
going through ``_quote`` (the filter language doubles a single quote inside
a quoted string).
"""

from __future__ import annotations


def column_equals(family: str, qualifier: str, value: str) -> bytes:
    """Rows whose ``family:qualifier`` equals ``value``; rows lacking it are skipped."""
    return (
        "SingleColumnValueFilter ('%s', '%s', =, 'binary:%s', true, true)"
        % (_quote(family), _quote(qualifier), _quote(value))
    ).encode("utf-8")


def _quote(text: str) -> str:
    return text.replace("'", "''")
