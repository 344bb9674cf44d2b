"""Manifests: JSON round trip and totals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.manifest import FileEntry, HourManifest, Manifest, hour_folder, read_hour_manifest

DAY = dt.date(2026, 11, 27)


def _hour(hour: int, valid: int) -> HourManifest:
    return HourManifest(
        day=DAY, hour=hour, seed=1, knobs={"events": 10},
        files=(FileEntry("part-00000.jsonl", valid + 2, 100), FileEntry("part-00001.jsonl", 1, 7)),
        outcomes={"valid": valid, "duplicate": 1, "blank": 1, "malformed": 1},
        duplicates_by_first_hour={2: 1}, late=1, valid_by_event_type={"heartbeat": valid},
        points_earned=5, points_redeemed=2, spend={"USD": 100},
    )


def test_round_trip(tmp_path: Path) -> None:
    hm = _hour(3, 4)
    folder = hour_folder(tmp_path, DAY, 3)
    folder.mkdir(parents=True)
    (folder / "_manifest.json").write_bytes(hm.to_json())
    back = read_hour_manifest(folder)
    assert back.outcomes["valid"] == 4 and back.outcomes["oversize"] == 0
    assert back.duplicates_by_first_hour == {2: 1}
    assert (back.day, back.hour, back.files, back.spend) == (hm.day, hm.hour, hm.files, hm.spend)
    assert hm.to_json() == back.to_json()


def test_not_a_manifest() -> None:
    with pytest.raises(ValueError):
        HourManifest.from_json(b'{"format": "other"}')


def test_totals(tmp_path: Path) -> None:
    m = Manifest(root=tmp_path, day=DAY, seed=1, knobs={}, hours=(_hour(3, 4), _hour(4, 6)))
    assert m.counts["valid"] == 10 and m.counts["duplicate"] == 2 and m.counts["bad_value"] == 0
    assert m.lines == 6 + 1 + 8 + 1
    assert m.bytes == 214
    assert m.paths[0] == tmp_path / "dt=2026-11-27" / "hour=03" / "part-00000.jsonl"
    assert len(m.paths) == 4
    assert m.manifest_paths[1] == tmp_path / "dt=2026-11-27" / "hour=04" / "_manifest.json"
