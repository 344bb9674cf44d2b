"""The lookup API against a real HBase (Thrift) holding tables loaded by the pipeline.

Needs the fixtures ``settings`` (kickback Settings of the running stack) and
``loaded_hbase`` (the tables loaded). Sample ids are read from the tables
themselves, and every answer is compared with a direct happybase read.
"""

from __future__ import annotations

import json
import socket
import threading

import happybase
import pytest

from api import create_app
from hbase_schema import keys
from kickback.commands.api import app_config

pytestmark = pytest.mark.integration

KEY = "integration-test-key"
AUTH = {"Authorization": "Bearer " + KEY}
MAX_PAGES = 200


@pytest.fixture
def raw(settings, loaded_hbase):
    """A direct happybase connection to the same tables."""
    connection = happybase.Connection(
        settings.hbase_host, settings.hbase_thrift_port,
        table_prefix=settings.hbase_table_prefix or None, timeout=settings.hbase_timeout_ms)
    yield connection
    connection.close()


def make_app(settings, **overrides):
    config = app_config(settings)
    config.update({"API_KEYS": [KEY], "TESTING": True, **overrides})
    return create_app(config)


@pytest.fixture
def client(settings, loaded_hbase):
    return make_app(settings).test_client()


def sample_id(raw, table):
    """The entity id of the first row of a daily table."""
    for key, _ in raw.table(table).scan(limit=1):
        return keys.parse_daily_key(key)[0]
    pytest.fail("%s is empty: loaded_hbase loaded nothing" % table)


def raw_rows(raw, settings, table, entity_id):
    prefix = keys.entity_prefix(entity_id, settings.hbase_buckets)
    return list(raw.table(table).scan(row_prefix=prefix))


def all_pages(client, path, **query):
    items, token = [], None
    for _ in range(MAX_PAGES):
        params = dict(query, **({"page_token": token} if token else {}))
        response = client.get(path, headers=AUTH, query_string=params)
        assert response.status_code == 200, response.json
        items += response.json["items"]
        token = response.json.get("next_page_token")
        if token is None:
            return items
    pytest.fail("more than %d pages" % MAX_PAGES)


def test_readyz(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json


def test_member_summary_matches_hbase(client, raw, settings):
    member_id = sample_id(raw, "member_daily")
    response = client.get("/v1/members/%s" % member_id, headers=AUTH)
    assert response.status_code == 200, response.json
    cells = raw.table("member_summary").row(keys.summary_key(member_id, settings.hbase_buckets))
    assert response.json["points_balance"] == int(cells[b"s:points_balance"])
    spend = json.loads(cells[b"s:spend"] or b"{}")
    assert {m["currency"]: m["amount_cents"] for m in response.json["lifetime_spend"]} == spend
    assert response.json["as_of"]


def test_member_devices_are_family_d(client, raw, settings):
    member_id = sample_id(raw, "member_daily")
    response = client.get("/v1/members/%s/devices" % member_id, headers=AUTH)
    assert response.status_code == 200
    cells = raw.table("member_summary").row(
        keys.summary_key(member_id, settings.hbase_buckets), columns=[b"d"])
    assert sorted(d["device_id"] for d in response.json["devices"]) == sorted(
        column.decode()[2:] for column in cells)


def test_member_daily_pages_cover_the_raw_rows_newest_first(client, raw, settings):
    member_id = sample_id(raw, "member_daily")
    items = all_pages(client, "/v1/members/%s/daily" % member_id, page_size=3)
    expected = [keys.parse_daily_key(key)[1].isoformat()
                for key, _ in raw_rows(raw, settings, "member_daily", member_id)]
    assert [item["date"] for item in items] == expected
    assert expected == sorted(expected, reverse=True)


def test_member_events_newest_first_and_type_filter_in_hbase(client, raw, settings):
    member_id = keys.parse_event_key(next(raw.table("member_events").scan(limit=1))[0])[0]
    rows = raw_rows(raw, settings, "member_events", member_id)
    items = all_pages(client, "/v1/members/%s/events" % member_id, page_size=5)
    assert [item["event_id"] for item in items] == [
        keys.parse_event_key(key)[2] for key, _ in rows]
    times = [item["event_time"] for item in items]
    assert times == sorted(times, reverse=True)
    for event_type in ("purchase", "redeem", "checkin"):
        filtered = all_pages(client, "/v1/members/%s/events" % member_id,
                             page_size=2, type=event_type)
        assert all(item["event_type"] == event_type for item in filtered)
        assert len(filtered) == sum(
            1 for _, cells in rows if cells.get(b"e:event_type") == event_type.encode())


def test_device_summary_and_daily(client, raw, settings):
    device_id = sample_id(raw, "device_daily")
    summary = client.get("/v1/devices/%s" % device_id, headers=AUTH)
    assert summary.status_code == 200, summary.json
    assert summary.json["device_id"] == device_id
    items = all_pages(client, "/v1/devices/%s/daily" % device_id, page_size=4)
    assert len(items) == len(raw_rows(raw, settings, "device_daily", device_id))


def test_batch_get_found_and_missing(client, raw):
    member_id = sample_id(raw, "member_daily")
    response = client.post("/v1/members:batchGet", headers=AUTH,
                           json={"ids": [member_id, "no-such-member-zz"]})
    assert response.status_code == 200
    assert [item["member_id"] for item in response.json["items"]] == [member_id]
    assert response.json["missing_ids"] == ["no-such-member-zz"]


def test_unknown_ids_are_404(client):
    assert client.get("/v1/members/no-such-member-zz", headers=AUTH).status_code == 404
    assert client.get("/v1/devices/no-such-device-zz", headers=AUTH).status_code == 404


def test_etag_round_trip(client, raw):
    path = "/v1/devices/%s/daily" % sample_id(raw, "device_daily")
    etag = client.get(path, headers=AUTH).headers["ETag"]
    assert client.get(path, headers={**AUTH, "If-None-Match": etag}).status_code == 304


class DroppingProxy:
    """A loopback TCP proxy to HBase Thrift that can drop every open connection."""

    def __init__(self, host, port):
        self._target = (host, port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._open = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self._target, timeout=30)
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def drop_all(self):
        """Close every proxied connection, as a server closing idle clients would."""
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                except OSError:
                    pass
            self._open.clear()

    def close(self):
        self.drop_all()
        self._server.close()


def test_connection_closed_while_idle_is_retried_transparently(settings, raw):
    member_id = sample_id(raw, "member_daily")
    proxy = DroppingProxy(settings.hbase_host, settings.hbase_thrift_port)
    try:
        app = make_app(settings, HBASE_HOST="127.0.0.1", HBASE_THRIFT_PORT=proxy.port,
                       HBASE_POOL_SIZE=1)
        client = app.test_client()
        assert client.get("/v1/members/%s" % member_id, headers=AUTH).status_code == 200
        proxy.drop_all()
        response = client.get("/v1/members/%s" % member_id, headers=AUTH)
        assert response.status_code == 200, response.json
    finally:
        proxy.close()


def test_unreachable_hbase_is_503_with_retry_after(settings, loaded_hbase):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app = make_app(settings, HBASE_HOST="127.0.0.1", HBASE_THRIFT_PORT=closed_port,
                   HBASE_TIMEOUT_MS=2000)
    response = app.test_client().get("/v1/members/m-1", headers=AUTH)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
