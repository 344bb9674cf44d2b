"""Creating the tables on the real HBase: pre-split, idempotent, drift reported."""

from __future__ import annotations

import pytest

from hbase_schema import admin, keys, tables
from hbase_schema.presplit import java_splitter

pytestmark = pytest.mark.integration
# The fixtures hbase_settings, hbase_pool, hbase_tools.


@pytest.fixture
def splitter(hbase_settings, hbase_tools):
    return java_splitter(hbase_tools, hbase_settings.stack_dir / "classes")


def test_create_twice_is_harmless_and_presplits(hbase_settings, hbase_pool, splitter):
    specs = tables.table_specs(hbase_settings.hbase_daily_ttl_days,
                               hbase_settings.hbase_events_ttl_days)
    with hbase_pool.connection() as connection:
        first = admin.create_tables(connection, specs, 16, splitter)
        # No explicit timestamp: an old one would be past the 400-day TTL.
        connection.table("member_daily").put(b"03m-1|x", {b"r:purchases": b"7"})
    with hbase_pool.connection() as connection:
        second = admin.create_tables(connection, specs, 16, splitter)
        assert sorted(first.created) == sorted(tables.TABLES)
        assert sorted(first.split) == sorted(tables.TABLES)
        assert second.created == [] and second.split == [] and second.drift == []
        assert connection.table("member_daily").row(b"03m-1|x") == {b"r:purchases": b"7"}
        states = {state.name: state for state in admin.describe(connection, specs)}
    for name in tables.TABLES:
        assert states[name].regions == 16
        assert states[name].drift == []
    regions = states["member_events"]
    assert regions.families["e"]["time_to_live"] == 90 * 86400
    assert regions.families["e"]["compression"] == "GZ"
    with hbase_pool.connection() as connection:
        starts = [r["start_key"] for r in connection.table("device_daily").regions()]
    assert starts == [b""] + keys.split_points(16)


def test_a_drifted_table_is_reported_not_dropped(hbase_pool, splitter):
    with hbase_pool.connection() as connection:
        connection.create_table("member_events", {"e": {"max_versions": 3}})
        connection.table("member_events").put(b"05m|1|e", {b"e:event_id": b"e"}, timestamp=7)
        specs = {"member_events": tables.table_specs(400, 90)["member_events"]}
        report = admin.create_tables(connection, specs, 4, splitter)
        drift = {(d.family, d.option): d.actual for d in report.drift}
        assert drift[("e", "max_versions")] == 3
        assert drift[("e", "compression")] == "NONE"
        assert report.existing == ["member_events"]
        table = connection.table("member_events")
        assert table.families()[b"e"]["max_versions"] == 3
        assert table.row(b"05m|1|e") == {b"e:event_id": b"e"}
        # Missing split points are added: splitting moves no data.
        assert len(table.regions()) == 4
