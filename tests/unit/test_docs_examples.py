"""The docs stay true to the code: example mrjob confs, the contract, the worked examples."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from mrjob.conf import load_opts_from_mrjob_conf
from mrjob.emr import EMRJobRunner
from mrjob.hadoop import HadoopJobRunner

from hbase_schema import keys
from mapreduce.contract import DEVICE_TYPES, EVENT_TYPES, REJECT_REASONS
from mapreduce.device_log import Event, Rejection, parse_line
from mapreduce.mr_validate_events import MRValidateEvents
from mapreduce.records import DATASETS
from mapreduce.utc import iso_to_ms, landing_hour_start_ms

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = DOCS / "examples"

# runner alias -> (example conf, runner class, options the conf must set)
CONFS = {
    "hadoop": (
        "mrjob.hadoop.conf",
        HadoopJobRunner,
        {"hadoop_bin", "hadoop_streaming_jar", "hadoop_tmp_dir", "python_bin", "task_python_bin", "setup"},
    ),
    "emr": (
        "mrjob.emr.conf",
        EMRJobRunner,
        {"region", "release_label", "instance_type", "num_core_instances", "cloud_tmp_dir",
         "ec2_key_pair", "bootstrap", "bootstrap_python", "python_bin"},
    ),
}


def _conf_opts(alias: str) -> dict:
    """The options mrjob's own loader reads for ``alias`` from its example conf."""
    name = CONFS[alias][0]
    loaded = load_opts_from_mrjob_conf(alias, str(EXAMPLES / name))
    assert len(loaded) == 1
    path, opts = loaded[0]
    assert path is not None, "mrjob did not find %s" % name
    return opts


@pytest.mark.parametrize("alias", sorted(CONFS))
def test_example_conf_sets_only_real_options_of_its_runner(alias):
    _, runner_class, required = CONFS[alias]
    opts = _conf_opts(alias)
    assert required <= set(opts)
    assert set(opts) - runner_class.OPT_NAMES == set()


@pytest.mark.parametrize("alias", sorted(CONFS))
def test_example_conf_defines_no_other_runner(alias):
    others = [other for other in ("inline", "local", "hadoop", "emr", "dataproc") if other != alias]
    name = CONFS[alias][0]
    for other in others:
        assert load_opts_from_mrjob_conf(other, str(EXAMPLES / name))[0][1] == {}


def test_example_confs_ship_python_with_the_compiled_packages():
    hadoop, emr = _conf_opts("hadoop"), _conf_opts("emr")
    for package in ("orjson", "fastbloom"):
        assert any(package in command for command in hadoop["setup"])
        assert any(package in command for command in emr["bootstrap"])
    assert emr["bootstrap_python"] is False
    assert any(emr["python_bin"] in command for command in emr["bootstrap"])


@pytest.mark.parametrize("alias", sorted(CONFS))
def test_runner_accepts_example_conf(alias, tmp_path):
    # cloud_tmp_dir set means the EMR runner needs no S3 lookup to start.
    assert alias != "emr" or _conf_opts("emr")["cloud_tmp_dir"].startswith("s3://")
    name, runner_class, _ = CONFS[alias]
    job = MRValidateEvents([
        "-r", alias, "-c", str(EXAMPLES / name), "--local-tmp-dir", str(tmp_path),
        "file:///landing/dt=2026-11-27/hour=08/a.jsonl",
    ])
    runner = job.make_runner()
    try:
        assert isinstance(runner, runner_class)
        assert runner._opts["label"] == "kickback"
    finally:
        runner.cleanup(mode=["LOCAL_TMP"])


def test_clusters_doc_points_at_both_examples():
    text = (DOCS / "clusters.md").read_text()
    for name, _, _ in CONFS.values():
        assert "docs/examples/%s" % name in text


# --- docs/device-log-v1.md ---------------------------------------------------

CONTRACT = DOCS / "device-log-v1.md"


@pytest.mark.parametrize("name", REJECT_REASONS + EVENT_TYPES + DEVICE_TYPES)
def test_contract_names_every_reason_and_type(name):
    assert "`%s`" % name in CONTRACT.read_text()


def test_contract_lists_reasons_in_check_order():
    text = CONTRACT.read_text()
    numbered = re.findall(r"^  \d\. `(\w+)`", text, flags=re.MULTILINE)
    assert tuple(numbered) == REJECT_REASONS


def _worked_example_lines() -> list[bytes]:
    text = CONTRACT.read_text().split("## Worked example", 1)[1]
    block = text.split("```", 2)[1]
    return [line.encode("utf-8") for line in block.strip("\n").split("\n")]


def test_contract_worked_example_matches_the_parser():
    landing = landing_hour_start_ms("2026-11-27", 8)
    lines = _worked_example_lines()
    outcomes = [parse_line(line, landing) for line in lines]
    assert len(lines) == 6
    assert isinstance(outcomes[0], Event) and isinstance(outcomes[1], Event)
    assert lines[0] == lines[1]  # so line 2 is a duplicate of line 1
    assert outcomes[0].event_ms == iso_to_ms("2026-11-26T22:59:30.500Z")
    assert [o.reason for o in outcomes[2:] if isinstance(o, Rejection)] == [
        "missing_field", "bad_value", "bad_timestamp", "malformed",
    ]


# --- docs/design.md ----------------------------------------------------------

DESIGN = DOCS / "design.md"


def test_design_names_every_dataset():
    text = DESIGN.read_text()
    assert [name for name in DATASETS if "`%s`" % name not in text] == []


def test_design_row_key_example_matches_keys_module():
    text = DESIGN.read_text().replace("\\|", "|")
    ms = iso_to_ms("2026-11-26T22:59:30.500Z")
    expected = [
        keys.summary_key("m-000123"),
        keys.daily_key("m-000123", datetime.date(2026, 11, 26)),
        keys.event_key("m-000123", ms, "e-100"),
        keys.summary_key("ph-42"),
        *keys.daily_range("m-000123", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)),
    ]
    assert [key for key in expected if 'b"%s"' % key.decode("ascii") not in text] == []
    assert "| `%d` (crc32" % keys.bucket("m-000123") in text
