"""The API tests' sample data: a few members, devices, rollups and events, and the app config.

``sample_hbase`` writes its rows with ``fake_tables.load_rows``, the HBase
loader's way, so the API tests read the loader's own keys, cells and
timestamps. The fixtures over them are in ``api_fixtures``.
"""

from __future__ import annotations

import datetime
from typing import Any

from fake_hbase import FakeHBase
from fake_tables import BUCKETS, kickback_hbase, load_rows

MEMBER = "m-000123"
QUIET_MEMBER = "m-quiet_9"
PHONE = "d-phone.01:a"
TABLET = "d-tablet-2"
POS = "pos-7"
AS_OF = "2026-11-27T09:00:00.000Z"
LAST_DAY = datetime.date(2026, 11, 27)
# MEMBER has a rollup for each of the 40 days up to LAST_DAY.
MEMBER_DAYS = 40
EVENTS = [
    # (event_id, event_type, event_time, amount_cents, currency, points, merchant, store)
    ("e-01", "checkin", "2026-11-20T08:00:00.000Z", None, None, None, None, "s-1"),
    ("e-02", "purchase", "2026-11-21T09:30:00.250Z", 1250, "USD", 12, "mer-1", None),
    ("e-03", "purchase", "2026-11-22T10:00:00.000Z", 990, "EUR", 9, "mer-2", None),
    ("e-04", "redeem", "2026-11-23T11:00:00.000Z", None, None, 100, "mer-1", None),
    ("e-05", "checkin", "2026-11-24T12:00:00.000Z", None, None, None, None, "s-2"),
    ("e-06", "purchase", "2026-11-25T13:00:00.000Z", 5000, "USD", 50, "mer-3", None),
    ("e-07", "checkin", "2026-11-26T14:00:00.000Z", None, None, None, None, "s-1"),
    ("e-08", "purchase", "2026-11-27T08:15:00.123Z", 700, "USD", 7, "mer-1", None),
]


def sample_hbase() -> FakeHBase:
    """The KickBack tables with a few members, devices, rollups and events."""
    hbase = kickback_hbase()
    load_rows(hbase, "member_summary", [
        {"member_id": MEMBER, "points_earned": 500, "points_redeemed": 120,
         "points_balance": 380, "spend": {"USD": 12345, "EUR": 500},
         "first_seen": "2026-10-19T07:00:00.000Z", "last_seen": "2026-11-27T08:15:00.123Z",
         "device_count": 2, "as_of": AS_OF, "devices": {
             PHONE: {"device_type": "phone", "last_seen": "2026-11-27T08:15:00.123Z"},
             TABLET: {"device_type": "phone", "last_seen": "2026-11-20T10:00:00.000Z"}}},
        {"member_id": QUIET_MEMBER, "points_earned": 0, "points_redeemed": 0,
         "points_balance": 0, "spend": {}, "first_seen": None, "last_seen": None,
         "device_count": 0, "devices": {}, "as_of": AS_OF},
    ])
    for back in range(MEMBER_DAYS):
        day = LAST_DAY - datetime.timedelta(days=back)
        load_rows(hbase, "member_daily", [{
            "member_id": MEMBER, "purchases": back % 3, "spend": {"USD": 100 * day.day},
            "points_earned": day.day, "points_redeemed": 0, "redemptions": 0,
            "checkins": 1, "distinct_devices": 1, "distinct_merchants": back % 3,
            "distinct_stores": 1, "devices": {PHONE: "%sT12:00:00.000Z" % day.isoformat()},
            "first_event_time": "%sT08:00:00.000Z" % day.isoformat(),
            "last_event_time": "%sT12:00:00.000Z" % day.isoformat(),
        }], day)
    load_rows(hbase, "member_events", [
        {"member_id": MEMBER, "event_time": when, "event_id": event_id, "event_type": event_type,
         "device_id": PHONE if event_type != "checkin" else POS, "merchant_id": merchant,
         "store_id": store, "amount_cents": cents, "currency": currency, "points": points}
        for event_id, event_type, when, cents, currency, points, merchant, store in EVENTS
    ])
    load_rows(hbase, "device_summary", [
        {"device_id": PHONE, "device_type": "phone", "owner_member_id": MEMBER,
         "first_seen": "2026-10-19T07:00:00.000Z", "last_seen": "2026-11-27T08:15:00.123Z",
         "last_app_version": "3.2.1", "last_os": "android 14", "last_battery_pct": 57.5,
         "event_count": 321, "as_of": AS_OF},
        {"device_id": POS, "device_type": "pos", "owner_member_id": None,
         "first_seen": "2026-11-01T00:00:00.000Z", "last_seen": "2026-11-26T14:00:00.000Z",
         "last_app_version": None, "last_os": None, "last_battery_pct": None,
         "event_count": 40, "as_of": AS_OF},
    ])
    for back in range(5):
        day = LAST_DAY - datetime.timedelta(days=back)
        load_rows(hbase, "device_daily", [{
            "device_id": PHONE, "device_type": "phone", "owner_member_id": MEMBER,
            "event_count": 10 + back, "events_by_type": {"heartbeat": 8, "purchase": 2 + back},
            "first_event_time": "%sT00:05:00.000Z" % day.isoformat(),
            "last_event_time": "%sT23:55:00.000Z" % day.isoformat(),
            "purchases": 2 + back, "spend": {"USD": 1000 + back}, "points_earned": 20,
            "points_redeemed": 0, "battery_min": 12.5, "last_battery_pct": 57.5,
            "last_app_version": "3.2.1", "last_os": "android 14",
            "temperature_c_min": None, "temperature_c_max": None, "temperature_c_mean": None,
            "humidity_pct_min": None, "humidity_pct_max": None, "humidity_pct_mean": None,
            "foot_traffic_min": None, "foot_traffic_max": None, "foot_traffic_mean": None,
            "distinct_members": 1,
        }], day)
    return hbase


API_KEY = "unit-test-key"
AUTH = {"Authorization": "Bearer " + API_KEY}


def api_config(pool: Any, **overrides: Any) -> dict[str, Any]:
    """A complete explicit app config around ``pool`` (env cannot leak in)."""
    config = {
        "TESTING": True,
        "HBASE_POOL": pool,
        "HBASE_BUCKETS": BUCKETS,
        "HBASE_TABLE_PREFIX": "kickback",
        "HBASE_RETRY_AFTER_S": 7,
        "API_KEYS": [API_KEY],
        "PAGE_TOKEN_KEY": "unit-test-page-token-key",
        "DAILY_MAX_AGE_S": 60,
        "MAX_CONTENT_LENGTH": 32 * 1024,
    }
    config.update(overrides)
    return config
