"""Tab-separated rows in the text format Hive's default SerDe reads.

The tables are declared ``ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'
ESCAPED BY '\\\\'`` with ``serialization.escape.crlf=true``, so a backslash,
tab, carriage return or newline inside a value survives the round trip:

    backslash -> \\\\    tab -> \\<tab>    CR -> \\r    LF -> \\n

``None`` is written as Hive's null marker ``\\N``. Rows are ``str`` here;
files are UTF-8.
"""

from __future__ import annotations

from typing import Iterable, Sequence

NULL = "\\N"

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\\t", "\r": "\\r", "\n": "\\n"})
_UNESCAPES = {"r": "\r", "n": "\n"}


def format_value(value: object) -> str:
    """Render one value as its unescaped text form."""
    if value is None:
        return NULL
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def escape(text: str) -> str:
    """Escape one field's text so that it cannot split a row or a line."""
    # Most values need no escaping; four substring tests beat translate().
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


def unescape(field: str) -> str:
    """Undo ``escape``."""
    if "\\" not in field:
        return field
    out = []
    chars = iter(field)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append(_UNESCAPES.get(nxt, nxt))
        else:
            out.append(char)
    return "".join(out)


def encode_row(values: Iterable[object]) -> str:
    """Join values into one row (no trailing newline)."""
    # ``escape(format_value(value))`` inlined: this runs for every row written.
    parts = []
    append = parts.append
    for value in values:
        if value is None:
            append(NULL)
            continue
        text = value if type(value) is str else format_value(value)
        if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
            text = text.translate(_ESCAPES)
        append(text)
    return "\t".join(parts)


def split_row(line: str) -> list[str]:
    """Split a row on unescaped tabs, leaving each field still escaped."""
    # An escaped tab is always a backslash then a tab: without that pair,
    # every tab separates fields (nulls, \\N, need no character walk).
    if "\\\t" not in line:
        return line.split("\t")
    fields, start, i, n = [], 0, 0, len(line)
    while i < n:
        char = line[i]
        if char == "\\":
            i += 2
            continue
        if char == "\t":
            fields.append(line[start:i])
            start = i + 1
        i += 1
    fields.append(line[start:])
    return fields


def decode_row(line: str) -> list[str | None]:
    """Split one row (without its newline) back into text values."""
    # ``unescape`` inlined for the fields without a backslash (nearly all): this runs for
    # every field of every row read.
    return [None if field == NULL else field if "\\" not in field else unescape(field)
            for field in split_row(line)]


def decode_record(line: str, columns: Sequence[str]) -> dict[str, str | None]:
    """Decode a row into a dict keyed by ``columns``; the width must match."""
    values = decode_row(line)
    if len(values) != len(columns):
        raise ValueError(
            "row has %d fields, expected %d" % (len(values), len(columns))
        )
    return dict(zip(columns, values))
