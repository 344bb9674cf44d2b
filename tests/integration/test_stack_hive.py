"""The stack's Apache Hive through the clients analysts use: PyHive's DB-API and SQLAlchemy.

Against the real metastore service and HiveServer2 that the test session
starts. What used to break on the Spark Thrift Server is asserted here:
column names keep their table prefix in the DB-API, ``SHOW TABLES`` has
one column, ``USE`` leaves the cursor usable, and SQLAlchemy reflection
(``has_table``, ``get_table_names``, ``get_columns``) answers on the
project's tables.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pyhive import hive
from sqlalchemy import MetaData, Table, create_engine, inspect, text
from sqlalchemy.exc import NoSuchTableError, OperationalError

from hive.dedup import DEDUP_COLUMNS
from hive.partitions import PARTITIONED_TABLES
from kickback.commands.stack import stack_config
from mapreduce import records
from stack import hive as stack_hive
from tests.integration.conftest_hive import event

DAY = "2026-06-01"


@pytest.fixture
def cursor(settings):
    conn = hive.connect(
        host=settings.hive_host, port=settings.hive_port,
        auth=settings.hive_auth, username=settings.hive_username,
    )
    cur = conn.cursor()
    cur.execute("CREATE DATABASE IF NOT EXISTS %s" % settings.hive_database)
    yield cur
    cur.execute("DROP DATABASE IF EXISTS %s CASCADE" % settings.hive_database)
    conn.close()


def test_it_is_apache_hive_4_on_the_metastore_service(cursor, settings):
    cursor.execute("SELECT version()")
    (version,) = cursor.fetchone()
    cursor.execute("SET hive.metastore.uris")
    (uris,) = cursor.fetchone()

    assert version.startswith("4.0.1 ")
    assert uris == "hive.metastore.uris=%s" % stack_hive.metastore_uri(stack_config(settings))
    # Any Thrift client of the metastore (another engine) sees the same catalog.
    assert settings.hive_database in stack_hive.get_all_databases("127.0.0.1", settings.hive_metastore_port)


def test_partitioned_external_table(cursor, settings, tmp_path):
    day1 = tmp_path / "t" / "dt=2026-11-01"
    day2 = tmp_path / "t" / "dt=2026-11-02"
    day1.mkdir(parents=True)
    day2.mkdir(parents=True)
    (day1 / "part-0").write_text("d1\tphone\t3\nd2\tpos\t5\n")
    (day2 / "part-0").write_text("d1\tphone\t7\n")
    table = "%s.smoke_daily" % settings.hive_database
    cursor.execute(
        "CREATE EXTERNAL TABLE IF NOT EXISTS %s (device_id STRING, device_type STRING, n BIGINT) "
        "PARTITIONED BY (dt STRING) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' "
        "STORED AS TEXTFILE LOCATION '%s'" % (table, "file://" + str(tmp_path / "t"))
    )
    for day in (day1, day2):
        cursor.execute(
            "ALTER TABLE %s ADD IF NOT EXISTS PARTITION (dt='%s') LOCATION '%s'"
            % (table, day.name[3:], "file://" + str(day))
        )
    cursor.execute("SHOW PARTITIONS %s" % table)
    assert sorted(row[0] for row in cursor.fetchall()) == ["dt=2026-11-01", "dt=2026-11-02"]

    cursor.execute(
        "SELECT device_id, SUM(n) FROM %s WHERE dt = %%(dt)s GROUP BY device_id ORDER BY device_id" % table,
        {"dt": "2026-11-01"},
    )
    assert cursor.fetchall() == [("d1", 3), ("d2", 5)]
    cursor.execute("SELECT SUM(n) FROM %s" % table)
    assert cursor.fetchall() == [(15,)]


def test_dbapi_column_names_use_and_show_tables_behave_like_hive(cursor, settings):
    cursor.execute("CREATE TABLE %s.t (a INT, b STRING)" % settings.hive_database)

    cursor.execute("USE %s" % settings.hive_database)
    cursor.execute("SELECT * FROM t")
    star = [column[0] for column in cursor.description]
    assert cursor.fetchone() is None
    cursor.execute("SELECT a, t.b, count(*) FROM t GROUP BY a, t.b")
    named = [column[0] for column in cursor.description]
    cursor.execute("SHOW TABLES")
    shown = cursor.fetchall()

    # hive.resultset.use.unique.column.names: * and qualified columns carry
    # their table; an unnamed expression is _c<position>.
    assert star == ["t.a", "t.b"]
    assert named == ["a", "t.b", "_c2"]
    assert shown == [("t",)]


# --- SQLAlchemy and pandas on the project's tables ---


def _engine(settings, scheme):
    return create_engine("%s://%s@%s:%d/%s" % (
        scheme, settings.hive_username, settings.hive_host, settings.hive_port, settings.hive_database))


@pytest.fixture
def engines(settings, hive_cursor):
    """Both documented URLs, on the session database with the project's tables."""
    made = {scheme: _engine(settings, scheme) for scheme in ("hive", "kickback+hive")}
    yield made
    for engine in made.values():
        engine.dispose()


def test_reflection_sees_the_project_tables_on_both_urls(engines):
    for engine in engines.values():
        inspector = inspect(engine)

        assert sorted(inspector.get_table_names()) == sorted(PARTITIONED_TABLES)
        assert inspector.has_table("events_dedup")
        columns = [column["name"] for column in inspector.get_columns("member_daily")]
        assert columns == list(records.DATASETS["member_daily"]) + ["dt"]
        dedup = Table("events_dedup", MetaData(), autoload_with=engine)
        assert [column.name for column in dedup.columns] == list(DEDUP_COLUMNS) + ["event_dt"]


def test_the_project_url_answers_has_table_for_missing_tables(engines, settings):
    inspector = inspect(engines["kickback+hive"])

    assert inspector.has_table("no_such_table") is False
    assert inspector.has_table("no_such_table", schema=settings.hive_database) is False
    assert inspector.has_table("events", schema="no_such_database_%s" % settings.hive_database) is False
    with pytest.raises(NoSuchTableError):
        Table("no_such_table", MetaData(), autoload_with=engines["kickback+hive"])


def test_plain_hive_url_answers_only_with_a_schema(engines, settings):
    inspector = inspect(engines["hive"])

    assert inspector.has_table("no_such_table", schema=settings.hive_database) is False
    # PyHive 0.7 does not recognise Hive 4's "Table not found <db>.<table>".
    with pytest.raises(OperationalError, match="Table not found"):
        inspector.has_table("no_such_table")


def test_pandas_reads_a_partition_with_bare_column_names(engines, register, warehouse):
    warehouse.partition("events", DAY, [
        event("p1", DAY + "T10:00:00.000Z", DAY, event_type="purchase", member_id="m1", amount_cents=250),
        event("p2", DAY + "T11:00:00.000Z", DAY, event_type="purchase", member_id="m2", amount_cents=100),
        event("a1", DAY + "T12:00:00.000Z", DAY),
    ], hour="10")
    warehouse.manifest(DAY, [DAY])
    register(DAY)

    for engine in engines.values():
        with engine.connect() as connection:
            frame = pd.read_sql_query(
                text("SELECT event_id, member_id, amount_cents FROM events_dedup "
                     "WHERE event_dt = :day AND event_type = 'purchase' ORDER BY event_id"),
                connection, params={"day": DAY})

        assert frame.columns.tolist() == ["event_id", "member_id", "amount_cents"]
        assert frame.to_dict("records") == [
            {"event_id": "p1", "member_id": "m1", "amount_cents": 250},
            {"event_id": "p2", "member_id": "m2", "amount_cents": 100},
        ]
