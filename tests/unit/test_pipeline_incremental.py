"""The incremental chain against one in-order run and a rebuild (inline runner).

A generated two-day landing with duplicates across hours (and across the
two days, and one copy whose content differs) and late events is processed
in random orders, one or several hours per run, with re-runs and with a
file added to an hour after it was processed; the published warehouse, and
the incremental state, must equal those of one in-order run per day, and
``rebuild_range`` over the days must give them again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import generate_landing
from hbase_schema.loader import iter_rows
from hbase_schema.partitions import EVENT_DAY_DATASETS, partitions_to_load
from hbase_schema.tables import LAYOUTS
from kickback.pipeline import PipelineError, rebuild_range, run_pipeline
from mapreduce import tsv
from tests.warehouse_tree import published
from warehouse.catalog import Catalog
from warehouse.storage import Storage

DAYS = (dt.date(2026, 11, 26), dt.date(2026, 11, 27))
HOURS = (0, 9, 23)
ALL = [(day, hour) for day in DAYS for hour in HOURS]
LATE_FILE = "zz-late.jsonl"


def _event(event_id, ts, points, device="p-9", member="m-9", device_type="phone"):
    return ('{"event_id":"%s","device_id":"%s","device_type":"%s","event_type":"purchase",'
            '"member_id":"%s","ts":"%s","attrs":{"merchant_id":"x","amount_cents":100,"points":%d}}\n'
            % (event_id, device, device_type, member, ts, points)).encode()


def _land(root: Path) -> None:
    """Two days of three hours, generated, plus copies across hours and days."""
    for n, day in enumerate(DAYS):
        generate_landing(root, day, HOURS, seed=3 + n, members=25, devices=40, events=240,
                         bad_rate=0.05, duplicate_rate=0.2, late_rate=0.2, progress=False)

    def add(day, hour, name, data):
        folder = root / ("dt=%s" % day.isoformat()) / ("hour=%02d" % hour)
        with (folder / name).open("ab") as out:
            out.write(data)

    # One event in hour 23 of day 1 and in hours 00 and 09 of day 2.
    shared = _event("x-1", "2026-11-26T23:20:00Z", 5)
    add(DAYS[0], 23, "copies.jsonl", shared)
    add(DAYS[1], 0, "copies.jsonl", shared)
    add(DAYS[1], 9, "copies.jsonl", shared)
    # The same id with other content in a later hour: the earlier copy wins.
    add(DAYS[0], 9, "copies.jsonl", _event("x-2", "2026-11-26T09:10:00Z", 7))
    add(DAYS[1], 0, "copies.jsonl", _event("x-2", "2026-11-26T09:10:00Z", 70, device="p-8"))
    # m-7's phone p-7 of day 1 reports as a till, for m-8, at the end of day 2: retyped for m-7 too.
    add(DAYS[0], 9, "copies.jsonl", _event("x-4", "2026-11-26T09:40:00Z", 1, device="p-7", member="m-7"))
    add(DAYS[1], 23, "copies.jsonl", _event("x-5", "2026-11-27T23:10:00Z", 2, device="p-7", member="m-8",
                                            device_type="pos"))
    # A file that lands in hour 09 of day 2 after that hour was first processed.
    add(DAYS[1], 9, LATE_FILE, _event("x-3", "2026-11-27T09:30:00Z", 3)
        + _event("x-1", "2026-11-26T23:20:00Z", 5))


def _run(settings_, day, hours=None, say=lambda _: None):
    return run_pipeline(settings_, day, hours=hours, runner="inline", say=say)


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("landing")
    _land(root)
    return root


@pytest.fixture(scope="module")
def reference(landing, tmp_path_factory):
    """One in-order run per day, with every file present."""
    from kickback.config import Settings

    base = tmp_path_factory.mktemp("reference")
    settings_ = Settings.load(env={}, var_dir=base / "var", landing_dir=landing, warehouse_dir=base / "wh")
    for day in DAYS:
        _run(settings_, day, say=SAID.append)
    return published(base / "wh", state=True)


# What the reference's runs said.
SAID: list[str] = []


def _settings(landing, base):
    from kickback.config import Settings

    return Settings.load(env={}, var_dir=base / "var", landing_dir=landing, warehouse_dir=base / "wh")


def test_the_reference_filters_the_index_and_carries_untouched_rows_on_day_two(reference):
    # So the incremental paths the other tests compare are the filtered and split ones.
    assert sum("sketch the run's event ids" in line for line in SAID) == 1
    assert any(re.match(r"split [1-9]\d* days: ", line.strip()) for line in SAID), SAID


def test_the_reference_holds_each_event_once_and_the_cross_day_copy_in_day_one(reference):
    events = {path: rows for path, rows in reference.items() if path.startswith("events/")}
    owners = [path for path, rows in events.items() if b"x-1\t" in rows]
    assert owners == ["events/dt=2026-11-26/hour=23"]
    assert b"\t70\t" not in b"".join(events.values())  # the differing copy of x-2 lost


def test_the_reference_gives_a_retyped_device_its_new_type_in_every_member_entry(reference):
    def entry(day, member):
        rows = [row for row in reference["member_summary/dt=%s" % day].splitlines()
                if row.startswith(member.encode() + b"\t")]
        return json.loads(tsv.decode_row(rows[0].decode())[8])["p-7"]

    assert entry("2026-11-26", "m-7") == {"device_type": "phone", "last_seen": "2026-11-26T09:40:00.000Z"}
    # m-7 used p-7 on day 1 only: its entry learns the type from the retyped devices
    assert entry("2026-11-27", "m-7") == {"device_type": "pos", "last_seen": "2026-11-26T09:40:00.000Z"}
    assert entry("2026-11-27", "m-8") == {"device_type": "pos", "last_seen": "2026-11-27T23:10:00.000Z"}


@settings(max_examples=4)
@given(data=st.data())
def test_any_order_of_runs_publishes_what_one_in_order_run_does(landing, reference, tmp_path_factory, data):
    base = tmp_path_factory.mktemp("order")
    root = base / "landing"
    shutil.copytree(landing, root)
    late = root / "dt=2026-11-27" / "hour=09" / LATE_FILE
    held = late.read_bytes()
    late.unlink()
    settings_ = _settings(root, base)
    order = data.draw(st.permutations(ALL), label="hour order")
    batch = data.draw(st.integers(1, 3), label="hours per run")
    for start in range(0, len(order), batch):
        by_day: dict[dt.date, list[int]] = {}
        for day, hour in order[start:start + batch]:
            by_day.setdefault(day, []).append(hour)
        for day, hours in by_day.items():
            _run(settings_, day, sorted(hours))
    late.write_bytes(held)
    _run(settings_, DAYS[1], [9])
    again = data.draw(st.sampled_from(ALL), label="re-run")
    _run(settings_, again[0], [again[1]])
    assert published(base / "wh", state=True) == reference


def _load(table: dict, warehouse: Path, day: dt.date | None = None) -> int:
    """Load landing day ``day``'s plan of the event-day tables into ``table`` (a
    stand-in for HBase: key -> cells), or every partition whole; the rows loaded."""
    catalog = Catalog(Storage(str(warehouse)))
    if day is None:
        plan = {dataset: [(p, catalog.data_files(p)) for p in catalog.partitions(dataset)]
                for dataset in EVENT_DAY_DATASETS}
    else:
        plan = {dataset: [(load.partition, load.files) for load in loads]
                for dataset, loads in partitions_to_load(catalog, day, EVENT_DAY_DATASETS).items()}
    loaded = 0
    for dataset, loads in plan.items():
        for partition, files in loads:
            for row in iter_rows(LAYOUTS[dataset], [warehouse / rel for rel in files], day=partition.day):
                table[dataset, row.key] = (row.cells, row.timestamp)
                loaded += 1
    return loaded


def _holds(table: dict, warehouse: Path) -> None:
    """Every published row is in ``table`` as published (a row a content change
    took out of the warehouse stays in HBase: loads never delete)."""
    whole: dict = {}
    _load(whole, warehouse)
    assert whole
    assert {key: table.get(key) for key in whole} == whole


@settings(max_examples=3)
@given(data=st.data())
def test_loading_each_landing_day_after_its_runs_holds_every_published_row(
        landing, tmp_path_factory, data):
    # Each day's load reads only the files its runs wrote while they are the
    # partition's, so loads interleaved with runs in any order, each day loaded
    # at some point after its last run, must leave nothing out.
    base = tmp_path_factory.mktemp("loads")
    settings_ = _settings(landing, base)
    table: dict = {}
    pending: set[dt.date] = set()
    runs = data.draw(st.lists(st.sampled_from(ALL), min_size=len(ALL), max_size=len(ALL) + 3)
                     .filter(lambda r: set(r) == set(ALL)), label="runs")
    for day, hour in runs:
        _run(settings_, day, [hour])
        pending.add(day)
        if data.draw(st.booleans(), label="load %s now" % day):
            _load(table, base / "wh", day)
            pending.discard(day)
    for day in data.draw(st.permutations(sorted(pending)), label="loads at the end"):
        _load(table, base / "wh", day)
    _holds(table, base / "wh")


def test_a_late_event_costs_its_old_days_load_the_rows_it_added(landing, tmp_path):
    settings_ = _settings(landing, tmp_path)
    warehouse = tmp_path / "wh"
    table: dict = {}
    _run(settings_, DAYS[0])
    _load(table, warehouse, DAYS[0])
    before = published(warehouse)["member_events/dt=2026-11-26"].splitlines()
    _run(settings_, DAYS[1])
    _load(table, warehouse, DAYS[1])
    _holds(table, warehouse)
    catalog = Catalog(Storage(str(warehouse)))
    plan = partitions_to_load(catalog, DAYS[1], EVENT_DAY_DATASETS)
    old = {dataset: load for dataset, loads in plan.items() for load in loads if load.partition.day == DAYS[0]}
    assert set(old) == set(EVENT_DAY_DATASETS), "day two's late events reach day one"
    assert not any(load.whole for load in old.values())
    added = b"".join((warehouse / rel).read_bytes() for rel in old["member_events"].files).splitlines()
    now = published(warehouse)["member_events/dt=2026-11-26"].splitlines()
    assert added and sorted(added) == sorted(set(now) - set(before))
    for dataset in ("device_daily", "member_daily"):
        rows = b"".join((warehouse / rel).read_bytes() for rel in old[dataset].files).count(b"\n")
        every = published(warehouse)["%s/dt=2026-11-26" % dataset].count(b"\n")
        assert 0 < rows < every, (dataset, rows, every)


def test_a_day_run_hour_by_hour_loads_only_what_its_runs_wrote_into_an_old_day(landing, tmp_path):
    # Each hour's run republishes day one's daily rows; the later ones keep the rows
    # the earlier ones wrote apart from the rest they carry over.
    settings_ = _settings(landing, tmp_path)
    warehouse = tmp_path / "wh"
    _run(settings_, DAYS[0])
    before = published(warehouse)
    reached = [DAYS[0].isoformat() in _run(settings_, DAYS[1], [hour]).event_days for hour in HOURS]
    assert sum(reached) >= 2, reached
    now = published(warehouse)
    plan = partitions_to_load(Catalog(Storage(str(warehouse))), DAYS[1], ("device_daily", "member_daily"))
    for dataset, loads in plan.items():
        (old,) = [load for load in loads if load.partition.day == DAYS[0]]
        assert not old.whole, dataset
        loaded = b"".join((warehouse / rel).read_bytes() for rel in old.files).splitlines()
        rows = now["%s/dt=2026-11-26" % dataset].splitlines()
        changed = set(rows) - set(before["%s/dt=2026-11-26" % dataset].splitlines())
        assert changed and changed <= set(loaded) and len(loaded) < len(rows), (dataset, len(loaded), len(rows))


def test_rebuild_gives_the_incremental_result(landing, reference, tmp_path):
    settings_ = _settings(landing, tmp_path)
    for day, hour in reversed(ALL):
        _run(settings_, day, [hour])
    assert published(tmp_path / "wh", state=True) == reference
    reports = rebuild_range(settings_, DAYS[0], DAYS[1], runner="inline", say=lambda _: None)
    assert [report.day for report in reports] == list(DAYS)
    assert all(report.recomputed_days == report.event_days for report in reports)
    assert published(tmp_path / "wh", state=True) == reference


def test_an_earlier_hour_after_a_later_one_takes_its_events(landing, tmp_path):
    settings_ = _settings(landing, tmp_path)
    _run(settings_, DAYS[1], [0])
    report = _run(settings_, DAYS[0], [23])
    assert report.dropped_from == ["events/dt=2026-11-27/hour=00"]
    assert report.counters["dropped"] >= 1
    assert report.refreshed == ["2026-11-27"]


def test_an_hour_that_lost_a_file_is_refused(tmp_path):
    root = tmp_path / "landing"
    folder = root / "dt=2026-11-27" / "hour=08"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_bytes(_event("e-1", "2026-11-27T08:10:00Z", 1))
    (folder / "b.jsonl").write_bytes(_event("e-2", "2026-11-27T08:11:00Z", 2))
    settings_ = _settings(root, tmp_path)
    _run(settings_, DAYS[1])
    (folder / "b.jsonl").unlink()
    with pytest.raises(PipelineError, match="no longer carry 1 events .* pipeline rebuild"):
        _run(settings_, DAYS[1])


def test_rebuild_refuses_a_backwards_range(tmp_settings):
    with pytest.raises(PipelineError, match="before --from"):
        rebuild_range(tmp_settings, DAYS[1], DAYS[0], runner="inline", say=lambda _: None)
