"""/docs in headless Chromium, served by `kickback api serve` (gunicorn) on a free port.

Needs the ``settings`` and ``loaded_hbase`` fixtures (the running stack, tables
loaded) and /usr/bin/chromium.
"""

from __future__ import annotations

import html
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
START_TIMEOUT_S = 60


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served_api(settings, loaded_hbase, tmp_path):
    """`kickback api serve` on a free loopback port; its base URL."""
    port = free_port()
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        "KICKBACK_HBASE_HOST": settings.hbase_host,
        "KICKBACK_HBASE_THRIFT_PORT": str(settings.hbase_thrift_port),
        "KICKBACK_HBASE_TABLE_PREFIX": settings.hbase_table_prefix,
        "KICKBACK_HBASE_BUCKETS": str(settings.hbase_buckets),
        "KICKBACK_API_KEYS": "browser-test-key",
    })
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-c", "from kickback.cli import run; run()", "api", "serve",
         "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = "http://127.0.0.1:%d" % port
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("api serve did not start:\n%s"
                            % (tmp_path / "serve.log").read_text(errors="replace"))
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def dump_dom(url, profile):
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--user-data-dir=%s" % profile, "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_docs_page_lists_every_path(served_api, tmp_path):
    spec = requests.get(served_api + "/openapi.json", timeout=10).json()
    dom = html.unescape(dump_dom(served_api + "/docs", tmp_path / "chromium-profile"))
    assert spec["info"]["title"] in dom
    assert len(spec["paths"]) == 12
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "%s %s" % (method.upper(), path) in dom
            assert operation["summary"] in dom


def test_served_api_reaches_hbase(served_api):
    assert requests.get(served_api + "/readyz", timeout=30).status_code == 200
