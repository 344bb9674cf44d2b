"""``kickback hive`` against a port that is not HiveServer2: one line naming the settings."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from other_servers import bytes_server, other_thrift_server

from kickback.cli import main

# A Thrift message header whose method name is not UTF-8 (what PyHive
# decodes from, e.g., HBase's RPC port), and bytes that are no Thrift at all.
NOT_UTF8_NAME = b"\x80\x01\x00\x02\x00\x00\x00\x01\x91\x00\x00\x00\x01"
NO_THRIFT = b"\xff" * 64


@pytest.fixture
def runner(clean_env) -> CliRunner:
    clean_env.setenv("KICKBACK_HIVE_AUTH", "NOSASL")
    return CliRunner()


def check_wrong_endpoint(result, port: int) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    line = lines[0]
    assert "127.0.0.1:%d does not answer as HiveServer2" % port in line
    assert "KICKBACK_HIVE_PORT" in line and "KICKBACK_HIVE_AUTH" in line
    assert "hive init" not in line
    return line


@pytest.mark.parametrize("reply", [NOT_UTF8_NAME, NO_THRIFT], ids=["not-utf8", "no-thrift"])
def test_another_protocol_on_the_hive_port(runner, reply):
    with bytes_server(reply) as port:
        result = runner.invoke(main, ["hive", "sql", "SELECT 1"], env={"KICKBACK_HIVE_PORT": str(port)})
    check_wrong_endpoint(result, port)


def test_another_thrift_service_on_the_hive_port(runner, tmp_path):
    with other_thrift_server(tmp_path) as port:
        result = runner.invoke(main, ["hive", "init"], env={"KICKBACK_HIVE_PORT": str(port)})
    line = check_wrong_endpoint(result, port)
    assert "OpenSession" in line or "Unknown method" in line
