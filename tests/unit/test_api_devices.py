"""Device endpoints over the fake HBase: summary, daily, batchGet."""

from __future__ import annotations

import pytest
from api_samples import AS_OF, AUTH, MEMBER, PHONE, POS

pytest_plugins = ["api_fixtures"]  # the fake HBase and app fixtures


def test_summary_has_type_owner_seen_app_os_battery_and_freshness(api_client, fake_hbase):
    response = api_client.get("/v1/devices/%s" % PHONE, headers=AUTH)
    assert response.status_code == 200
    assert response.json == {
        "device_id": PHONE,
        "device_type": "phone",
        "owner_member_id": MEMBER,
        "first_seen": "2026-10-19T07:00:00.000Z",
        "last_seen": "2026-11-27T08:15:00.123Z",
        "last_app_version": "3.2.1",
        "last_os": "android 14",
        "last_battery_pct": 57.5,
        "event_count": 321,
        "as_of": AS_OF,
    }
    assert [(table, method) for table, method, _ in fake_hbase.calls] == [("device_summary", "row")]


def test_summary_nulls(api_client):
    response = api_client.get("/v1/devices/%s" % POS, headers=AUTH)
    assert response.status_code == 200
    assert response.json["owner_member_id"] is None
    assert response.json["last_battery_pct"] is None


def test_unknown_device_is_404(api_client):
    response = api_client.get("/v1/devices/d-unknown", headers=AUTH)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_daily_newest_first_with_rollup_fields(api_client):
    response = api_client.get("/v1/devices/%s/daily" % PHONE, headers=AUTH)
    assert response.status_code == 200
    items = response.json["items"]
    assert [item["date"] for item in items] == [
        "2026-11-27", "2026-11-26", "2026-11-25", "2026-11-24", "2026-11-23"]
    assert items[0]["events_by_type"] == {"heartbeat": 8, "purchase": 2}
    assert items[0]["spend"] == [{"amount_cents": 1000, "currency": "USD"}]
    assert items[0]["temperature_c_mean"] is None
    assert items[0]["battery_min"] == 12.5
    assert "next_page_token" not in response.json


def test_daily_pagination_across_pages(api_client):
    first = api_client.get("/v1/devices/%s/daily" % PHONE, headers=AUTH,
                       query_string={"page_size": 3})
    assert len(first.json["items"]) == 3
    second = api_client.get("/v1/devices/%s/daily" % PHONE, headers=AUTH, query_string={
        "page_size": 3, "page_token": first.json["next_page_token"]})
    assert [item["date"] for item in second.json["items"]] == ["2026-11-24", "2026-11-23"]
    assert "next_page_token" not in second.json


def test_daily_date_window(api_client):
    response = api_client.get("/v1/devices/%s/daily" % PHONE, headers=AUTH,
                          query_string={"start": "2026-11-24", "end": "2026-11-25"})
    assert [item["date"] for item in response.json["items"]] == ["2026-11-25", "2026-11-24"]


def test_device_ids_with_dots_and_colons(api_client):
    assert api_client.get("/v1/devices/a.b:c-d_e", headers=AUTH).status_code == 404


def test_batch_get_devices(api_client, fake_hbase):
    response = api_client.post("/v1/devices:batchGet", headers=AUTH,
                           json={"ids": [POS, "d-none", PHONE]})
    assert response.status_code == 200
    assert [item["device_id"] for item in response.json["items"]] == [POS, PHONE]
    assert response.json["missing_ids"] == ["d-none"]
    assert [(table, method) for table, method, _ in fake_hbase.calls] == [
        ("device_summary", "rows")]


def test_batch_get_devices_over_100_is_400(api_client):
    response = api_client.post("/v1/devices:batchGet", headers=AUTH,
                           json={"ids": ["d-%d" % n for n in range(101)]})
    assert response.status_code == 400
    assert response.json["errors"]["ids"] == ["Length must be between 1 and 100."]


def test_batch_get_devices_empty_list_is_400(api_client):
    response = api_client.post("/v1/devices:batchGet", headers=AUTH, json={"ids": []})
    assert response.status_code == 400


@pytest.mark.parametrize("path", [
    "/v1/devices/d-1%0A", "/v1/devices/d-1%0A/daily", "/v1/devices/d-1%0D%0A",
])
def test_device_id_with_a_line_break_is_a_400(api_client, path):
    response = api_client.get(path, headers=AUTH)
    assert response.status_code == 400
    assert "device_id" in response.json["errors"]


def test_batch_get_device_id_with_a_trailing_newline_is_a_400(api_client):
    response = api_client.post("/v1/devices:batchGet", headers=AUTH, json={"ids": ["d-1", "d-2\n"]})
    assert response.status_code == 400
    assert "ids.1" in response.json["errors"]
