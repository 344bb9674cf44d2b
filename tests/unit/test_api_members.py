"""Member endpoints over the fake HBase: summary, devices, daily, events, batchGet."""

from __future__ import annotations

import pytest
from api_samples import AS_OF, AUTH, EVENTS, MEMBER, MEMBER_DAYS, PHONE, QUIET_MEMBER, TABLET

pytest_plugins = ["api_fixtures"]  # the fake HBase and app fixtures


def test_summary_has_balance_spend_seen_devices_and_freshness(api_client, fake_hbase):
    response = api_client.get("/v1/members/%s" % MEMBER, headers=AUTH)
    assert response.status_code == 200
    assert response.json == {
        "member_id": MEMBER,
        "points_balance": 380,
        "points_earned": 500,
        "points_redeemed": 120,
        "lifetime_spend": [{"amount_cents": 500, "currency": "EUR"},
                           {"amount_cents": 12345, "currency": "USD"}],
        "first_seen": "2026-10-19T07:00:00.000Z",
        "last_seen": "2026-11-27T08:15:00.123Z",
        "device_count": 2,
        "as_of": AS_OF,
    }
    # One get of family s, nothing else.
    assert [(table, method, args["columns"]) for table, method, args in fake_hbase.calls] == [
        ("member_summary", "row", [b"s"])]


def test_summary_nulls_are_json_nulls(api_client):
    response = api_client.get("/v1/members/%s" % QUIET_MEMBER, headers=AUTH)
    assert response.status_code == 200
    assert response.json["first_seen"] is None
    assert response.json["lifetime_spend"] == []
    assert response.json["points_balance"] == 0


def test_unknown_member_is_a_404_problem(api_client):
    response = api_client.get("/v1/members/m-unknown", headers=AUTH)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "m-unknown" in response.json["detail"]


def test_devices_most_recent_first_with_type_and_last_seen(api_client, fake_hbase):
    response = api_client.get("/v1/members/%s/devices" % MEMBER, headers=AUTH)
    assert response.status_code == 200
    assert response.json == {
        "member_id": MEMBER,
        "as_of": AS_OF,
        "devices": [
            {"device_id": PHONE, "device_type": "phone", "last_seen": "2026-11-27T08:15:00.123Z"},
            {"device_id": TABLET, "device_type": "phone", "last_seen": "2026-11-20T10:00:00.000Z"},
        ],
    }
    assert [(method, args["columns"]) for _, method, args in fake_hbase.calls] == [
        ("row", [b"d", b"s:as_of"])]


def test_devices_of_member_without_devices_is_empty_not_404(api_client):
    response = api_client.get("/v1/members/%s/devices" % QUIET_MEMBER, headers=AUTH)
    assert response.status_code == 200
    assert response.json["devices"] == []


def test_devices_of_unknown_member_is_404(api_client):
    assert api_client.get("/v1/members/m-unknown/devices", headers=AUTH).status_code == 404


def test_daily_newest_first_default_page_of_30(api_client, fake_hbase):
    response = api_client.get("/v1/members/%s/daily" % MEMBER, headers=AUTH)
    assert response.status_code == 200
    dates = [item["date"] for item in response.json["items"]]
    assert len(dates) == 30
    assert dates[0] == "2026-11-27"
    assert dates == sorted(dates, reverse=True)
    assert "next_page_token" in response.json
    first = response.json["items"][0]
    assert first["spend"] == [{"amount_cents": 2700, "currency": "USD"}]
    assert first["devices"] == [{"device_id": PHONE, "last_event_time": "2026-11-27T12:00:00.000Z"}]
    (table, method, args), = fake_hbase.calls
    assert (table, method, args["limit"], args["columns"]) == ("member_daily", "scan", 31, [b"r"])


def test_daily_pages_cover_every_day_once_and_last_page_has_no_token(api_client):
    seen, token, pages = [], None, 0
    while True:
        query = {"page_size": 7}
        if token:
            query["page_token"] = token
        response = api_client.get("/v1/members/%s/daily" % MEMBER, query_string=query, headers=AUTH)
        assert response.status_code == 200
        pages += 1
        seen += [item["date"] for item in response.json["items"]]
        token = response.json.get("next_page_token")
        if token is None:
            break
    assert pages == 6  # 40 days in pages of 7
    assert len(seen) == MEMBER_DAYS == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_daily_start_and_end_are_inclusive(api_client):
    response = api_client.get("/v1/members/%s/daily" % MEMBER, headers=AUTH,
                          query_string={"start": "2026-11-20", "end": "2026-11-22"})
    assert [item["date"] for item in response.json["items"]] == [
        "2026-11-22", "2026-11-21", "2026-11-20"]
    assert "next_page_token" not in response.json


def test_daily_exact_page_size_has_no_next_token(api_client):
    response = api_client.get("/v1/members/%s/daily" % MEMBER, headers=AUTH,
                          query_string={"start": "2026-11-20", "end": "2026-11-22", "page_size": 3})
    assert len(response.json["items"]) == 3
    assert "next_page_token" not in response.json


def test_daily_of_unknown_member_is_an_empty_page(api_client):
    response = api_client.get("/v1/members/m-unknown/daily", headers=AUTH)
    assert response.status_code == 200
    assert response.json == {"member_id": "m-unknown", "items": []}


def test_events_newest_first_with_money_and_points(api_client):
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH)
    assert response.status_code == 200
    items = response.json["items"]
    assert [item["event_id"] for item in items] == [event[0] for event in reversed(EVENTS)]
    assert items[0] == {
        "event_id": "e-08", "event_type": "purchase", "event_time": "2026-11-27T08:15:00.123Z",
        "device_id": PHONE, "merchant_id": "mer-1", "store_id": None,
        "amount": {"amount_cents": 700, "currency": "USD"}, "points": 7,
    }
    checkin = next(item for item in items if item["event_type"] == "checkin")
    assert checkin["amount"] is None and checkin["store_id"]


@pytest.mark.parametrize("event_type", ["purchase", "redeem", "checkin"])
def test_events_filtered_by_type_in_hbase(api_client, fake_hbase, event_type):
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH,
                          query_string={"type": event_type, "page_size": 2})
    assert response.status_code == 200
    expected = [event[0] for event in reversed(EVENTS) if event[1] == event_type]
    assert [item["event_id"] for item in response.json["items"]] == expected[:2]
    assert ("next_page_token" in response.json) == (len(expected) > 2)
    (_, _, args), = fake_hbase.calls
    assert args["filter"] == (
        "SingleColumnValueFilter ('e', 'event_type', =, 'binary:%s', true, true)" % event_type
    ).encode()


def test_events_start_inclusive_end_exclusive(api_client):
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH, query_string={
        "start": "2026-11-21T09:30:00.250Z", "end": "2026-11-23T11:00:00.000Z"})
    assert [item["event_id"] for item in response.json["items"]] == ["e-03", "e-02"]


def test_events_times_with_offsets_are_converted_to_utc(api_client):
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH, query_string={
        "start": "2026-11-27T09:15:00.123+01:00", "end": "2026-11-27T10:15:00.124+01:00"})
    assert [item["event_id"] for item in response.json["items"]] == ["e-08"]


def test_events_sub_millisecond_start_excludes_the_earlier_millisecond(api_client):
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH, query_string={
        "start": "2026-11-27T08:15:00.122500Z"})
    assert [item["event_id"] for item in response.json["items"]] == ["e-08"]
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH, query_string={
        "start": "2026-11-27T08:15:00.123500Z"})
    assert response.json["items"] == []


def test_events_pages_across_filter(api_client):
    ids, token = [], None
    for _ in range(10):
        query = {"type": "purchase", "page_size": 1}
        if token:
            query["page_token"] = token
        response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH,
                                  query_string=query)
        ids += [item["event_id"] for item in response.json["items"]]
        token = response.json.get("next_page_token")
        if not token:
            break
    assert ids == ["e-08", "e-06", "e-03", "e-02"]


def test_events_far_past_and_future_bounds_are_clamped(api_client, fake_hbase):
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH, query_string={
        "start": "0001-01-01T00:00:00+14:00", "end": "9999-12-31T23:59:59Z"})
    assert response.status_code == 200
    assert len(response.json["items"]) == len(EVENTS)


def test_events_window_before_1970_is_empty_without_a_scan(api_client, fake_hbase):
    response = api_client.get("/v1/members/%s/events" % MEMBER, headers=AUTH, query_string={
        "start": "1960-01-01T00:00:00Z", "end": "1969-01-01T00:00:00Z"})
    assert response.status_code == 200
    assert response.json["items"] == []
    assert fake_hbase.calls == []


def test_batch_get_members_found_and_missing_in_request_order(api_client, fake_hbase):
    response = api_client.post("/v1/members:batchGet", headers=AUTH,
                           json={"ids": ["m-missing", QUIET_MEMBER, MEMBER, QUIET_MEMBER]})
    assert response.status_code == 200
    assert [item["member_id"] for item in response.json["items"]] == [QUIET_MEMBER, MEMBER]
    assert response.json["missing_ids"] == ["m-missing"]
    (table, method, args), = fake_hbase.calls
    assert (table, method, len(args["rows"])) == ("member_summary", "rows", 3)


def test_batch_get_of_100_ids_is_accepted(api_client):
    ids = ["m-%03d" % number for number in range(100)]
    response = api_client.post("/v1/members:batchGet", headers=AUTH, json={"ids": ids})
    assert response.status_code == 200
    assert response.json["missing_ids"] == ids


def test_batch_get_of_101_ids_is_a_400(api_client):
    ids = ["m-%03d" % number for number in range(101)]
    response = api_client.post("/v1/members:batchGet", headers=AUTH, json={"ids": ids})
    assert response.status_code == 400
    assert "ids" in response.json["errors"]


def test_batch_get_bad_id_names_its_index(api_client):
    response = api_client.post("/v1/members:batchGet", headers=AUTH,
                               json={"ids": [MEMBER, "bad id"]})
    assert response.status_code == 400
    assert list(response.json["errors"]) == ["ids.1"]


def test_member_ids_of_the_whole_alphabet_are_accepted(api_client):
    member_id = "AZaz09_-" * 8
    assert len(member_id) == 64
    assert api_client.get("/v1/members/%s" % member_id, headers=AUTH).status_code == 404



@pytest.mark.parametrize("path", [
    "/v1/members/m-1%0A",
    "/v1/members/m-1%0A/daily",
    "/v1/members/m-1%0A/devices",
    "/v1/members/m-1%0A/events",
    "/v1/members/%0Am-1",
    "/v1/members/m-1%0D",
])
def test_member_id_with_a_line_break_is_a_400(api_client, path):
    response = api_client.get(path, headers=AUTH)
    assert response.status_code == 400
    assert "member_id" in response.json["errors"]


def test_batch_get_member_id_with_a_trailing_newline_is_a_400(api_client):
    response = api_client.post("/v1/members:batchGet", headers=AUTH, json={"ids": ["m-1\n"]})
    assert response.status_code == 400
    assert "ids.0" in response.json["errors"]
