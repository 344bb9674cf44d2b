"""Request values made safe for a log line.

A path, method or any other text that came with a request is logged only
through ``escape``: a backslash is doubled and every character that is not
printable (line breaks, ESC, NUL, DEL, C1 controls, Unicode line and
paragraph separators, bidi and other format characters) is written as a
Python escape (``\\n``, ``\\x1b``, ``\\u2028``). The result is one line that
cannot forge another, and the original can be read back unambiguously.
"""

from __future__ import annotations

_NAMED = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str) -> str:
    """``text`` with backslashes doubled and unprintable characters escaped."""
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(_escape_char(char) for char in text)


def _escape_char(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return "\\x%02x" % code
    if code < 0x10000:
        return "\\u%04x" % code
    return "\\U%08x" % code
