"""PyHive against the stack's real HiveServer2 endpoint (Spark Thrift Server)."""

from __future__ import annotations

import pytest
from pyhive import hive


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
