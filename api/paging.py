"""Opaque, signed page tokens and the split of a scan into one page.

A token carries the row key at which the next page starts, signed with
HMAC-SHA256 over the token version, the query's scope (endpoint, id and
filters) and that key. A token that was altered, or that is replayed against
another member, device or filter, fails the check (``BadPageToken``, 400);
the key must also lie inside the query's scan range, so a token can never
widen a scan.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from typing import Any

from flask import current_app

logger = logging.getLogger(__name__)

EXTENSION = "kickback_page_tokens"
_VERSION = b"\x01"
_MAC_BYTES = 16
_DERIVE_LABEL = b"kickback page token key v1"


class BadPageToken(ValueError):
    """A page token that was not issued for this query."""


class PageTokens:
    """Issues and checks page tokens with one HMAC key."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("page token key must not be empty")
        self._secret = secret

    def issue(self, scope: str, resume_key: bytes) -> str:
        """A token that resumes the query ``scope`` at ``resume_key``."""
        raw = _VERSION + resume_key + self._mac(scope, resume_key)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def resume_key(self, token: str, scope: str, row_start: bytes, row_stop: bytes) -> bytes:
        """The row key a token resumes at; ``BadPageToken`` unless valid here."""
        try:
            padded = token.encode("ascii") + b"=" * (-len(token) % 4)
            raw = base64.b64decode(padded, altchars=b"-_", validate=True)
        except (UnicodeEncodeError, binascii.Error, ValueError):
            raise BadPageToken("Invalid page token.") from None
        if len(raw) <= 1 + _MAC_BYTES or raw[:1] != _VERSION:
            raise BadPageToken("Invalid page token.")
        key, mac = raw[1:-_MAC_BYTES], raw[-_MAC_BYTES:]
        if not hmac.compare_digest(mac, self._mac(scope, key)):
            raise BadPageToken("Invalid page token, or not issued for this query.")
        if not row_start <= key < row_stop:
            raise BadPageToken("Page token is outside the requested range.")
        return key

    def _mac(self, scope: str, key: bytes) -> bytes:
        message = _VERSION + scope.encode("utf-8") + b"\x00" + key
        return hmac.new(self._secret, message, hashlib.sha256).digest()[:_MAC_BYTES]


def token_secret(configured: bytes | None, api_keys: Sequence[str]) -> bytes:
    """The HMAC key: configured, else derived from the API keys, else random."""
    if configured:
        return configured
    if api_keys:
        material = "\n".join(sorted(api_keys)).encode("utf-8")
        return hmac.new(_DERIVE_LABEL, material, hashlib.sha256).digest()
    logger.warning("no PAGE_TOKEN_KEY nor API_KEYS: page tokens are valid in this process only")
    return secrets.token_bytes(32)


def split_page(rows: Sequence[tuple[bytes, Any]], page_size: int) -> tuple[list, bytes | None]:
    """One page of a ``limit=page_size + 1`` scan, and the key the next page starts at."""
    if len(rows) > page_size:
        return list(rows[:page_size]), rows[page_size][0]
    return list(rows), None


def current_tokens() -> PageTokens:
    """The page tokens of the current app."""
    return current_app.extensions[EXTENSION]
