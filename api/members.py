"""Member resources: summary, devices, daily rollups, events, batch get.

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
from api.schemas.members import (
    MEMBER_BATCH,
    MEMBER_BATCH_GET,
    MEMBER_DAILY_PAGE,
    MEMBER_DEVICES,
    MEMBER_EVENTS_PAGE,
    MEMBER_EVENTS_QUERY,
    MEMBER_PATH,
    MEMBER_SUMMARY,
)

bp = Blueprint("members", __name__, url_prefix="/v1")
bp.before_request(require_api_key)


@bp.get("/members/<member_id>")
@operation(path=MEMBER_PATH, query=NO_QUERY, ok=MEMBER_SUMMARY, not_found=True)
def get_member(member_id: str) -> dict[str, Any]:
    """A member's summary: points balance, lifetime spend, first/last seen, device count."""
    return lookups.member_summary(current_hbase(), member_id)


@bp.get("/members/<member_id>/devices")
@operation(path=MEMBER_PATH, query=NO_QUERY, ok=MEMBER_DEVICES, not_found=True)
def get_member_devices(member_id: str) -> dict[str, Any]:
    """A member's devices with their type and when each was last seen."""
    return lookups.member_devices(current_hbase(), member_id)


@bp.get("/members/<member_id>/daily")
@operation(path=MEMBER_PATH, query=DAILY_QUERY, ok=MEMBER_DAILY_PAGE, cached=True)
def list_member_daily(member_id: str, **query: Any) -> dict[str, Any]:
    """A member's daily rollups between start and end dates, newest first, paginated."""
    return lookups.member_daily(current_hbase(), current_tokens(), member_id, **query)


@bp.get("/members/<member_id>/events")
@operation(path=MEMBER_PATH, query=MEMBER_EVENTS_QUERY, ok=MEMBER_EVENTS_PAGE)
def list_member_events(member_id: str, **query: Any) -> dict[str, Any]:
    """A member's purchases, redemptions and check-ins, newest first, paginated."""
    return lookups.member_events(current_hbase(), current_tokens(), member_id, **query)


@bp.post("/members:batchGet")
@operation(query=NO_QUERY, body=MEMBER_BATCH_GET, ok=MEMBER_BATCH)
def batch_get_members(ids: list[str]) -> dict[str, Any]:
    """Up to 100 members' summaries at once, and the ids that have none."""
    return lookups.member_summaries(current_hbase(), ids)
