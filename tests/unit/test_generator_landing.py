"""``generate_landing``: layout, determinism, gzip, scale, arguments, atomic reruns."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from generator import generate_landing, read_hour_manifest
from generator.hour import HourGenerator

DAY = dt.date(2026, 11, 27)
SMALL = dict(seed=3, members=100, devices=300, events=2000, bad_rate=0.05,
             duplicate_rate=0.1, progress=False)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_layout(tmp_path: Path) -> None:
    m = generate_landing(tmp_path, DAY, [0, 5], files_per_hour=2, **SMALL)
    assert sorted(_tree(tmp_path)) == [
        "dt=2026-11-27/hour=00/_manifest.json",
        "dt=2026-11-27/hour=00/part-00000.jsonl",
        "dt=2026-11-27/hour=00/part-00001.jsonl",
        "dt=2026-11-27/hour=05/_manifest.json",
        "dt=2026-11-27/hour=05/part-00000.jsonl",
        "dt=2026-11-27/hour=05/part-00001.jsonl",
    ]
    assert [p.exists() for p in m.paths + m.manifest_paths] == [True] * 6
    assert m.bytes == sum(p.stat().st_size for p in m.paths)
    assert m.lines == sum(len(p.read_bytes().splitlines()) for p in m.paths)
    assert m.knobs["hours"] == [0, 5] and m.seed == 3


def test_same_arguments_same_bytes(tmp_path: Path) -> None:
    for gz in (False, True):
        a = generate_landing(tmp_path / ("a%d" % gz), DAY, gzip=gz, files_per_hour=2, **SMALL)
        b = generate_landing(tmp_path / ("b%d" % gz), DAY, gzip=gz, files_per_hour=2, **SMALL)
        assert _tree(a.root) == _tree(b.root)
        assert a.counts == b.counts
    other = generate_landing(tmp_path / "c", DAY, **{**SMALL, "seed": 4})
    assert _tree(other.root) != _tree(tmp_path / "a0")


def test_gzip_holds_the_plain_lines(tmp_path: Path) -> None:
    plain = generate_landing(tmp_path / "p", DAY, [7, 8], **SMALL)
    packed = generate_landing(tmp_path / "g", DAY, [7, 8], gzip=True, **SMALL)
    assert [p.name for p in packed.paths] == ["part-00000.jsonl.gz"] * 2
    for p, g in zip(plain.paths, packed.paths):
        assert gzip.decompress(g.read_bytes()) == p.read_bytes()
    assert plain.counts == packed.counts
    assert packed.bytes < plain.bytes


def test_scales_down(tmp_path: Path) -> None:
    m = generate_landing(tmp_path, DAY, seed=1, members=5, devices=10, events=200,
                         progress=False)
    assert m.lines - m.counts["blank"] == 200
    assert sum(m.counts.values()) == m.lines
    tiny = generate_landing(tmp_path / "t", DAY, [4], members=1, devices=1, events=3,
                            progress=False)
    assert tiny.lines - tiny.counts["blank"] == 3
    empty = generate_landing(tmp_path / "e", DAY, [4], events=0, progress=False)
    assert empty.lines == 0 and empty.paths[0].read_bytes() == b""


def test_events_are_split_over_the_requested_hours(tmp_path: Path) -> None:
    m = generate_landing(tmp_path, DAY, [3, 12], **SMALL)
    slots = [h.lines - h.outcomes["blank"] for h in m.hours]
    assert sum(slots) == 2000 and slots[1] > slots[0]


@pytest.mark.parametrize("change, message", [
    ({"members": -1}, "members must be at least 1"),
    ({"devices": 0}, "devices must be at least 1"),
    ({"events": -5}, "events must be at least 0"),
    ({"events": 1.5}, "events must be an integer"),
    ({"bad_rate": 1.5}, "bad_rate must be between 0 and 1"),
    ({"duplicate_rate": -0.1}, "duplicate_rate must be between 0 and 1"),
    ({"late_rate": float("nan")}, "late_rate must be between 0 and 1"),
    ({"late_rate": "0.1"}, "late_rate must be a number"),
    ({"files_per_hour": 0}, "files_per_hour must be at least 1"),
    ({"hours": [24]}, "hours must be integers 0..23"),
    ({"hours": [-1]}, "hours must be integers 0..23"),
    ({"hours": []}, "hours must not be empty"),
    ({"hours": ["1"]}, "hours must be integers 0..23"),
    ({"day": dt.datetime(2026, 11, 27)}, "day must be a datetime.date"),
    ({"day": "2026-11-27"}, "day must be a datetime.date"),
])
def test_argument_errors(tmp_path: Path, change: dict, message: str) -> None:
    args = {"root": tmp_path, "day": DAY, "hours": [1], **SMALL, **change}
    with pytest.raises(ValueError, match=message):
        generate_landing(**args)
    assert not any(tmp_path.iterdir())


def test_rerun_replaces_and_drops_stale_parts(tmp_path: Path) -> None:
    generate_landing(tmp_path, DAY, [6], files_per_hour=3, **SMALL)
    m = generate_landing(tmp_path, DAY, [6], gzip=True, **SMALL)
    folder = tmp_path / "dt=2026-11-27" / "hour=06"
    assert sorted(p.name for p in folder.iterdir()) == ["_manifest.json", "part-00000.jsonl.gz"]
    assert read_hour_manifest(folder).knobs["gzip"] is True
    assert m.paths == [folder / "part-00000.jsonl.gz"]


def test_interrupted_rerun_never_looks_complete(tmp_path: Path, mocker) -> None:
    generate_landing(tmp_path, DAY, [6], **SMALL)
    folder = tmp_path / "dt=2026-11-27" / "hour=06"
    before = (folder / "part-00000.jsonl").read_bytes()

    def broken(self, stop):
        yield b'{"half": "a line"}\n' * 10_000
        raise OSError("disk full")

    mocker.patch.object(HourGenerator, "lines", broken)
    with pytest.raises(OSError):
        generate_landing(tmp_path, DAY, [6], **SMALL)
    assert sorted(p.name for p in folder.iterdir()) == ["part-00000.jsonl"]
    assert (folder / "part-00000.jsonl").read_bytes() == before


def test_progress_bar_goes_to_stderr(tmp_path: Path, capsys) -> None:
    generate_landing(tmp_path, DAY, [1], **{**SMALL, "progress": True})
    out, err = capsys.readouterr()
    assert out == "" and "generate 2026-11-27" in err
    generate_landing(tmp_path, DAY, [1], **SMALL)
    assert capsys.readouterr() == ("", "")
