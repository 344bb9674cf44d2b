"""Generated landings through the pipeline's own parser (``mapreduce.device_log``).

The outcomes the contract parser gives every line, with duplicates found by
event_id in order of hours and lines, must equal the manifests exactly.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections import Counter
from pathlib import Path

import pytest

from generator import generate_landing

device_log = pytest.importorskip("mapreduce.device_log")
utc = pytest.importorskip("mapreduce.utc")

DAY = dt.date(2026, 11, 27)


def _lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.split(b"\n")[:-1]


@pytest.mark.parametrize("seed, gz, files", [(1, False, 1), (2, True, 2)])
def test_parser_outcomes_equal_the_manifest(tmp_path: Path, seed: int, gz: bool,
                                            files: int) -> None:
    manifest = generate_landing(tmp_path, DAY, seed=seed, members=500, devices=1500,
                                events=20_000, bad_rate=0.1, duplicate_rate=0.15,
                                late_rate=0.1, gzip=gz, files_per_hour=files, progress=False)
    seen: dict[str, int] = {}
    for hour in manifest.hours:
        start = utc.landing_hour_start_ms(DAY.isoformat(), hour.hour)
        got: Counter = Counter()
        first_hours: Counter = Counter()
        for entry in hour.files:
            for line in _lines(hour.folder(tmp_path) / entry.name):
                outcome = device_log.parse_line(line, start)
                if outcome is None:
                    got["blank"] += 1
                elif isinstance(outcome, device_log.Rejection):
                    got[outcome.reason] += 1
                elif outcome.event_id in seen:
                    got["duplicate"] += 1
                    if seen[outcome.event_id] != hour.hour:
                        first_hours[seen[outcome.event_id]] += 1
                else:
                    seen[outcome.event_id] = hour.hour
                    got["valid"] += 1
        expected = {o: n for o, n in hour.outcomes.items() if n}
        assert dict(got) == expected, "hour %02d" % hour.hour
        assert dict(first_hours) == hour.duplicates_by_first_hour
    assert all(manifest.counts.values())
