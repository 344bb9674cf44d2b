"""Partition folders: staging, sorting, sealing and the atomic swap."""

from __future__ import annotations

import datetime as dt

from kickback.warehouse import SUCCESS, Warehouse


def test_publish_sorts_seals_and_replaces_whole_partitions(tmp_path):
    warehouse = Warehouse(tmp_path)
    old = warehouse.partition("member_daily", "2026-11-26")
    old.mkdir(parents=True)
    (old / "part-00000").write_text("stale\n")
    (old / "part-00001").write_text("also stale\n")

    staging = warehouse.staging()
    counts = staging.write_lines([
        ("member_daily/dt=2026-11-26", "b\t2\n"), ("member_daily/dt=2026-11-26", "a\t1"),
    ])
    staging.publish(["member_daily/dt=2026-11-26", "member_daily/dt=2026-11-25"])
    staging.discard()

    assert counts == {"member_daily/dt=2026-11-26": 2}
    assert sorted(p.name for p in old.iterdir()) == [SUCCESS, "part-00000"]
    assert (old / "part-00000").read_text() == "a\t1\nb\t2\n"
    empty = warehouse.partition("member_daily", "2026-11-25")
    assert warehouse.complete(empty) and (empty / "part-00000").read_text() == ""
    assert not (tmp_path / "_staging").exists() or not any((tmp_path / "_staging").iterdir())


def test_incomplete_partitions_are_invisible(tmp_path):
    warehouse = Warehouse(tmp_path)
    folder = warehouse.partition("events", dt.date(2026, 11, 27), 8)
    folder.mkdir(parents=True)
    (folder / "part-00000").write_text("x\n")
    assert warehouse.part_files(folder) == []
    assert warehouse.landing_partitions("events", dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []
    (folder / SUCCESS).touch()
    assert warehouse.landing_partitions("events", dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == [
        (dt.date(2026, 11, 27), 8, folder)]


def test_manifest_round_trip(tmp_path):
    warehouse = Warehouse(tmp_path)
    assert warehouse.read_manifest(dt.date(2026, 11, 27)) == {}
    warehouse.write_manifest(dt.date(2026, 11, 27), {"event_days": ["2026-11-27"]})
    assert warehouse.read_manifest(dt.date(2026, 11, 27)) == {"event_days": ["2026-11-27"]}
