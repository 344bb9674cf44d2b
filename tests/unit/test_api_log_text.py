"""api.log_text: request values made safe for one log line."""

from __future__ import annotations

import pytest

from api.log_text import escape


@pytest.mark.parametrize("text, logged", [
    ("plain /v1/members/m-1", "plain /v1/members/m-1"),
    ("a\nb", "a\\nb"),
    ("a\rb\tc", "a\\rb\\tc"),
    ("\x1b[31m", "\\x1b[31m"),
    ("\x00\x7f", "\\x00\\x7f"),
    ("back\\slash", "back\\\\slash"),
    ("caf\u00e9 \u00fc", "caf\u00e9 \u00fc"),
    ("\u2028\u2029\ufeff", "\\u2028\\u2029\\ufeff"),
    ("\U000e0001", "\\U000e0001"),
])
def test_escape(text, logged):
    assert escape(text) == logged


def test_escape_is_unambiguous():
    assert escape("\\n") != escape("\n")
