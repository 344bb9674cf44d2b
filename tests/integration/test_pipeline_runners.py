"""The same landing through -r inline, -r local and -r hadoop (the stack's real
Hadoop streaming) gives byte-identical warehouse partitions."""

from __future__ import annotations

import datetime as dt
import filecmp

from generator import generate_landing
from kickback.pipeline import run_pipeline

DAY = dt.date(2026, 11, 27)


def _tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _differences(comparison):
    found = comparison.left_only + comparison.right_only + comparison.diff_files
    for sub in comparison.subdirs.values():
        found += _differences(sub)
    return found


def test_every_runner_writes_the_same_bytes(stack_settings, tmp_path):
    landing = tmp_path / "landing"
    generate_landing(landing, DAY, [8, 9], seed=5, members=30, devices=60, events=500,
                     bad_rate=0.05, duplicate_rate=0.05, late_rate=0.1, gzip=True, progress=False)
    reports = {}
    for runner in ("inline", "local", "hadoop"):
        settings = stack_settings.replace(landing_dir=landing, warehouse_dir=tmp_path / runner)
        reports[runner] = run_pipeline(settings, DAY, runner=runner, say=lambda _: None)

    assert reports["local"].counters == reports["inline"].counters == reports["hadoop"].counters
    assert reports["inline"].counters["read"] > 400
    inline = tmp_path / "inline"
    assert any(name.startswith("member_summary/") for name in _tree(inline))
    for runner in ("local", "hadoop"):
        assert _tree(tmp_path / runner) == _tree(inline)
        assert _differences(filecmp.dircmp(inline, tmp_path / runner)) == [], runner
