"""A generated day through the pipeline, into real HBase and Hive, out of the API.

The expected figures are computed here from the raw landing files, with the
contract's parser and a deduplication of our own, not taken from the
pipeline's outputs.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from conftest_pipeline import DAY

from api import create_app
from kickback.commands.api import app_config
from mapreduce.device_log import Event, landing_hour_from_path, parse_line
from mapreduce.utc import landing_hour_start_ms

KEY = "e2e-key"


def _raw_events(settings):
    """Every first copy of an event in the landing, in landing order."""
    seen, events = set(), []
    for path in sorted(Path(settings.landing_dir).rglob("*.jsonl")):
        start = landing_hour_start_ms(*landing_hour_from_path(str(path)))
        for line in path.read_bytes().split(b"\n"):
            outcome = parse_line(line, start)
            if isinstance(outcome, Event) and outcome.event_id not in seen:
                seen.add(outcome.event_id)
                events.append(outcome)
    return events


@pytest.fixture(scope="module")
def client(loaded_hbase):
    config = dict(app_config(loaded_hbase), API_KEYS=[KEY])
    return create_app(config).test_client()


def test_hive_counts_equal_the_pipeline_counters(pipeline_run, registered_hive):
    settings, report, _ = pipeline_run
    cursor = registered_hive
    db = settings.hive_database
    cursor.execute("SELECT COUNT(*) FROM %s.events WHERE dt = %%(dt)s" % db, {"dt": DAY.isoformat()})
    assert cursor.fetchall() == [(report.counters["valid"],)]
    cursor.execute("SELECT reason, COUNT(*) FROM %s.quarantine GROUP BY reason" % db)
    rejected = {reason: n for reason, n in cursor.fetchall()}
    assert rejected == {
        name[len("rejected_"):]: n for name, n in report.counters.items()
        if name.startswith("rejected_") and n
    }
    cursor.execute("SELECT COUNT(*) FROM %s.member_daily" % db)
    assert cursor.fetchall() == [(report.rows["member_daily"],)]
    cursor.execute("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM %s.events_dedup" % db)
    assert cursor.fetchall() == [(report.counters["valid"], report.counters["valid"])]


def test_member_balance_equals_earned_minus_redeemed_from_raw_events(pipeline_run, client):
    settings = pipeline_run[0]
    earned, redeemed = defaultdict(int), defaultdict(int)
    for event in _raw_events(settings):
        if event.event_type == "purchase":
            earned[event.member_id] += event.attrs["points"]
        elif event.event_type == "redeem":
            redeemed[event.member_id] += event.attrs["points"]
    members = sorted(set(earned) | set(redeemed))
    assert len(members) >= 10
    for member_id in members[:25]:
        response = client.get("/v1/members/%s" % member_id, headers={"Authorization": "Bearer " + KEY})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["points_balance"] == earned[member_id] - redeemed[member_id], member_id


def test_member_feed_holds_every_transaction_once(pipeline_run, client):
    settings = pipeline_run[0]
    feed = defaultdict(set)
    for event in _raw_events(settings):
        if event.member_id and event.event_type in ("purchase", "redeem", "checkin"):
            feed[event.member_id].add(event.event_id)
    member_id = max(feed, key=lambda m: len(feed[m]))
    seen, token = [], None
    for _ in range(50):
        query = {"page_size": 7, "start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z"}
        if token:
            query["page_token"] = token
        response = client.get("/v1/members/%s/events" % member_id, query_string=query,
                              headers={"Authorization": "Bearer " + KEY})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        seen += [item["event_id"] for item in body["items"]]
        token = body.get("next_page_token")
        if not token:
            break
    assert sorted(seen) == sorted(feed[member_id])
    assert len(seen) == len(set(seen))


def test_thrift_restart_gives_only_503s_and_the_api_recovers(pipeline_run, loaded_hbase, client):
    """A client keeps calling while the real Thrift server restarts."""
    import threading
    import time

    from kickback.commands.stack import stack_config
    from stack import control

    member_id = sorted({e.member_id for e in _raw_events(pipeline_run[0]) if e.member_id})[0]
    statuses, stop = [], threading.Event()

    def call_forever():
        while not stop.is_set() and len(statuses) < 5000:
            response = client.get("/v1/members/%s" % member_id, headers={"Authorization": "Bearer " + KEY})
            statuses.append(response.status_code)
            time.sleep(0.05)

    caller = threading.Thread(target=call_forever)
    caller.start()
    try:
        time.sleep(1)
        assert control.stop_service(stack_config(loaded_hbase), "thrift")
        time.sleep(3)
    finally:
        control.start_service(stack_config(loaded_hbase), "thrift")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (len(statuses) < 5 or statuses[-5:] != [200] * 5):
        time.sleep(0.2)
    stop.set()
    caller.join(timeout=30)
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert 503 in statuses
    assert statuses[-5:] == [200] * 5
