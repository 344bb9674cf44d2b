"""The same landing through -r inline, -r local and -r hadoop (the stack's real
Hadoop streaming) gives the same counters and the same rows in every
partition (the incremental state included); a rerun on one runner gives the
same bytes in every partition. One landing file is a gzip file of two
members, as collectors that append to a .gz write it."""

from __future__ import annotations

import datetime as dt
import gzip
import json

from generator import generate_landing
from kickback.pipeline import run_pipeline
from tests.warehouse_tree import index_entries, published
from warehouse.catalog import Catalog
from warehouse.layout import DATASETS, IDS, STATE_DATASETS
from warehouse.storage import Storage

DAY = dt.date(2026, 11, 27)


def partition_rows(root) -> dict[str, list[str]]:
    """Every complete partition of a warehouse -> its rows, sorted (an id index line cut into
    its entries: how many share a line follows the reduce tasks, as part files do)."""
    storage = Storage(str(root))
    catalog = Catalog(storage)
    found = {}
    for dataset in DATASETS + STATE_DATASETS:
        for partition in catalog.partitions(dataset):
            rows = []
            for rel in catalog.data_files(partition):
                rows += storage.read_text(rel).splitlines()
            if dataset == IDS:
                rows = [entry.decode("utf-8") for row in rows for entry in index_entries(row.encode("utf-8"))]
            found[partition.path] = sorted(rows)
    return found


def test_every_runner_writes_the_same_rows(stack_settings, tmp_path):
    landing = tmp_path / "landing"
    generate_landing(landing, DAY, [8, 9], seed=5, members=30, devices=60, events=500,
                     bad_rate=0.05, duplicate_rate=0.05, late_rate=0.1, gzip=True, progress=False)
    appended = sorted((landing / "dt=2026-11-27" / "hour=09").glob("*.jsonl.gz"))[0]
    with appended.open("ab") as out:
        out.write(gzip.compress(b'{"event_id":"second-member-1","device_id":"p-1","device_type":"phone",'
                                b'"event_type":"app_open","ts":"2026-11-27T09:59:00Z","attrs":{}}\n'))
    reports = {}
    for runner in ("inline", "local", "hadoop"):
        settings = stack_settings.replace(landing_dir=str(landing), warehouse_dir=str(tmp_path / runner))
        reports[runner] = run_pipeline(settings, DAY, runner=runner, say=lambda _: None)

    assert reports["local"].counters == reports["inline"].counters == reports["hadoop"].counters
    assert reports["local"].rows == reports["inline"].rows == reports["hadoop"].rows
    assert reports["inline"].counters["read"] > 400
    inline = partition_rows(tmp_path / "inline")
    assert any(path.startswith("member_summary/") for path in inline)
    assert any(row.startswith("second-member-1\t") for row in inline["events/dt=2026-11-27/hour=09"])
    for runner in ("local", "hadoop"):
        assert partition_rows(tmp_path / runner) == inline, runner

    assert any(path.startswith("_state/snapshot/") for path in inline)

    # A rerun with the same runner and settings writes the same bytes in
    # every partition (how they split over part files follows the reduce tasks).
    for runner in ("local", "hadoop"):
        first = published(tmp_path / runner, state=True)
        settings = stack_settings.replace(landing_dir=str(landing), warehouse_dir=str(tmp_path / runner))
        run_pipeline(settings, DAY, runner=runner, say=lambda _: None)
        assert published(tmp_path / runner, state=True) == first, runner

    # The next day, a phone some member used reports as a till: the members job of every
    # runner loads the devices job's retyped devices (a file argument) and each entry of the
    # device takes the new type.
    entries = [json.loads(row.split("\t")[8]) for row in inline["member_summary/dt=2026-11-27"]]
    phone = min(device for devices in entries for device, entry in devices.items()
                if entry["device_type"] == "phone")
    later = landing / "dt=2026-11-28" / "hour=00"
    later.mkdir(parents=True)
    (later / "retype.jsonl").write_text(
        '{"event_id":"retype-1","device_id":"%s","device_type":"pos","event_type":"app_open",'
        '"ts":"2026-11-28T00:10:00Z","attrs":{}}\n' % phone, encoding="utf-8")
    for runner in ("inline", "local", "hadoop"):
        settings = stack_settings.replace(landing_dir=str(landing), warehouse_dir=str(tmp_path / runner))
        run_pipeline(settings, DAY + dt.timedelta(days=1), runner=runner, say=lambda _: None)
    inline = partition_rows(tmp_path / "inline")
    entries = [json.loads(row.split("\t")[8]) for row in inline["member_summary/dt=2026-11-28"]]
    held = [devices[phone]["device_type"] for devices in entries if phone in devices]
    assert held and set(held) == {"pos"}
    for runner in ("local", "hadoop"):
        assert partition_rows(tmp_path / runner) == inline, runner
