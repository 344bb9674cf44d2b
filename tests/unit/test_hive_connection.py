"""Tests for hive.connection: connecting and one-line error messages."""

from __future__ import annotations

import pytest
from pyhive import exc as pyhive_exc
from pyhive.hive import ttypes
from thrift.transport.TTransport import TTransportException

from hive.connection import HiveUnavailable, connect, error_message

SPARK_MESSAGE = (
    "Error running query: [TABLE_OR_VIEW_NOT_FOUND] org.apache.spark.sql.AnalysisException: "
    "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. Verify the spelling.\n"
    "If you did not qualify the name with a schema, verify the current_schema() output.\n"
    "'Project [*]\n+- 'UnresolvedRelation [nope], [], false\n"
)


def _server_error(message: str) -> pyhive_exc.OperationalError:
    status = ttypes.TStatus(statusCode=ttypes.TStatusCode.ERROR_STATUS, errorMessage=message,
                            infoMessages=["*org.apache.hive.service.cli.HiveSQLException:...", "a:b:c.java:1"])
    return pyhive_exc.OperationalError(ttypes.TExecuteStatementResp(status=status))


def test_connect_passes_settings_and_database_only_when_given(mocker):
    fake = mocker.patch("hive.connection.hive.connect", return_value="connection")

    assert connect("h", 10000, "analyst", "NOSASL") == "connection"
    connect("h", 10000, "analyst", database="kickback")

    assert fake.call_args_list == [
        mocker.call(host="h", port=10000, username="analyst", auth="NOSASL"),
        mocker.call(host="h", port=10000, username="analyst", auth="NONE", database="kickback"),
    ]


def test_refused_connection_names_host_port_and_the_fix(mocker):
    mocker.patch("hive.connection.hive.connect", side_effect=TTransportException(
        TTransportException.NOT_OPEN, "Could not connect to any of [('127.0.0.1', 10000)]"))

    with pytest.raises(HiveUnavailable) as info:
        connect("127.0.0.1", 10000, "analyst")

    assert str(info.value) == "cannot reach HiveServer2 at 127.0.0.1:10000: is the stack up? Try `kickback stack up`"


def test_other_transport_failures_point_at_auth(mocker):
    mocker.patch("hive.connection.hive.connect", side_effect=TTransportException(
        TTransportException.UNKNOWN, "Length exceeded max allowed"))

    with pytest.raises(HiveUnavailable, match="would not open a session .*Length exceeded.*hive_auth"):
        connect("h", 1, "analyst")


def test_spark_errors_become_one_line_without_the_java_class():
    assert error_message(_server_error(SPARK_MESSAGE)) == (
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. Verify the spelling."
    )


def test_hive_errors_keep_their_first_line():
    message = "Error while compiling statement: FAILED: SemanticException [Error 10001]: Table not found nope\nmore"

    assert error_message(_server_error(message)) == (
        "Error while compiling statement: FAILED: SemanticException [Error 10001]: Table not found nope"
    )


def test_parse_errors_keep_their_text():
    message = "Error running query: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'.(line 1, pos 0)\n\n== SQL =="

    assert error_message(_server_error(message)) == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'.(line 1, pos 0)"


def test_transport_and_client_errors_give_their_own_message():
    assert error_message(TTransportException(TTransportException.END_OF_FILE, "TSocket read 0 bytes")) == (
        "TSocket read 0 bytes"
    )
    assert error_message(pyhive_exc.ProgrammingError("No result set")) == "No result set"
    assert error_message(pyhive_exc.ProgrammingError()) == "ProgrammingError"
