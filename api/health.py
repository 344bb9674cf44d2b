"""Health endpoints, open to all: liveness and readiness."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from api import lookups
from api.hbase import current_hbase
from api.operation import operation
from api.schemas.common import HEALTH

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@operation(ok=HEALTH, protected=False, reads_hbase=False)
def healthz() -> dict[str, Any]:
    """The process is alive (HBase is not asked)."""
    return {"status": "ok"}


@bp.get("/readyz")
@operation(ok=HEALTH, protected=False)
def readyz() -> dict[str, Any]:
    """HBase answers and every table the API reads exists."""
    lookups.check_tables(current_hbase())
    return {"status": "ready"}
