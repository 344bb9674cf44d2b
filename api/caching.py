"""HTTP caching of daily rollups: a strong ETag over the body, Cache-Control, 304s."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, current_app, request


def cached_json(payload: Any) -> Response:
    """A JSON response with ETag and Cache-Control; 304 when If-None-Match matches."""
    response = current_app.json.response(payload)
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    response.cache_control.private = True
    response.cache_control.max_age = current_app.config["DAILY_MAX_AGE_S"]
    return response.make_conditional(request)
