"""bench.pe: PerformanceEvaluation's arguments and its log's summary."""

from __future__ import annotations

import pytest

from bench import pe

LOG = """\
2026-11-28T02:10:52,225 INFO  [TestClient-0] hbase.PerformanceEvaluation: Start class org.apache.hadoop.hbase.PerformanceEvaluation$RandomWriteTest at offset 0 for 10000 rows
2026-11-28T02:10:55,703 INFO  [TestClient-0] hbase.PerformanceEvaluation: Finished class org.apache.hadoop.hbase.PerformanceEvaluation$RandomWriteTest in 3250ms at offset 0 for 10000 rows (1.56 MB/s)
2026-11-28T02:10:55,703 INFO  [TestClient-0] hbase.PerformanceEvaluation: Finished TestClient-0 in 3250ms over 10000 rows
2026-11-28T02:10:55,706 INFO  [main] hbase.PerformanceEvaluation: [RandomWriteTest] Summary of timings (ms): [3250]
2026-11-28T02:10:55,730 INFO  [main] hbase.PerformanceEvaluation: [ Avg latency (us)]\t243
2026-11-28T02:10:55,730 INFO  [main] hbase.PerformanceEvaluation: [ Avg TPS/QPS]\t3077\t row per second
"""


def test_args_for_one_thread_random_write():
    assert pe.pe_args(5000, 40, "kbbench_pe", columns=9, regions=16) == [
        "--nomapred", "--rows=5000", "--valueSize=40", "--columns=9", "--presplit=16",
        "--table=kbbench_pe", "randomWrite", "1"]


@pytest.mark.parametrize("rows,size,columns", [(0, 10, 1), (10, 0, 1), (10, 10, 0)])
def test_args_reject_empty_runs(rows, size, columns):
    with pytest.raises(ValueError):
        pe.pe_args(rows, size, "t", columns=columns)


def test_parse_output_reads_the_summary():
    assert pe.parse_output(LOG) == {"rows": 10000, "ms": 3250, "rows_per_s": 3077.0, "timings_ms": [3250]}


def test_parse_output_computes_the_rate_without_a_tps_line():
    text = "\n".join(line for line in LOG.splitlines() if "TPS" not in line)
    assert pe.parse_output(text)["rows_per_s"] == pytest.approx(10000 / 3.25)


def test_parse_output_without_summary_is_unavailable():
    with pytest.raises(pe.PeUnavailable):
        pe.parse_output("Exception in thread main java.lang.ClassNotFoundException: x")


def test_ensure_jars_reports_a_maven_failure(tmp_path):
    fake_mvn = tmp_path / "mvn"
    fake_mvn.write_text("#!/bin/sh\necho '[ERROR] Could not find artifact hbase-mapreduce:tests'\nexit 1\n")
    fake_mvn.chmod(0o755)
    with pytest.raises(pe.PeUnavailable, match="Could not find artifact"):
        pe.ensure_jars(tmp_path / "lib", mvn=str(fake_mvn))


def test_ensure_jars_reuses_jars_of_the_same_pom(tmp_path):
    fake_mvn = tmp_path / "mvn"
    # Writes one jar into -Djars.dir and counts its calls.
    fake_mvn.write_text('#!/bin/sh\nfor a; do case "$a" in -Djars.dir=*) d="${a#-Djars.dir=}";; esac; done\n'
                        'mkdir -p "$d" && touch "$d/pe-tests.jar" && echo x >> "%s/calls"\n' % tmp_path)
    fake_mvn.chmod(0o755)
    first = pe.ensure_jars(tmp_path / "lib", mvn=str(fake_mvn))
    second = pe.ensure_jars(tmp_path / "lib", mvn=str(fake_mvn))
    assert [p.name for p in first] == [p.name for p in second] == ["pe-tests.jar"]
    assert (tmp_path / "calls").read_text().count("x") == 1
