"""Device resources: summary, daily rollups, batch get."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from api import lookups
from api.auth import require_api_key
from api.caching import cached_json
from api.hbase import current_hbase
from api.openapi import operation
from api.paging import current_tokens
from api.parsing import parse_body, parse_path, parse_query
from api.schemas.common import DAILY_QUERY, NO_QUERY
from api.schemas.devices import (
    DEVICE_BATCH,
    DEVICE_BATCH_GET,
    DEVICE_DAILY_PAGE,
    DEVICE_PATH,
    DEVICE_SUMMARY,
)

bp = Blueprint("devices", __name__, url_prefix="/v1")
bp.before_request(require_api_key)


@bp.get("/devices/<device_id>")
@operation(path=DEVICE_PATH, query=NO_QUERY, ok=DEVICE_SUMMARY, not_found=True)
def get_device(device_id: str) -> dict[str, Any]:
    """A device's summary: type, owner, first/last seen, last app version, OS and battery."""
    path = parse_path(DEVICE_PATH, device_id=device_id)
    parse_query(NO_QUERY)
    summary = lookups.device_summary(current_hbase(), path["device_id"])
    return DEVICE_SUMMARY.dump(summary)


@bp.get("/devices/<device_id>/daily")
@operation(path=DEVICE_PATH, query=DAILY_QUERY, ok=DEVICE_DAILY_PAGE, cached=True)
def list_device_daily(device_id: str) -> Response:
    """A device's daily rollups between start and end dates, newest first, paginated."""
    path = parse_path(DEVICE_PATH, device_id=device_id)
    query = parse_query(DAILY_QUERY)
    page = lookups.device_daily(current_hbase(), current_tokens(), path["device_id"], **query)
    return cached_json(DEVICE_DAILY_PAGE.dump(page))


@bp.post("/devices:batchGet")
@operation(query=NO_QUERY, body=DEVICE_BATCH_GET, ok=DEVICE_BATCH)
def batch_get_devices() -> dict[str, Any]:
    """Up to 100 devices' summaries at once, and the ids that have none."""
    parse_query(NO_QUERY)
    body = parse_body(DEVICE_BATCH_GET)
    found = lookups.device_summaries(current_hbase(), body["ids"])
    return DEVICE_BATCH.dump(found)
