"""The bulk path with a stand-in for ImportTsv and BulkLoadHFilesTool that
follows their file formats: same table contents as the batch path."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fake_hbase import FakeConnectionPool
from fake_tables import kickback_hbase
from test_loader import member_event, member_summary, write_partition

from hbase_schema import bulk, loader
from hbase_schema.errors import LoadError
from hbase_schema.jvm import JavaTools
from hbase_schema.tables import LAYOUTS

TOOLS = JavaTools("java", "/jars/*", Path("/conf"), ("-Dflag=1",))


class FakeTools:
    """Runs 'ImportTsv' and 'BulkLoadHFilesTool' against a FakeHBase."""

    def __init__(self, hbase, counters=False, lose=0):
        self.hbase = hbase
        self.calls = []
        self.counters = counters  # print Hadoop's job counters like the real tool
        self.lose = lose  # lines the "job" drops

    def __call__(self, argv, cwd=None, **kwargs):
        main = argv[argv.index("-cp") + 2]
        args = argv[argv.index("-cp") + 3:]
        self.calls.append((main, args))
        if main == bulk.IMPORT_TSV:
            return self._import_tsv(args)
        return self._bulk_load(args)

    def _import_tsv(self, args):
        options = dict(a[2:].split("=", 1) for a in args if a.startswith("-D"))
        table, input_uri = [a for a in args if not a.startswith("-D")]
        assert options["create.table"] == "no"
        assert options["importtsv.skip.bad.lines"] == "false"
        columns = options["importtsv.columns"].split(",")
        out = Path(urlparse(options["importtsv.bulk.output"]).path)
        out.mkdir(parents=True)  # ImportTsv refuses an existing output folder
        cells = []
        lines = 0
        for path in sorted(Path(urlparse(input_uri).path).iterdir()):
            for line in path.read_bytes().split(b"\n")[:-1 - self.lose]:
                lines += 1
                fields = line.split(b"\t")
                if len(fields) != len(columns):
                    return subprocess.CompletedProcess([], 1, "ERROR Bad line\n")
                row = dict(zip(columns, fields))
                for column in columns[2:]:
                    cells.append([row["HBASE_ROW_KEY"].decode(), column,
                                  row[column].decode(), int(row["HBASE_TS_KEY"])])
        (out / "cells.json").write_text(json.dumps({"table": table, "cells": cells}))
        log = "INFO Job complete\n\t\tBad Lines=0\n"
        if self.counters:
            log += "\t\tMap output records=%d\n\t\tBad Lines=0\n" % lines
        return subprocess.CompletedProcess([], 0, log)

    def _bulk_load(self, args):
        hfiles, table = args
        data = json.loads((Path(urlparse(hfiles).path) / "cells.json").read_text())
        assert data["table"] == table
        for key, column, value, stamp in data["cells"]:
            self.hbase.mutate(table, {key.encode(): {column.encode(): value.encode()}}, stamp)
        return subprocess.CompletedProcess([], 0, "")


def batch_contents(tmp_path, dataset, files):
    clean = kickback_hbase("kb")
    loader.load_partition(FakeConnectionPool(clean, table_prefix="kb"), dataset, files)
    return clean.cells("kb_" + dataset)


@pytest.mark.parametrize("dataset,rows,counters", [
    ("member_events", [member_event(n) for n in range(25)], False),
    ("member_events", [member_event(n) for n in range(25)], True),
    ("member_summary", [member_summary(n) for n in range(6)], True),
])
def test_bulk_and_batch_paths_give_identical_tables(tmp_path, dataset, rows, counters):
    rows[2] = dict(rows[2])
    rows[2][LAYOUTS[dataset].value_columns[1]] = "tab\there and\nnewline\rCR"
    files = write_partition(tmp_path, dataset, rows)
    hbase = kickback_hbase("kb")
    tools = FakeTools(hbase, counters=counters)
    report = bulk.bulk_load(FakeConnectionPool(hbase, table_prefix="kb"), dataset, files, TOOLS,
                            work_dir=tmp_path / "work", run=tools)
    assert report.rows_read == len(rows)
    assert report.rows_written == {dataset: len(rows)}
    assert report.bulk_rows == len(rows) - 1
    assert hbase.cells("kb_" + dataset) == batch_contents(tmp_path, dataset, files)
    assert [main for main, _ in tools.calls] == [bulk.IMPORT_TSV, bulk.BULK_LOAD]
    assert list((tmp_path / "work").iterdir()) == []  # work files removed


def test_rows_with_tabs_or_newlines_and_exploded_cells_go_through_the_batch_path(tmp_path):
    layout = LAYOUTS["member_summary"]
    rows = [member_summary(n) for n in range(3)]
    rows[1]["spend"] = "a\tb"
    built = list(loader.iter_rows(layout, write_partition(tmp_path, "member_summary", rows)))
    tsv_path = tmp_path / "rows.tsv"
    bulk_keys, full_rows, extra_rows = bulk.split_rows(layout, built, tsv_path)
    assert bulk_keys == [built[0].key, built[2].key]
    assert full_rows == [built[1]]
    assert [row.key for row in extra_rows] == bulk_keys
    assert all(column.startswith(b"d:") for row in extra_rows for column in row.cells)
    lines = tsv_path.read_bytes().split(b"\n")[:-1]
    assert len(lines) == 2
    assert all(len(line.split(b"\t")) == 2 + len(layout.value_columns) for line in lines)
    assert lines[0].split(b"\t")[:2] == [built[0].key, b"%d" % built[0].timestamp]


def test_import_tsv_columns_name_the_row_key_timestamp_and_family_columns(tmp_path):
    args = bulk.import_tsv_args(LAYOUTS["device_daily"], "kb_device_daily", tmp_path)
    columns = next(a for a in args if a.startswith("-Dimporttsv.columns=")).split("=", 1)[1]
    assert columns.split(",")[:3] == ["HBASE_ROW_KEY", "HBASE_TS_KEY", "r:device_type"]
    assert "r:device_id" not in columns
    assert args[-2:] == ["kb_device_daily", (tmp_path / "input").as_uri()]
    assert "-Dimporttsv.bulk.output=" + (tmp_path / "hfiles").as_uri() in args


def test_a_failing_import_tsv_fails_the_load_and_keeps_its_log(tmp_path):
    files = write_partition(tmp_path, "member_events", [member_event(1)])
    hbase = kickback_hbase("kb")

    def failing(argv, **kwargs):
        return subprocess.CompletedProcess(argv, 1, "INFO x\nERROR ImportTsv: table not found\n")

    with pytest.raises(LoadError, match="ImportTsv failed .exit 1.: ERROR ImportTsv: table not found"):
        bulk.bulk_load(FakeConnectionPool(hbase, table_prefix="kb"), "member_events", files, TOOLS,
                       work_dir=tmp_path / "work", run=failing)
    (kept,) = (tmp_path / "work").iterdir()
    assert "table not found" in (kept / "importtsv.log").read_text()


def test_rows_missing_after_the_bulk_load_fail_the_load(tmp_path):
    files = write_partition(tmp_path, "member_events", [member_event(n) for n in range(3)])
    hbase = kickback_hbase("kb")
    tools = FakeTools(hbase)

    def lossy(argv, **kwargs):
        done = tools(argv, **kwargs)
        if argv[argv.index("-cp") + 2] == bulk.BULK_LOAD:
            hbase.tables["kb_member_events"].rows.clear()
            hbase.tables["kb_member_events"].keys.clear()
        return done

    with pytest.raises(LoadError, match="3 of 3 rows are not readable"):
        bulk.bulk_load(FakeConnectionPool(hbase, table_prefix="kb"), "member_events", files, TOOLS,
                       work_dir=tmp_path / "work", run=lossy)


def test_import_tsv_counters_must_match_the_input(tmp_path):
    files = write_partition(tmp_path, "member_events", [member_event(n) for n in range(4)])
    hbase = kickback_hbase("kb")
    with pytest.raises(LoadError, match="ImportTsv into member_events wrote 3 of 4 rows"):
        bulk.bulk_load(FakeConnectionPool(hbase, table_prefix="kb"), "member_events", files, TOOLS,
                       work_dir=tmp_path / "work", run=FakeTools(hbase, counters=True, lose=1))


def test_with_counters_only_a_spread_sample_is_read_back(tmp_path, mocker):
    files = write_partition(tmp_path, "member_events", [member_event(n) for n in range(30)])
    hbase = kickback_hbase("kb")
    mocker.patch.object(bulk, "READBACK_SAMPLE", 10)
    count = mocker.spy(bulk, "count_present")
    bulk.bulk_load(FakeConnectionPool(hbase, table_prefix="kb"), "member_events", files, TOOLS,
                   work_dir=tmp_path / "work", run=FakeTools(hbase, counters=True))
    assert len(count.call_args.args[2]) == 10


def test_parse_counters_reads_hadoop_counter_lines():
    output = "INFO x=y\n\t\tMap output records=5\n\t\tBad Lines=0\n\t\tMap output records=7\n"
    assert bulk.parse_counters(output) == {"Map output records": 7, "Bad Lines": 0}


def test_java_tools_command_line_puts_conf_before_jars():
    argv = TOOLS.with_classes(Path("/classes")).argv("a.Main", ["x"])
    assert argv[:3] == ["java", "-Xmx512m", "-Dflag=1"]
    assert argv[argv.index("-cp") + 1] == "/classes:/conf:/jars/*"
    assert argv[-2:] == ["a.Main", "x"]
