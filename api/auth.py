"""Bearer API keys: every /v1 request must carry one of the configured keys.

The presented key is compared with every configured key (SHA-256 digests,
``hmac.compare_digest``, no early exit), so the time taken says nothing
about which key, or which prefix, nearly matched. Keys are never logged.
With no key configured every /v1 request is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from flask import current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized


def key_matches(presented: str, keys: Iterable[str]) -> bool:
    """Whether ``presented`` equals one of ``keys``, in constant time."""
    digest = hashlib.sha256(presented.encode("utf-8")).digest()
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(digest, hashlib.sha256(key.encode("utf-8")).digest())
    return matched


def require_api_key() -> None:
    """before_request hook: 401 unless ``Authorization: Bearer <configured key>``."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token and key_matches(token, current_app.config["API_KEYS"]):
        return
    raise Unauthorized(
        "A valid API key is required: Authorization: Bearer <key>.",
        www_authenticate=WWWAuthenticate("bearer", {"realm": "kickback"}),
    )
