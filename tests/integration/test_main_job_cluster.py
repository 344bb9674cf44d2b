"""The whole main job on the cluster profile, once, and every assert on it.

`kickback run` with the cluster profile: the landing is written to HDFS,
each pipeline step runs as a YARN application (checked in the
ResourceManager's REST API), HBase is loaded from HDFS (and bulk-loaded
from HFiles written into HDFS), Hive registers partitions whose LOCATION is
the hdfs:// folder and answers over them, and the API answers. The rows of
every partition equal an inline run of the same landing, copied back from
HDFS. One landing serves every assert: each YARN step costs about 20 s of
start-up, so the job runs once per session.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
import urllib.request

import happybase
import pytest
from click.testing import CliRunner

from kickback.cli import main
from kickback.commands.stack import stack_config
from kickback.pipeline import run_pipeline
from stack import control
from warehouse.catalog import Catalog
from warehouse.layout import DATASETS
from warehouse.storage import Storage

pytestmark = pytest.mark.cluster

DAY = dt.date(2026, 11, 27)
KEY = "cluster-test-key"


def _env(settings) -> dict[str, str]:
    """The session's environment (its var dir and ports) with this test's folders, tables and key."""
    env = dict(os.environ, KICKBACK_STACK_PROFILE="cluster", KICKBACK_API_KEYS=KEY)
    for name in ("var_dir", "landing_dir", "warehouse_dir", "hbase_table_prefix", "hive_database"):
        env["KICKBACK_" + name.upper()] = str(getattr(settings, name))
    return env


def _apps(settings) -> list[dict]:
    url = "http://127.0.0.1:%d/ws/v1/cluster/apps" % settings.yarn_web_port
    with urllib.request.urlopen(url, timeout=10) as response:
        return (json.load(response).get("apps") or {}).get("app") or []


def partition_rows(storage: Storage) -> dict[str, list[str]]:
    """Every complete partition -> its rows, sorted."""
    catalog = Catalog(storage)
    found = {}
    for dataset in DATASETS:
        for partition in catalog.partitions(dataset):
            found[partition.path] = sorted(
                line for rel in catalog.data_files(partition) for line in storage.read_text(rel).splitlines())
    return found


@pytest.fixture(scope="module")
def main_job(cluster_stack, session_tag, tmp_path_factory):
    """`kickback run` on the cluster profile, with this session's HDFS folders, tables and database."""
    base = cluster_stack.settings
    root = "%s/tmp/kickback-tests/%s/main" % (base.hdfs_uri, session_tag)
    settings = base.replace(landing_dir=root + "/landing", warehouse_dir=root + "/warehouse",
                            hbase_table_prefix=session_tag, hive_database=session_tag)
    started_ms = int(time.time() * 1000)
    result = CliRunner().invoke(main, ["run", "--events", "2000", "--date", DAY.isoformat()],
                                env=_env(settings))
    yield settings, result, started_ms
    control.stop_service(stack_config(settings), "api")
    Storage(root, settings.storage_options).rm("")


def test_the_main_job_finishes_and_prints_lookups(main_job):
    _, result, _ = main_job
    assert result.exit_code == 0, result.output
    assert "curl -s" in result.output and "/v1/members/" in result.output


def test_every_step_ran_as_a_yarn_application(main_job):
    settings, _, started_ms = main_job
    apps = [app for app in _apps(settings) if app["startedTime"] >= started_ms]
    streaming = [app for app in apps if app["applicationType"] == "MAPREDUCE" and "streamjob" in app["name"]]
    # validate, roll up, and the summaries' two steps
    assert len(streaming) >= 4, [app["name"] for app in apps]
    assert {(app["state"], app["finalStatus"]) for app in streaming} == {("FINISHED", "SUCCEEDED")}


def test_the_landing_and_the_warehouse_are_in_hdfs(main_job):
    settings, _, _ = main_job
    warehouse = Storage(settings.warehouse_dir, settings.storage_options)
    assert warehouse.scheme == "hdfs"
    assert Catalog(warehouse).partitions("events")
    landing = Storage(settings.landing_dir, settings.storage_options)
    assert landing.isdir("dt=%s" % DAY.isoformat())


def _inline_rows(settings, tmp_path, days) -> dict[str, list[str]]:
    """The rows of inline runs of ``days``, in order, over a local copy of their HDFS landing."""
    landing = Storage(settings.landing_dir, settings.storage_options)
    local = tmp_path / "landing"
    for day in days:
        for hour in landing.ls("dt=%s" % day.isoformat()):
            for entry in landing.ls("dt=%s/%s" % (day.isoformat(), hour.name)):
                rel = "dt=%s/%s/%s" % (day.isoformat(), hour.name, entry.name)
                (local / rel).parent.mkdir(parents=True, exist_ok=True)
                (local / rel).write_bytes(landing.read_bytes(rel))
    inline = settings.replace(stack_profile="local", landing_dir=str(local), warehouse_dir=str(tmp_path / "wh"),
                              runner="inline")
    for day in days:
        run_pipeline(inline, day, runner="inline", say=lambda _: None)
    return partition_rows(Storage(str(tmp_path / "wh")))


def test_yarn_writes_the_rows_an_inline_run_writes(main_job, tmp_path):
    settings, _, _ = main_job
    on_yarn = partition_rows(Storage(settings.warehouse_dir, settings.storage_options))
    assert on_yarn == _inline_rows(settings, tmp_path, [DAY])


def test_hbase_holds_what_was_loaded_from_hdfs(main_job):
    settings, _, _ = main_job
    warehouse = Storage(settings.warehouse_dir, settings.storage_options)
    summaries = partition_rows(warehouse)["member_summary/dt=%s" % DAY.isoformat()]
    connection = happybase.Connection(settings.hbase_host, settings.hbase_thrift_port,
                                      table_prefix=settings.hbase_table_prefix)
    try:
        rows = sum(1 for _ in connection.table("member_summary").scan(columns=[b"s:as_of"]))
    finally:
        connection.close()
    assert rows == len(summaries) > 0


def test_a_bulk_load_goes_through_hfiles_in_hdfs(main_job):
    settings, _, _ = main_job
    result = CliRunner().invoke(main, ["hbase", "load", "--date", DAY.isoformat(), "--dataset", "device_daily",
                                       "--bulk", "--no-progress"], env=_env(settings))
    assert result.exit_code == 0, result.output
    assert "device_daily" in result.output
    warehouse = Storage(settings.warehouse_dir, settings.storage_options)
    assert warehouse.ls("_hbase_bulk") == []   # the HFiles were moved into HBase, the folder removed


def test_hive_partitions_live_in_hdfs_and_answer(main_job):
    settings, _, _ = main_job
    from hive import connect

    connection = connect(settings.hive_host, settings.hive_port, settings.hive_username, settings.hive_auth,
                         database=settings.hive_database)
    try:
        cursor = connection.cursor()
        cursor.execute("DESCRIBE FORMATTED events PARTITION (dt='%s', hour='08')" % DAY.isoformat())
        location = [row[1] for row in cursor.fetchall() if row[0] and row[0].strip() == "Location:"]
        assert location and location[0].strip().startswith("hdfs://")
        cursor.execute("SELECT count(*) FROM member_summary WHERE dt = %(dt)s", {"dt": DAY.isoformat()})
        counted = cursor.fetchall()[0][0]
    finally:
        connection.close()
    warehouse = Storage(settings.warehouse_dir, settings.storage_options)
    assert counted == len(partition_rows(warehouse)["member_summary/dt=%s" % DAY.isoformat()])


def test_the_api_answers_from_hbase(main_job):
    settings, result, _ = main_job
    line = next(line for line in result.output.splitlines() if "/v1/members/" in line and "curl" in line)
    path = line.split(str(settings.api_port), 1)[1].strip()
    request = urllib.request.Request("http://127.0.0.1:%d%s" % (settings.api_port, path),
                                     headers={"Authorization": "Bearer %s" % KEY})
    with urllib.request.urlopen(request, timeout=20) as response:
        body = json.load(response)
    assert response.status == 200 and "member_id" in json.dumps(body)



def test_a_rerun_of_one_hour_on_yarn_skips_the_other_hours_index_and_changes_nothing(main_job):
    settings, _, _ = main_job
    warehouse = Storage(settings.warehouse_dir, settings.storage_options)
    before = partition_rows(warehouse)
    lines: list[str] = []
    report = run_pipeline(settings, DAY, runner="hadoop", hours=[8], say=lines.append)
    # The other 23 hours' index entries meet the run's id filter, a job
    # file the sketch job wrote into HDFS (the distributed cache).
    assert any("sketch the run's event ids" in line for line in lines), lines
    entries, skipped = (int(word) for word in next(line for line in lines if "id index entries" in line).split()
                        if word.rstrip(":").isdigit())
    assert 0 < skipped < entries
    assert report.counters["valid"] > 0 and report.counters["moved"] == report.counters["replaced"] == 0
    assert partition_rows(warehouse) == before


def test_a_second_day_on_yarn_carries_the_old_days_untouched_rows(main_job, tmp_path):
    # Last: it adds a day to the warehouse the tests above compare.
    settings, _, _ = main_job
    later = DAY + dt.timedelta(days=1)
    generated = CliRunner().invoke(main, ["generate", "--date", later.isoformat(), "--events", "2000", "--no-progress"],
                                   env=_env(settings))
    assert generated.exit_code == 0, generated.output
    lines: list[str] = []
    run_pipeline(settings, later, runner="hadoop", say=lines.append)
    # Late events reach the days before: their untouched rows are carried
    # over by a map-only job and renamed into place in HDFS.
    assert any(re.match(r"split [1-9]\d* days: ", line.strip()) for line in lines), lines
    on_yarn = partition_rows(Storage(settings.warehouse_dir, settings.storage_options))
    assert on_yarn == _inline_rows(settings, tmp_path, [DAY, later])
