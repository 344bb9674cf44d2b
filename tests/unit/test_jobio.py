"""What the jobs ask of Hadoop: the Java formats only where they run."""

from __future__ import annotations

import pytest

from mapreduce import jobio
from mapreduce.mr_roll_up_days import MRRollUpDays
from mapreduce.mr_summarize_entities import MRSummarizeEntities
from mapreduce.mr_validate_events import MRValidateEvents

JOBS = [MRValidateEvents, MRRollUpDays, MRSummarizeEntities]
# Each job's required switches.
REQUIRED = {MRSummarizeEntities: ["--as-of", "2026-11-27T23"]}


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
