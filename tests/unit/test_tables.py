"""Table specs (families, TTLs, options of the layout contract) and their
idempotent creation by hbase_schema.admin against the in-memory HBase."""

from __future__ import annotations

import pytest
from fake_hbase import FakeConnection, FakeHBase

from hbase_schema import admin, tables
from mapreduce import records


def test_every_contract_table_is_declared_with_its_families():
    specs = tables.table_specs(400, 90)
    assert {name: sorted(families) for name, families in specs.items()} == {
        "member_summary": ["d", "s"],
        "member_daily": ["r"],
        "member_events": ["e"],
        "device_summary": ["s"],
        "device_daily": ["r"],
    }


def test_ttls_follow_the_settings_and_summaries_never_expire():
    specs = tables.table_specs(400, 90)
    assert specs["member_daily"]["r"]["time_to_live"] == 400 * 86400
    assert specs["device_daily"]["r"]["time_to_live"] == 400 * 86400
    assert specs["member_events"]["e"]["time_to_live"] == 90 * 86400
    assert specs["member_summary"]["s"]["time_to_live"] == tables.FOREVER
    assert specs["member_summary"]["d"]["time_to_live"] == tables.FOREVER
    assert tables.table_specs(7, 3)["member_events"]["e"]["time_to_live"] == 3 * 86400


def test_every_family_has_one_version_row_bloom_and_gz():
    for families in tables.table_specs(400, 90).values():
        for options in families.values():
            assert options["max_versions"] == 1
            assert options["bloom_filter_type"] == "ROW"
            assert options["compression"] == "GZ"


def test_specs_are_independent_copies():
    specs = tables.table_specs(400, 90)
    specs["member_summary"]["s"]["max_versions"] = 9
    assert specs["member_summary"]["d"]["max_versions"] == 1
    assert tables.table_specs(400, 90)["member_summary"]["s"]["max_versions"] == 1


def test_specs_are_in_the_shape_happybase_create_table_takes(mocker):
    import happybase

    connection = happybase.Connection(autoconnect=False)
    client = mocker.patch.object(connection, "client")
    connection.create_table("member_daily", tables.table_specs(400, 90)["member_daily"])
    (name, descriptors), _ = client.createTable.call_args
    assert name == b"member_daily"
    assert descriptors[0].name in ("r:", b"r:")
    assert descriptors[0].maxVersions == 1
    assert descriptors[0].timeToLive == 400 * 86400
    assert descriptors[0].bloomFilterType == "ROW"
    assert descriptors[0].compression == "GZ"


@pytest.mark.parametrize("daily,events", [(0, 90), (400, 0)])
def test_ttls_must_be_positive(daily, events):
    with pytest.raises(ValueError):
        tables.table_specs(daily, events)


def test_layouts_store_every_column_but_the_row_key_id():
    member_events = tables.LAYOUTS["member_events"]
    assert member_events.value_columns == records.MEMBER_EVENT_COLUMNS[1:]
    assert "event_time" in member_events.value_columns
    assert "event_id" in member_events.value_columns
    for layout in tables.LAYOUTS.values():
        assert layout.columns == records.DATASETS[layout.dataset]
        assert layout.id_column not in layout.value_columns
        assert len(layout.value_columns) == len(layout.columns) - 1


# --- admin: idempotent creation, pre-split, drift (hbase_schema.admin) ---


class RecordingSplitter:
    """A splitter that splits the fake table like the Java tool does."""

    def __init__(self, hbase):
        self.hbase = hbase
        self.calls = []

    def __call__(self, plan):
        for table, split_keys in plan.items():
            self.calls.append((table, list(split_keys)))
            self.hbase.split(table, split_keys)
        self.runs = getattr(self, "runs", 0) + 1


@pytest.fixture
def server():
    return FakeHBase()


@pytest.fixture
def connection(server):
    conn = FakeConnection(server, "kb")
    conn.open()
    return conn


def test_create_tables_creates_and_presplits_every_table(server, connection):
    splitter = RecordingSplitter(server)
    report = admin.create_tables(connection, tables.table_specs(400, 90), 16, splitter)
    assert sorted(report.created) == sorted(tables.TABLES)
    assert sorted(report.split) == sorted(tables.TABLES)
    assert report.drift == []
    assert ("kb_member_daily", [b"%02x" % n for n in range(1, 16)]) in splitter.calls
    assert splitter.runs == 1  # one JVM for all tables
    assert len(connection.table("member_daily").regions()) == 16


def test_create_tables_twice_is_harmless(server, connection):
    splitter = RecordingSplitter(server)
    specs = tables.table_specs(400, 90)
    admin.create_tables(connection, specs, 16, splitter)
    connection.table("member_daily").put(b"00x", {b"r:purchases": b"1"}, timestamp=5)
    report = admin.create_tables(connection, specs, 16, splitter)
    assert report.created == [] and report.split == [] and report.drift == []
    assert sorted(report.existing) == sorted(tables.TABLES)
    assert len(splitter.calls) == 5
    assert connection.table("member_daily").row(b"00x") == {b"r:purchases": b"1"}


def test_a_table_left_unsplit_is_split_on_the_next_create(server, connection):
    specs = {"member_daily": tables.table_specs(400, 90)["member_daily"]}
    admin.create_tables(connection, specs, 4, splitter=None)
    assert len(connection.table("member_daily").regions()) == 1
    splitter = RecordingSplitter(server)
    report = admin.create_tables(connection, specs, 4, splitter)
    assert report.split == ["member_daily"]
    assert splitter.calls == [("kb_member_daily", [b"01", b"02", b"03"])]


def test_drifted_tables_are_reported_and_left_alone(server, connection):
    connection.create_table("member_events", {"e": {"max_versions": 3, "time_to_live": 60},
                                              "x": {}})
    connection.table("member_events").put(b"k", {b"x:a": b"keep"})
    specs = {"member_events": tables.table_specs(400, 90)["member_events"]}
    report = admin.create_tables(connection, specs, 1, RecordingSplitter(server))
    found = {(d.family, d.option): (d.expected, d.actual) for d in report.drift}
    assert found[("e", "max_versions")] == (1, 3)
    assert found[("e", "time_to_live")] == (90 * 86400, 60)
    assert found[("e", "compression")] == ("GZ", "NONE")
    assert found[("x", "family")] == ("absent", "present")
    assert "member_events: family e max_versions is 3, spec says 1" in [str(d) for d in report.drift]
    assert connection.table("member_events").row(b"k") == {b"x:a": b"keep"}


def test_a_missing_family_is_drift():
    drift = admin.compare_families("t", {"s": {"max_versions": 1}, "d": {}}, {"s": {"max_versions": 1}})
    assert [str(d) for d in drift] == ["t: family d is missing, spec says present"]


def test_a_table_created_concurrently_counts_as_existing(server, connection, mocker):
    specs = {"device_daily": tables.table_specs(400, 90)["device_daily"]}
    mocker.patch.object(connection, "tables", return_value=[])
    connection.create_table("device_daily", specs["device_daily"])
    report = admin.create_tables(connection, specs, 1)
    assert report.existing == ["device_daily"] and report.created == []


def test_describe_lists_families_regions_and_missing_tables(server, connection):
    specs = tables.table_specs(400, 90)
    admin.create_tables(connection, {"device_summary": specs["device_summary"]}, 16,
                        RecordingSplitter(server))
    states = {state.name: state for state in admin.describe(connection, specs)}
    assert states["device_summary"].exists
    assert states["device_summary"].regions == 16
    assert states["device_summary"].families["s"]["compression"] == "GZ"
    assert states["device_summary"].drift == []
    assert not states["member_daily"].exists


def test_full_table_name_uses_the_connection_prefix(server):
    assert admin.full_table_name(FakeConnection(server, "env1"), "member_daily") == "env1_member_daily"
    assert admin.full_table_name(FakeConnection(server, None), "member_daily") == "member_daily"


def test_missing_split_points_reads_region_start_keys():
    regions = [{"start_key": b""}, {"start_key": b"02"}]
    assert admin.missing_split_points(regions, [b"01", b"02", b"03"]) == [b"01", b"03"]
