"""What every warehouse filesystem must do, as tests over a ``storage`` fixture.

Imported by the test modules of each scheme (local disk in tests/unit;
S3 through moto's server and HDFS through the cluster profile in
tests/integration), each of which provides ``storage``: an empty
``warehouse.storage.Storage`` root.
"""

from __future__ import annotations

import json

import pytest

from warehouse import layout, manifest
from warehouse.catalog import Catalog, IncompletePartition
from warehouse.layout import Partition
from warehouse.publish import Staging, UnexpectedOutput, finish, leftovers, restore
from warehouse.storage import StorageError

EVENTS_08 = Partition("events", "2026-11-27", 8)
DAILY_26 = Partition("member_daily", "2026-11-26")
DAILY_25 = Partition("member_daily", "2026-11-25")


def _write(storage, rel, text):
    with storage.open(rel, "wb") as handle:
        handle.write(text.encode())


def test_files_and_folders_round_trip(storage):
    storage.write_text("a/b/c.txt", "hello\n")
    assert storage.read_text("a/b/c.txt") == "hello\n"
    assert storage.isfile("a/b/c.txt") and storage.isdir("a/b") and storage.exists("a")
    assert [(e.name, e.is_dir) for e in storage.ls("a")] == [("b", True)]
    assert [(e.name, e.size) for e in storage.ls("a/b")] == [("c.txt", 6)]
    assert storage.ls("missing") == []
    storage.write_text("a/b/c.txt", "again\n")
    assert storage.read_text("a/b/c.txt") == "again\n"
    assert [e.name for e in storage.ls("a/b")] == ["c.txt"]   # no temporary left behind
    storage.rm("a")
    assert not storage.exists("a")
    storage.rm("a")   # removing what is not there is harmless


def test_rename_moves_a_folder_and_refuses_an_existing_target(storage):
    _write(storage, "x/part-00000", "1\n")
    _write(storage, "y/part-00000", "2\n")
    with pytest.raises(StorageError, match="target exists"):
        storage.rename("x", "y")
    storage.rename("x", "z/x")
    assert storage.read_text("z/x/part-00000") == "1\n" and not storage.exists("x")
    with pytest.raises(StorageError, match="does not exist"):
        storage.rename("x", "w")


def test_exclusive_create_happens_once(storage):
    assert storage.create_exclusive("_lock", b"first\n")
    assert not storage.create_exclusive("_lock", b"second\n")
    assert storage.read_text("_lock") == "first\n"


def test_uris_name_the_root(storage):
    assert storage.uri("events/dt=2026-11-27").endswith("/events/dt=2026-11-27")
    assert "://" in storage.uri()
    with pytest.raises(StorageError):
        storage.path("../outside")


def test_only_sealed_partitions_are_seen(storage):
    catalog = Catalog(storage)
    _write(storage, EVENTS_08.path + "/part-00000", "row\n")
    assert catalog.partitions("events") == []
    with pytest.raises(IncompletePartition):
        catalog.data_files(EVENTS_08)
    storage.write_text(EVENTS_08.path + "/" + layout.SUCCESS, "")
    _write(storage, EVENTS_08.path + "/.part-00000.crc", "x")
    assert catalog.partitions("events", "2026-11-27", "2026-11-27") == [EVENTS_08]
    assert catalog.partitions("events", "2026-11-28") == []
    assert catalog.data_files(EVENTS_08) == [EVENTS_08.path + "/part-00000"]


def test_publish_replaces_whole_partitions_and_seals_empty_ones(storage):
    _write(storage, DAILY_26.path + "/part-00000", "stale\n")
    _write(storage, DAILY_26.path + "/part-00001", "also stale\n")
    storage.write_text(DAILY_26.path + "/" + layout.SUCCESS, "")
    staging = Staging(storage)
    stage = staging.stage("roll_up")
    _write(storage, stage + "/" + DAILY_26.path + "/part-00000", "a\t1\nb\t2\n")
    storage.write_text(stage + "/_SUCCESS", "")   # what Hadoop leaves at the job's root
    assert set(staging.found("roll_up")) == {DAILY_26}
    staging.publish("roll_up", [DAILY_26, DAILY_25])
    staging.discard()
    catalog = Catalog(storage)
    assert catalog.data_files(DAILY_26) == [DAILY_26.path + "/part-00000"]
    assert storage.read_text(DAILY_26.path + "/part-00000") == "a\t1\nb\t2\n"
    assert catalog.is_complete(DAILY_25) and catalog.data_files(DAILY_25) == []
    assert leftovers(storage) == []


EVENTS_26 = Partition("member_events", "2026-11-26")


def _rows(storage, partition):
    return sorted(line for name in Catalog(storage).data_files(partition)
                  for line in storage.read_text(name).splitlines())


def test_an_addition_keeps_the_published_files_and_adds_the_staged_ones(storage):
    _write(storage, EVENTS_26.path + "/part-00000", "old 1\n")
    _write(storage, EVENTS_26.path + "/part-x-00000", "old 2\n")
    storage.write_text(EVENTS_26.path + "/" + layout.SUCCESS, "")
    staging = Staging(storage, "r1")
    stage = staging.stage("roll_up")
    _write(storage, stage + "/" + EVENTS_26.path + "/part-00000", "new 1\n")
    _write(storage, stage + "/" + EVENTS_26.path + "/part-00001", "new 2\n")
    _write(storage, stage + "/" + DAILY_26.path + "/part-00000", "daily\n")
    staging.publish("roll_up", [EVENTS_26, DAILY_26, DAILY_25], added=frozenset({EVENTS_26, DAILY_25}))
    staging.discard()
    names = [name.rsplit("/", 1)[1] for name in Catalog(storage).data_files(EVENTS_26)]
    assert sorted(names) == ["part-00000", "part-r1-00000", "part-r1-00001", "part-x-00000"]
    assert _rows(storage, EVENTS_26) == ["new 1", "new 2", "old 1", "old 2"]
    assert _rows(storage, DAILY_26) == ["daily"]
    # an addition to a partition that was not there is the partition
    assert Catalog(storage).is_complete(DAILY_25) and _rows(storage, DAILY_25) == []
    assert leftovers(storage) == []


def test_the_seal_names_the_publishing_run_and_commit_says_what_it_put_where(storage):
    _write(storage, EVENTS_26.path + "/part-00000", "old\n")
    storage.write_text(EVENTS_26.path + "/" + layout.SUCCESS, "")
    assert Catalog(storage).sealed_by(EVENTS_26) == ""   # a seal written before seals named runs
    staging = Staging(storage, "r2")
    stage = staging.stage("roll_up")
    _write(storage, stage + "/" + EVENTS_26.path + "/part-00000", "new\n")
    _write(storage, stage + "/" + EVENTS_26.path + "/part-00001", "")   # empty: holds no rows
    _write(storage, stage + "/" + DAILY_26.path + "/part-00003", "daily\n")
    staged = {EVENTS_26: "roll_up", DAILY_26: "roll_up", DAILY_25: "roll_up"}
    put = staging.seal(staged, added=frozenset({EVENTS_26}))
    assert put == {EVENTS_26: ["part-r2-00000"], DAILY_26: ["part-00003"], DAILY_25: []}
    assert staging.seal(staged, added=frozenset({EVENTS_26})) == put   # sealing again changes nothing
    staging.commit(staged, added=frozenset({EVENTS_26}))
    staging.discard()
    assert _rows(storage, EVENTS_26) == ["new", "old"]
    catalog = Catalog(storage)
    assert [catalog.sealed_by(p) for p in (EVENTS_26, DAILY_26, DAILY_25)] == ["r2", "r2", "r2"]
    with pytest.raises(FileNotFoundError):
        catalog.sealed_by(Partition("member_events", "2026-11-01"))


def test_an_addition_killed_while_swapped_in_is_finished_by_the_next_run(storage):
    if not storage.atomic_rename:
        pytest.skip("object stores copy in: no trash")
    for n in range(3):
        _write(storage, EVENTS_26.path + "/part-0000%d" % n, "old %d\n" % n)
    storage.write_text(EVENTS_26.path + "/" + layout.SUCCESS, "")
    staging = Staging(storage, "r2")
    staged = staging.stage("roll_up") + "/" + EVENTS_26.path
    _write(storage, staged + "/part-r2-00000", "new\n")
    storage.write_text(staged + "/" + layout.SUCCESS, "")
    storage.write_text(staging.root + "/_COMMIT", '[["roll_up", "%s", "add"]]' % EVENTS_26.path)
    # killed after the old partition went to the trash and one old file was moved
    old = staging.trash + "/" + EVENTS_26.path
    storage.rename(EVENTS_26.path, old)
    storage.rename(old + "/part-00001", staged + "/part-00001")
    assert finish(storage) == [EVENTS_26]
    assert restore(storage) == []
    assert _rows(storage, EVENTS_26) == ["new", "old 0", "old 1", "old 2"]
    # what is left is the dead run's empty staging, which the next run removes
    assert leftovers(storage) == [staging.root]
    assert not storage.exists(staging.trash)


def test_a_run_killed_after_its_commit_record_is_finished_with_its_writes(storage):
    # The record (in the form that carries writes) exists, nothing is swapped in yet.
    staging = Staging(storage, "r3")
    staged = staging.stage("roll_up") + "/" + DAILY_26.path
    _write(storage, staged + "/part-00000", "new\n")
    storage.write_text(staged + "/" + layout.SUCCESS, "r3")
    record = {"partitions": [["roll_up", DAILY_26.path]], "writes": {"_runs/dt=2026-11-26.json": "{}\n"}}
    storage.write_text(staging.root + "/_COMMIT", json.dumps(record))
    assert not storage.exists("_runs/dt=2026-11-26.json")
    assert finish(storage) == [DAILY_26]
    assert _rows(storage, DAILY_26) == ["new"] and Catalog(storage).sealed_by(DAILY_26) == "r3"
    assert storage.read_text("_runs/dt=2026-11-26.json") == "{}\n"


def test_commit_writes_its_files_after_the_swaps(storage):
    staging = Staging(storage, "r4")
    _write(storage, staging.stage("roll_up") + "/" + DAILY_26.path + "/part-00000", "a\n")
    staging.commit({DAILY_26: "roll_up"}, writes={"_runs/dt=2026-11-26.json": '{"event_days": []}\n'})
    staging.discard()
    assert manifest.read(storage, "2026-11-26") == {"event_days": []}
    assert leftovers(storage) == []


def test_a_file_outside_every_partition_is_unexpected(storage):
    staging = Staging(storage)
    _write(storage, staging.stage("validate") + "/part-00000", "a row with no partition\n")
    with pytest.raises(UnexpectedOutput, match="in no partition folder"):
        staging.found("validate")


def test_leftovers_are_listed(storage):
    _write(storage, "_staging/abc/events/x", "1")
    _write(storage, "_runs/.dt=2026-11-27.json.1234.tmp", "{")
    assert leftovers(storage) == ["_staging/abc", "_runs/.dt=2026-11-27.json.1234.tmp"]


def test_restore_puts_back_partitions_a_killed_swap_left_only_in_its_trash(storage):
    # A run killed between the two renames of a swap: DAILY_26's only copy
    # is in the trash; DAILY_25 was replaced, its trash copy is stale.
    _write(storage, "_staging/dead.old/%s/part-00000" % DAILY_26.path, "old 26\n")
    _write(storage, "_staging/dead.old/%s/%s" % (DAILY_26.path, layout.SUCCESS), "")
    _write(storage, "_staging/dead.old/%s/part-00000" % DAILY_25.path, "old 25\n")
    _write(storage, "_staging/dead.old/%s/%s" % (DAILY_25.path, layout.SUCCESS), "")
    _write(storage, "%s/part-00000" % DAILY_25.path, "new 25\n")
    _write(storage, "%s/%s" % (DAILY_25.path, layout.SUCCESS), "")
    assert restore(storage) == [DAILY_26]
    assert storage.read_text("%s/part-00000" % DAILY_26.path) == "old 26\n"
    assert Catalog(storage).is_complete(DAILY_26)
    assert storage.read_text("%s/part-00000" % DAILY_25.path) == "new 25\n"
    assert restore(storage) == []


def test_manifests_round_trip(storage):
    assert manifest.read(storage, "2026-11-27") == {}
    assert manifest.event_days(storage, "2026-11-27") is None
    manifest.write(storage, "2026-11-27", {"event_days": ["2026-11-27", "2026-11-26"]})
    manifest.write(storage, "2026-11-28", {"event_days": []})
    assert manifest.event_days(storage, "2026-11-27") == ["2026-11-26", "2026-11-27"]
    assert [day for day, _ in manifest.recent(storage, 5)] == ["2026-11-28", "2026-11-27"]
