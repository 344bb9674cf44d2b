"""mrjob on the stack's real Hadoop streaming gives what the inline runner gives."""

from __future__ import annotations

import gzip
import json

from tests_jobs import MRCountDeviceTypes

from kickback.runners import runner_args

LINES = [
    {"device_type": "phone"}, {"device_type": "pos"}, {"device_type": "phone"},
    {"device_type": "sensor"}, "not json", {"device_type": "phone"}, [1, 2],
]


def _write_input(tmp_path):
    plain = tmp_path / "in" / "part-0.jsonl"
    plain.parent.mkdir(parents=True)
    body = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in LINES) + "\n"
    plain.write_text(body)
    packed = tmp_path / "in" / "part-1.jsonl.gz"
    packed.write_bytes(gzip.compress(body.encode()))
    return [str(plain), str(packed)]


def _run(settings, runner, inputs, scratch):
    scratch.mkdir(parents=True, exist_ok=True)
    job = MRCountDeviceTypes(runner_args(settings, runner, scratch) + inputs)
    with job.make_runner() as run:
        run.run()
        return sorted(job.parse_output(run.cat_output()))


def test_hadoop_streaming_matches_inline(settings, tmp_path):
    inputs = _write_input(tmp_path)
    inline = _run(settings, "inline", inputs, tmp_path / "inline")
    hadoop = _run(settings, "hadoop", inputs, tmp_path / "hadoop")
    assert inline == [("?", 4), ("phone", 6), ("pos", 2), ("sensor", 2)]
    assert hadoop == inline
