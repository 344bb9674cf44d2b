"""The analysts' ``events_dedup`` table: one row per event_id, by event day.

``events`` holds each event once, in the landing hour of its earliest copy
(the pipeline's id index decides it), partitioned by landing hour. For each
event day a run touched, the ``events_dedup`` partition of that day is
rebuilt from every landing day that can hold its events (event day - 1 to
event day + 8: events are accepted up to 7 days late and up to 15 minutes
early), keeping the copy that landed first: a no-op rank since the pipeline
owns ids across hours, kept so the table never depends on that. The
rebuild reads up to ten landing days of ``events`` for each touched day:
bounded, but not proportional to the run's new events (see docs/design.md,
"Known limits").

All the touched days are rebuilt by one statement, a Hive multi-insert: one
scan of their ``events`` partitions and one MapReduce job, then one
``INSERT OVERWRITE ... PARTITION (event_dt='D')`` per day. On Hive every
MapReduce job costs seconds of fixed start-up, and a run touches up to nine
event days. Each day's partition is overwritten even when no row is left for
it (a static partition, unlike a dynamic-partition insert), and rerunning the
statement changes nothing.
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

# The ranked rows of every rebuilt day: each day's own landing window, and
# the copies of one event_id ranked within its event day (so days never mix).
_RANKED = (
    "FROM (\n"
    "    SELECT *, row_number() OVER (PARTITION BY event_dt, event_id ORDER BY dt, hour, source_file) AS copy_rank\n"
    "    FROM events\n"
    "    WHERE dt BETWEEN %(first_dt)s AND %(last_dt)s AND ({windows})\n"
    ") ranked\n"
)
_WINDOW = "(event_dt = %(event_dt{i})s AND dt BETWEEN %(first_dt{i})s AND %(last_dt{i})s)"
_INSERT = (
    "INSERT OVERWRITE TABLE events_dedup PARTITION (event_dt=%(event_dt{i})s)\n"
    "SELECT " + _SELECT_LIST + " WHERE event_dt = %(event_dt{i})s AND copy_rank = 1"
)

TOUCHED_DAYS_SQL = "SELECT DISTINCT event_dt FROM events WHERE dt = %(dt)s"
TOUCHED_DAYS_HOUR_SQL = TOUCHED_DAYS_SQL + " AND hour = %(hour)s"


def landing_window(event_day: str) -> tuple[str, str]:
    """First and last landing day that can hold events of ``event_day``."""
    day = datetime.date.fromisoformat(check_dt(event_day))
    first = day - datetime.timedelta(days=WINDOW_BEFORE_DAYS)
    last = day + datetime.timedelta(days=WINDOW_AFTER_DAYS)
    return first.isoformat(), last.isoformat()


def rebuild_statement(event_days: Iterable[str]) -> tuple[str, dict[str, str]]:
    """The multi-insert that rebuilds the partitions of ``event_days``, and its parameters.

    The SQL is fixed text plus one numbered placeholder group per day; every
    value is a checked date passed as a parameter. The outer ``dt`` range
    (the union of the windows) lets the partition pruner skip every other
    landing day.
    """
    days = sorted({check_dt(day) for day in event_days})
    if not days:
        raise InvalidValue("no event day to rebuild")
    params: dict[str, str] = {}
    for i, day in enumerate(days):
        first, last = landing_window(day)
        params.update({"event_dt%d" % i: day, "first_dt%d" % i: first, "last_dt%d" % i: last})
    params["first_dt"], params["last_dt"] = landing_window(days[0])[0], landing_window(days[-1])[1]
    windows = " OR ".join(_WINDOW.format(i=i) for i in range(len(days)))
    inserts = "\n".join(_INSERT.format(i=i) for i in range(len(days)))
    return _RANKED.format(windows=windows) + inserts, params


def rebuild_events_dedup(cursor: Any, event_days: Iterable[str]) -> list[str]:
    """Rebuild the ``events_dedup`` partition of each event day in one statement; return the days, sorted."""
    days = sorted({check_dt(day) for day in event_days})
    if not days:
        return []
    sql, params = rebuild_statement(days)
    cursor.execute(sql, params)
    logger.info("rebuilt events_dedup for event day(s) %s", ", ".join(days))
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
