"""Device resources: summary, daily rollups, batch get.

Each view is its lookup: ``@operation`` loads its arguments and dumps its
answer through the declared schemas.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from api import lookups
from api.auth import require_api_key
from api.hbase import current_hbase
from api.operation import operation
from api.paging import current_tokens
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
    return lookups.device_summary(current_hbase(), device_id)


@bp.get("/devices/<device_id>/daily")
@operation(path=DEVICE_PATH, query=DAILY_QUERY, ok=DEVICE_DAILY_PAGE, cached=True)
def list_device_daily(device_id: str, **query: Any) -> dict[str, Any]:
    """A device's daily rollups between start and end dates, newest first, paginated."""
    return lookups.device_daily(current_hbase(), current_tokens(), device_id, **query)


@bp.post("/devices:batchGet")
@operation(query=NO_QUERY, body=DEVICE_BATCH_GET, ok=DEVICE_BATCH)
def batch_get_devices(ids: list[str]) -> dict[str, Any]:
    """Up to 100 devices' summaries at once, and the ids that have none."""
    return lookups.device_summaries(current_hbase(), ids)
