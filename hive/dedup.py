"""The analysts' ``events_dedup`` table: one row per event_id, by event day.

``events`` keeps the first accepted copy of an event per landing hour, so a
device's retry landing in a later hour is a second row there. For each event
day a run touched, ``events_dedup`` is rebuilt from every landing day that
can hold that day's events (event day - 1 to event day + 8: events are
accepted up to 7 days late and up to 15 minutes early), keeping the copy
that landed first. The rebuild is an ``INSERT OVERWRITE`` of one partition,
so rerunning it changes nothing.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from hive.validate import InvalidValue, check_dt, check_hour
from mapreduce.records import EVENT_COLUMNS

logger = logging.getLogger(__name__)

# Landing days that may hold events of one event day, relative to it.
WINDOW_BEFORE_DAYS = 1
WINDOW_AFTER_DAYS = 8

# Column order of events_dedup (hive/ddl/40_events_dedup.sql); event_dt is
# its partition column.
DEDUP_COLUMNS = tuple(c for c in EVENT_COLUMNS if c != "event_dt") + ("landing_dt", "landing_hour")

_SELECT_LIST = ", ".join(c for c in EVENT_COLUMNS if c != "event_dt") + ", dt AS landing_dt, hour AS landing_hour"

REBUILD_SQL = (
    "INSERT OVERWRITE TABLE events_dedup PARTITION (event_dt=%(event_dt)s)\n"
    "SELECT " + _SELECT_LIST + "\n"
    "FROM (\n"
    "    SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY dt, hour, source_file) AS copy_rank\n"
    "    FROM events\n"
    "    WHERE event_dt = %(event_dt)s AND dt BETWEEN %(first_dt)s AND %(last_dt)s\n"
    ") ranked\n"
    "WHERE copy_rank = 1"
)

TOUCHED_DAYS_SQL = "SELECT DISTINCT event_dt FROM events WHERE dt = %(dt)s"
TOUCHED_DAYS_HOUR_SQL = TOUCHED_DAYS_SQL + " AND hour = %(hour)s"


def landing_window(event_day: str) -> tuple[str, str]:
    """First and last landing day that can hold events of ``event_day``."""
    day = datetime.date.fromisoformat(check_dt(event_day))
    first = day - datetime.timedelta(days=WINDOW_BEFORE_DAYS)
    last = day + datetime.timedelta(days=WINDOW_AFTER_DAYS)
    return first.isoformat(), last.isoformat()


def rebuild_params(event_day: str) -> dict[str, str]:
    """Parameters of ``REBUILD_SQL`` for one event day."""
    first, last = landing_window(event_day)
    return {"event_dt": event_day, "first_dt": first, "last_dt": last}


def rebuild_events_dedup(cursor: Any, event_days: Iterable[str]) -> list[str]:
    """Rebuild the ``events_dedup`` partition of each event day; return the days, sorted."""
    days = sorted({check_dt(day) for day in event_days})
    for day in days:
        cursor.execute(REBUILD_SQL, rebuild_params(day))
        logger.info("rebuilt events_dedup for event day %s", day)
    return days


def touched_event_days(cursor: Any, dt: str, hour: str | None = None) -> list[str]:
    """Event days found in the registered ``events`` partitions of landing day ``dt`` (and hour)."""
    if hour is None:
        cursor.execute(TOUCHED_DAYS_SQL, {"dt": check_dt(dt)})
    else:
        cursor.execute(TOUCHED_DAYS_HOUR_SQL, {"dt": check_dt(dt), "hour": check_hour(hour)})
    days = []
    for (value,) in cursor.fetchall():
        try:
            days.append(check_dt(value))
        except InvalidValue:
            logger.warning("ignoring event_dt %r in events of %s: not a date", value, dt)
    return sorted(days)
