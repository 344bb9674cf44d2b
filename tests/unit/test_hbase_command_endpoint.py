"""``kickback hbase`` against a port that is not an HBase Thrift1 server: one line, no traceback."""

from __future__ import annotations

import contextlib

import pytest
from click.testing import CliRunner
from Hbase_thrift import IllegalArgument
from other_servers import http_server, other_thrift_server
from thriftpy2.thrift import TApplicationException

from hbase_schema.errors import HBaseIOError  # noqa: F401  (imports happybase: registers Hbase_thrift)
from kickback.cli import main


@pytest.fixture
def runner(clean_env) -> CliRunner:
    clean_env.setenv("KICKBACK_HBASE_TIMEOUT_MS", "5000")
    return CliRunner()


def check_one_line(result, port: int) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "127.0.0.1:%d" % port in lines[0]
    assert "KICKBACK_HBASE_THRIFT_PORT" in lines[0]
    return lines[0]


@pytest.mark.parametrize("command", [["hbase", "describe"], ["hbase", "create"]])
def test_an_http_server_on_the_thrift_port(runner, command):
    with http_server() as port:
        result = runner.invoke(main, command, env={"KICKBACK_HBASE_THRIFT_PORT": str(port)})
    line = check_one_line(result, port)
    assert "does not answer as an HBase Thrift1 server" in line


def test_another_thrift_service_on_the_thrift_port(runner, tmp_path):
    with other_thrift_server(tmp_path) as port:
        result = runner.invoke(main, ["hbase", "describe"], env={"KICKBACK_HBASE_THRIFT_PORT": str(port)})
    line = check_one_line(result, port)
    assert "does not answer as an HBase Thrift1 server" in line
    assert "Unknown method" in line


def test_a_closed_port_names_the_settings(runner):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(main, ["hbase", "describe"], env={"KICKBACK_HBASE_THRIFT_PORT": str(port)})
    line = check_one_line(result, port)
    assert "is unreachable" in line and "`kickback stack up`" in line


class _Raising:
    """A pool whose one connection raises ``error`` on its first call."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __call__(self, *args, **kwargs) -> "_Raising":
        return self

    @contextlib.contextmanager
    def connection(self, timeout=None):
        yield self

    def tables(self):
        raise self.error


@pytest.mark.parametrize("error, expected", [
    # happybase reads strings as bytes: str() of these raises TypeError.
    (TApplicationException(TApplicationException.UNKNOWN_METHOD, b"Invalid method name: 'getTableNames'"),
     "127.0.0.1:9090 does not answer as an HBase Thrift1 server (buffered transport, binary protocol: "
     "TApplicationException: Invalid method name: 'getTableNames')"),
    (TApplicationException(TApplicationException.INTERNAL_ERROR, b"Internal error processing createTable"),
     "HBase failed the call (TApplicationException: Internal error processing createTable)"),
    (IllegalArgument(message=b"Illegal character code:32, <my prefix> at 2"),
     "HBase failed the call (IllegalArgument: Illegal character code:32, <my prefix> at 2)"),
])
def test_thrift_errors_are_one_line_even_with_bytes_messages(runner, mocker, error, expected):
    mocker.patch("kickback.commands.hbase.happybase.ConnectionPool", _Raising(error))
    result = runner.invoke(main, ["hbase", "describe"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines() == ["Error: " + expected + (
        ": check KICKBACK_HBASE_HOST and KICKBACK_HBASE_THRIFT_PORT" if "Thrift1" in expected else "")]
