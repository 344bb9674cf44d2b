"""What the jobs ask of Hadoop: the Java formats only where they run."""

from __future__ import annotations

import gc

import pytest

from mapreduce import jobio
from mapreduce.mr_roll_up_days import MRRollUpDays
from mapreduce.mr_summarize_devices import MRSummarizeDevices
from mapreduce.mr_summarize_members import MRSummarizeMembers
from mapreduce.mr_validate_events import MRValidateEvents

JOBS = [MRValidateEvents, MRRollUpDays, MRSummarizeDevices, MRSummarizeMembers]
# Each job's required switches.
REQUIRED = {MRSummarizeDevices: ["--as-of", "2026-11-27T23"], MRSummarizeMembers: ["--as-of", "2026-11-27T23"]}


@pytest.mark.parametrize("job_class", JOBS)
def test_hadoop_runs_read_and_write_through_the_java_formats(job_class):
    job = job_class(["-r", "hadoop", "--paths-in-lines", *REQUIRED.get(job_class, []), "in"])
    assert job.hadoop_input_format() == jobio.INPUT_FORMAT
    assert job.hadoop_output_format() == jobio.OUTPUT_FORMAT


@pytest.mark.parametrize("job_class", JOBS)
def test_local_runs_ask_for_no_java_format(job_class):
    # mrjob's inline and local runners would warn on every job that they ignore them.
    job = job_class(["-r", "local", "--write-partitions", *REQUIRED.get(job_class, []), "in"])
    assert job.hadoop_input_format() is None
    assert job.hadoop_output_format() is None


class _Echo(jobio.JobIO):
    def mapper(self, _, line):
        yield "k", line.decode()

    def reducer(self, key, values):
        yield key, ",".join(sorted(values))


def test_a_task_buffers_its_output_when_the_interpreter_does_not(tmp_path, monkeypatch):
    # PYTHONUNBUFFERED (or python -u) leaves sys.stdout.buffer the raw file:
    # two system calls per record unless the job buffers.
    source = tmp_path / "in.txt"
    source.write_bytes(b"a\nb\n")
    out_path = tmp_path / "out"
    raw = open(out_path, "wb", buffering=0)
    writes = []

    class CountingRaw(type(raw)):
        def write(self, data):
            writes.append(len(data))
            return super().write(data)

    raw.close()
    counting = CountingRaw(out_path, "wb")
    monkeypatch.setattr("sys.stdout", type("Text", (), {"buffer": counting})())
    monkeypatch.setattr("sys.stdin", type("Text", (), {"buffer": open(source, "rb")})())
    monkeypatch.setenv("mapreduce_map_input_file", str(source))
    job = _Echo(["--step-num=0", "--mapper"])
    assert not isinstance(job.stdout, type(counting))
    job.execute()
    assert not counting.closed  # the interpreter's file stays open
    counting.flush()
    assert out_path.read_bytes() == b'"k"\t"a"\n"k"\t"b"\n'
    assert len(writes) == 1


def test_a_buffered_interpreter_output_is_used_as_it_is(monkeypatch, tmp_path):
    handle = open(tmp_path / "out", "wb")
    monkeypatch.setattr("sys.stdout", type("Text", (), {"buffer": handle})())
    assert _Echo(["--step-num=0", "--mapper"]).stdout is handle


def test_a_line_copied_as_bytes_lands_as_an_emitted_row_does(tmp_path, monkeypatch):
    monkeypatch.setenv("mapreduce_task_output_dir", str(tmp_path))
    monkeypatch.setenv("mapreduce_task_partition", "3")
    written = jobio.PartitionedOutput(write_files=True)
    assert list(written.emit("a/dt=2026-11-27", "r\u00e9ow\tone")) == []
    assert written.emit_line("a/dt=2026-11-27", "r\u00e9ow\ttwo".encode()) == ()
    written.close()
    assert (tmp_path / "a/dt=2026-11-27/part-00003").read_bytes() == "r\u00e9ow\tone\nr\u00e9ow\ttwo\n".encode()
    # Where the output format writes the files (Hadoop), both hand it the row as text.
    handed = jobio.PartitionedOutput(write_files=False)
    assert handed.emit_line("a/dt=2026-11-27", "r\u00e9ow".encode()) == (("a/dt=2026-11-27", "r\u00e9ow"),)
    assert list(handed.emit("a/dt=2026-11-27", "r\u00e9ow")) == [("a/dt=2026-11-27", "r\u00e9ow")]


@pytest.mark.parametrize("thresholds", [None, jobio.FEW_COLLECTIONS])
def test_a_task_runs_with_the_jobs_collector_thresholds_and_gives_the_callers_back(tmp_path, monkeypatch,
                                                                                    thresholds):
    seen = []

    class Watching(jobio.JobIO):
        GC_THRESHOLDS = thresholds

        def mapper(self, _, line):
            seen.append(gc.get_threshold())
            yield "k", line.decode()

    source = tmp_path / "in.txt"
    source.write_bytes(b"a\n")
    before = gc.get_threshold()
    with open(tmp_path / "out", "wb") as out, open(source, "rb") as stdin:
        monkeypatch.setattr("sys.stdout", type("Text", (), {"buffer": out})())
        monkeypatch.setattr("sys.stdin", type("Text", (), {"buffer": stdin})())
        monkeypatch.setenv("mapreduce_map_input_file", str(source))
        gc.set_threshold(700, 10, 10)
        try:
            Watching(["--step-num=0", "--mapper"]).execute()
            assert seen == [thresholds or (700, 10, 10)]
            assert gc.get_threshold() == (700, 10, 10)
        finally:
            gc.set_threshold(*before)
