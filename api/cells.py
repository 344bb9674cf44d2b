"""Typed reads of HBase cells as the loader writes them.

Each cell holds one pipeline column as text (UTF-8), exactly as in the TSV
after unescaping; an empty value is a null. Nested values are JSON text.
A value that does not parse is a fault of the stored data, not of the
request: ``BadCell`` names the column.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Mapping
from typing import Any


class BadCell(ValueError):
    """A stored cell whose text is not of its column's type."""


class Cells:
    """The cells of one row, read by column name within one family."""

    def __init__(self, cells: Mapping[bytes, bytes], family: str) -> None:
        self._cells = cells
        self._prefix = family.encode("ascii") + b":"

    def text(self, column: str) -> str | None:
        """The column's text, or None when null or absent."""
        raw = self._cells.get(self._prefix + column.encode("ascii"))
        if not raw:
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadCell("%s is not UTF-8" % column) from None

    def integer(self, column: str) -> int | None:
        """The column as an int."""
        return self._parse(column, int)

    def number(self, column: str) -> float | None:
        """The column as a finite float (a non-finite value reads as null)."""
        value = self._parse(column, float)
        return value if value is None or math.isfinite(value) else None

    def time(self, column: str) -> datetime.datetime | None:
        """The column as an aware datetime."""
        return parse_time(self.text(column), column)

    def json(self, column: str) -> Any:
        """The column's JSON value."""
        return self._parse(column, json.loads)

    def _parse(self, column: str, parse: Any) -> Any:
        text = self.text(column)
        if text is None:
            return None
        try:
            return parse(text)
        except ValueError:
            raise BadCell("%s is not a valid %s: %r" % (column, parse.__name__, text)) from None


def parse_time(text: str | None, what: str) -> datetime.datetime | None:
    """ISO 8601 text with an offset ('2026-11-27T08:15:00.123Z') as an aware datetime."""
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        raise BadCell("%s is not an ISO 8601 time: %r" % (what, text))
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise BadCell("%s is not an ISO 8601 time: %r" % (what, text)) from None
    if value.tzinfo is None:
        raise BadCell("%s has no UTC offset: %r" % (what, text))
    return value


def qualifiers(cells: Mapping[bytes, bytes], family: str) -> dict[str, bytes]:
    """The cells of one family keyed by qualifier (as text)."""
    prefix = family.encode("ascii") + b":"
    found = {}
    for column, value in cells.items():
        if column.startswith(prefix):
            try:
                found[column[len(prefix):].decode("utf-8")] = value
            except UnicodeDecodeError:
                raise BadCell("qualifier %r is not UTF-8" % column) from None
    return found
