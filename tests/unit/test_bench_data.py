"""bench.data and bench.workspace: generator knobs, file lists, markers, settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bench import data
from bench.workspace import HIVE_DATABASE, TABLE_PREFIX, Workspace, bench_settings


def test_knobs_keep_the_generators_proportions():
    knobs = data.knobs(20_000, [dt.date(2026, 11, 27)])
    assert knobs == {"events": 20_000, "members": 1_000, "devices": 2_000, "seed": data.SEED,
                     "days": ["2026-11-27"]}


def test_knobs_of_tiny_sizes_keep_some_entities():
    knobs = data.knobs(5, [data.DAY])
    assert knobs["members"] >= 1 and knobs["devices"] >= 1


def test_knobs_reject_no_events():
    with pytest.raises(ValueError):
        data.knobs(0, [data.DAY])


def test_landing_files_of_the_given_days_only(tmp_path):
    for day, hour in (("2026-11-27", "00"), ("2026-11-27", "13"), ("2026-11-26", "05")):
        folder = tmp_path / ("dt=%s" % day) / ("hour=%s" % hour)
        folder.mkdir(parents=True)
        (folder / "part-00000.jsonl").write_text("{}\n")
        (folder / "_manifest.json").write_text("{}")
    files = data.landing_files(tmp_path, [dt.date(2026, 11, 27)])
    assert [f.parent.name for f in files] == ["hour=00", "hour=13"]


def test_warehouse_marker_follows_its_landing(tmp_path):
    workspace = Workspace(tmp_path / "bench")
    workspace.data("x1").mkdir(parents=True)
    (workspace.data("x1") / "landing.json").write_text('{"events": 1}')
    assert not data.warehouse_ready(workspace, "x1")
    data.reset_warehouse(workspace, "x1")
    data.mark_warehouse(workspace, "x1", {"runner": "local"})
    assert data.warehouse_ready(workspace, "x1")
    (workspace.data("x1") / "landing.json").write_text('{"events": 2}')
    assert not data.warehouse_ready(workspace, "x1")


def test_bench_settings_use_the_benchs_own_places(tmp_settings, tmp_path):
    workspace = Workspace.under(tmp_path / "var")
    settings = bench_settings(tmp_settings, workspace, "x4")
    assert Path(settings.warehouse_dir) == tmp_path / "var" / "bench" / "data" / "x4" / "warehouse"
    assert Path(settings.landing_dir) == tmp_path / "var" / "bench" / "data" / "x4" / "landing"
    assert settings.hbase_table_prefix == TABLE_PREFIX != tmp_settings.hbase_table_prefix
    assert settings.hive_database == HIVE_DATABASE
    assert settings.var_dir == tmp_settings.var_dir
