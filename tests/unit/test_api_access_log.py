"""One access log line per request with method, path, status and latency in ms."""

from __future__ import annotations

import logging
import re

from api_samples import AUTH, MEMBER

pytest_plugins = ["api_fixtures"]  # the fake HBase and app fixtures

LINE = re.compile(r"^(GET|POST|DELETE) (\S+) (\d{3}) (\d+\.\d)ms$")


def access_lines(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "api.access_log"]


def test_one_line_per_request_with_status_and_ms(api_client, caplog):
    caplog.set_level(logging.INFO, logger="api.access_log")
    api_client.get("/healthz")
    api_client.get("/v1/members/%s?page_token=secret-ish" % MEMBER, headers=AUTH)
    api_client.get("/v1/members/m-unknown", headers=AUTH)
    api_client.delete("/healthz")
    lines = access_lines(caplog)
    assert len(lines) == 4
    parsed = [LINE.match(line).groups()[:3] for line in lines]
    assert parsed == [
        ("GET", "/healthz", "200"),
        ("GET", "/v1/members/%s" % MEMBER, "400"),
        ("GET", "/v1/members/m-unknown", "404"),
        ("DELETE", "/healthz", "405"),
    ]
    assert not any("secret-ish" in line for line in lines)


def test_errors_from_hbase_are_logged_with_their_status(api_client, fake_hbase, caplog):
    caplog.set_level(logging.INFO, logger="api.access_log")
    fake_hbase.fail_next(2)
    api_client.get("/v1/devices/d-1", headers=AUTH)
    assert [LINE.match(line).group(3) for line in access_lines(caplog)] == ["503"]


def test_control_characters_in_the_path_cannot_forge_a_line(api_client, caplog):
    caplog.set_level(logging.INFO, logger="api.access_log")
    forged = "/v1/members/m-1%0AGET /healthz 200 0.1ms%0D%1B[2J\\x"
    api_client.get(forged, headers=AUTH)
    lines = access_lines(caplog)
    assert len(lines) == 1
    assert len(lines[0].splitlines()) == 1
    assert lines[0].startswith("GET /v1/members/m-1\\nGET /healthz 200 0.1ms\\r\\x1b[2J\\\\x 404 ")
    assert not any(ch in lines[0] for ch in "\n\r\x1b")


def test_unicode_line_separators_and_bidi_controls_are_escaped(api_client, caplog):
    caplog.set_level(logging.INFO, logger="api.access_log")
    api_client.get("/v1/members/a%E2%80%A8b%C2%85c%E2%80%AEd", headers=AUTH)
    (line,) = access_lines(caplog)
    assert "/v1/members/a\\u2028b\\x85c\\u202ed " in line
    assert len(line.splitlines()) == 1

