"""Tests for hive.dialect: Hive 4's "not found" wording, and the kickback+hive:// registration."""

from __future__ import annotations

import pytest
from pyhive.sqlalchemy_hive import HiveDialect
from sqlalchemy import create_engine, exc
from sqlalchemy.engine import make_url

from hive.dialect import KickbackHiveDialect, names_missing

# What HiveServer2 4.0.1 answers to DESCRIBE, as SQLAlchemy words the error.
PREFIX = ("(pyhive.exc.OperationalError) TExecuteStatementResp(status=TStatus(statusCode=3, "
          "infoMessages=['Server-side error; please check HS2 logs.'], sqlState='42S02', errorCode=10001, "
          "errorMessage='Error while compiling statement: FAILED: SemanticException [Error %d]: ")
TABLE_NOT_FOUND = PREFIX % 10001 + "Table not found %s'), operationHandle=None)"
DATABASE_MISSING = PREFIX % 10072 + "Database does not exist: %s'), operationHandle=None)"


@pytest.mark.parametrize("message, table, schema, missing", [
    # Hive 4 adds the current database to an unqualified name.
    (TABLE_NOT_FOUND % "kickback.nope", "nope", None, True),
    (TABLE_NOT_FOUND % "kickback.nope", "nope", "kickback", True),
    (TABLE_NOT_FOUND % "nope", "nope", None, True),
    (TABLE_NOT_FOUND % "kickback.nope", "NOPE", "KickBack", True),
    (DATABASE_MISSING % "nosuchdb", "events", "nosuchdb", True),
    # Another table or database is not this one.
    (TABLE_NOT_FOUND % "kickback.other", "nope", None, False),
    (TABLE_NOT_FOUND % "other.nope", "nope", "kickback", False),
    (DATABASE_MISSING % "otherdb", "events", "nosuchdb", False),
    # Anything else is a real error.
    (PREFIX % 40000 + "ParseException line 1:9 cannot recognize input near 'SELECT'')", "SELECT", None, False),
    ("(pyhive.exc.OperationalError) TSocket read 0 bytes", "events", None, False),
])
def test_names_missing_reads_hive_4_messages(message, table, schema, missing):
    assert names_missing(message, table, schema) is missing


def test_the_entry_point_resolves_kickback_hive_urls():
    assert make_url("kickback+hive://analyst@127.0.0.1:10000/kickback").get_dialect() is KickbackHiveDialect

    engine = create_engine("kickback+hive://analyst@127.0.0.1:10000/kickback")
    try:
        assert isinstance(engine.dialect, KickbackHiveDialect)
        assert engine.dialect.name == "hive"
    finally:
        engine.dispose()


def test_plain_hive_urls_stay_pyhives_own():
    assert make_url("hive://analyst@127.0.0.1:10000/kickback").get_dialect() is HiveDialect


def _failing_describe(message):
    def describe(self, connection, table_name, schema):
        raise exc.OperationalError("DESCRIBE %s" % table_name, {}, Exception(message))
    return describe


def test_a_missing_table_is_no_such_table_and_has_table_answers_false(monkeypatch):
    dialect = KickbackHiveDialect()
    message = "Error while compiling statement: FAILED: SemanticException [Error 10001]: Table not found kickback.nope"
    monkeypatch.setattr(HiveDialect, "_get_table_columns", _failing_describe(message))

    with pytest.raises(exc.NoSuchTableError, match="nope"):
        dialect._get_table_columns(None, "nope", None)
    assert dialect.has_table(None, "nope") is False


def test_other_errors_still_raise(monkeypatch):
    monkeypatch.setattr(HiveDialect, "_get_table_columns", _failing_describe("TSocket read 0 bytes"))

    with pytest.raises(exc.OperationalError, match="TSocket"):
        KickbackHiveDialect().has_table(None, "events")
