"""Column layouts of every dataset the pipeline writes.

Each dataset is a folder of tab-separated text files (see ``mapreduce.tsv``
for the escaping), partitioned into ``dt=YYYY-MM-DD[/hour=HH]`` folders.
The column tuples below are the single source of truth: the jobs write in
this order, the Hive DDL declares it, and the HBase loader reads it.

Nested values (maps and lists) are JSON text in one column; times are ISO
8601 UTC with milliseconds (``2026-11-27T08:15:00.123Z``); money is integer
cents plus an ISO currency code.
"""

from __future__ import annotations

# Valid events, first accepted copy of each event_id; partitioned by the
# landing hour (dt=/hour=) in which they were accepted.
EVENT_COLUMNS = (
    "event_id",
    "device_id",
    "device_type",
    "event_type",
    "member_id",
    "event_time",
    "event_dt",
    "late",
    "merchant_id",
    "store_id",
    "amount_cents",
    "currency",
    "points",
    "battery_pct",
    "temperature_c",
    "humidity_pct",
    "foot_traffic",
    "app_version",
    "os",
    "source_file",
)

# Rejected lines, verbatim; partitioned by landing hour.
QUARANTINE_COLUMNS = (
    "reason",
    "detail",
    "source_file",
    "raw_line",
    "raw_base64",
)

# One row per device and event day; partitioned by event day (dt=).
DEVICE_DAILY_COLUMNS = (
    "device_id",
    "device_type",
    "owner_member_id",
    "event_count",
    "events_by_type",
    "first_event_time",
    "last_event_time",
    "purchases",
    "spend",
    "points_earned",
    "points_redeemed",
    "battery_min",
    "last_battery_pct",
    "last_app_version",
    "last_os",
    "temperature_c_min",
    "temperature_c_max",
    "temperature_c_mean",
    "humidity_pct_min",
    "humidity_pct_max",
    "humidity_pct_mean",
    "foot_traffic_min",
    "foot_traffic_max",
    "foot_traffic_mean",
    "distinct_members",
)

# One row per member and event day; partitioned by event day (dt=).
MEMBER_DAILY_COLUMNS = (
    "member_id",
    "purchases",
    "spend",
    "points_earned",
    "points_redeemed",
    "redemptions",
    "checkins",
    "distinct_devices",
    "distinct_merchants",
    "distinct_stores",
    "devices",
    "first_event_time",
    "last_event_time",
)

# A member's transactional events (purchase, redeem, checkin); partitioned
# by event day (dt=).
MEMBER_EVENT_COLUMNS = (
    "member_id",
    "event_time",
    "event_id",
    "event_type",
    "device_id",
    "merchant_id",
    "store_id",
    "amount_cents",
    "currency",
    "points",
)

# Lifetime summaries, recomputed from every daily rollup; one snapshot per
# landing day (dt=), complete through the landing hour in ``as_of``.
DEVICE_SUMMARY_COLUMNS = (
    "device_id",
    "device_type",
    "owner_member_id",
    "first_seen",
    "last_seen",
    "last_app_version",
    "last_os",
    "last_battery_pct",
    "event_count",
    "as_of",
)

MEMBER_SUMMARY_COLUMNS = (
    "member_id",
    "points_earned",
    "points_redeemed",
    "points_balance",
    "spend",
    "first_seen",
    "last_seen",
    "device_count",
    "devices",
    "as_of",
)

DATASETS = {
    "events": EVENT_COLUMNS,
    "quarantine": QUARANTINE_COLUMNS,
    "device_daily": DEVICE_DAILY_COLUMNS,
    "member_daily": MEMBER_DAILY_COLUMNS,
    "member_events": MEMBER_EVENT_COLUMNS,
    "device_summary": DEVICE_SUMMARY_COLUMNS,
    "member_summary": MEMBER_SUMMARY_COLUMNS,
}
