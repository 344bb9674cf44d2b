"""Rendering result sets for people and programs: aligned table, CSV, JSON."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import unicodedata
from collections.abc import Sequence
from typing import Any


FORMATS = ("table", "csv", "json")
NULL_TEXT = "NULL"


def _text(value: Any) -> str:
    if value is None:
        return NULL_TEXT
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _width(text: str) -> int:
    """Terminal columns ``text`` takes (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    padding = " " * (width - _width(text))
    return padding + text if right else text + padding


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An aligned text table: header, rule, rows; numbers right-aligned, NULL for null."""
    if not columns:
        return ""
    # Keep each row on one line whatever the values hold.
    cells = [[_text(v).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") for v in row] for row in rows]
    widths = [_width(c) for c in columns]
    for row in cells:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for raw, row in zip(rows, cells):
        lines.append("  ".join(
            _pad(cell, w, right=_is_number(value)) for value, cell, w in zip(raw, row, widths)
        ).rstrip())
    lines.append("(%d row%s)" % (len(rows), "" if len(rows) == 1 else "s"))
    return "\n".join(lines)


def format_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV with a header row; null is an empty field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _text(v) for v in row])
    return buffer.getvalue().rstrip("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def format_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A JSON array with one object per row, keyed by column name."""
    records = [dict(zip(columns, row)) for row in rows]
    return json.dumps(records, ensure_ascii=False, default=_json_default, indent=None)


def format_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table") -> str:
    """Render in ``fmt`` (one of FORMATS)."""
    formatters = {"table": format_table, "csv": format_csv, "json": format_json}
    if fmt not in formatters:
        raise ValueError("format must be one of %s, got %r" % (", ".join(FORMATS), fmt))
    return formatters[fmt](columns, rows)
