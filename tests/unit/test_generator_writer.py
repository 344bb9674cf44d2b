"""Atomic, deterministic part files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from generator import writer


def test_plain_write(tmp_path: Path) -> None:
    path = tmp_path / "hour=01" / "part-00000.jsonl"
    flushes = []
    n = writer.write_lines(path, (b"%d\n" % i for i in range(10_000)), False,
                           lambda: flushes.append(1))
    assert n == 10_000
    assert path.read_bytes() == b"".join(b"%d\n" % i for i in range(10_000))
    assert len(flushes) >= 2
    assert [p.name for p in path.parent.iterdir()] == ["part-00000.jsonl"]


def test_gzip_is_byte_identical_and_nameless(tmp_path: Path) -> None:
    lines = [b'{"a":%d}\n' % i for i in range(1000)]
    a, b = tmp_path / "a.jsonl.gz", tmp_path / "b" / "other.jsonl.gz"
    writer.write_lines(a, lines, gzip=True)
    writer.write_lines(b, lines, gzip=True)
    assert a.read_bytes() == b.read_bytes()
    assert gzip.decompress(a.read_bytes()) == b"".join(lines)
    assert a.read_bytes()[4:8] == b"\0\0\0\0"  # mtime 0
    assert a.read_bytes()[3] & 0x08 == 0  # no FNAME


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "part-00000.jsonl"
    writer.write_lines(path, [b"old\n"])

    def broken():
        yield b"new\n" * 5000
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        writer.write_lines(path, broken())
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["part-00000.jsonl"]


def test_rewrite_replaces(tmp_path: Path) -> None:
    path = tmp_path / "part-00000.jsonl"
    writer.write_lines(path, [b"old\n"])
    writer.write_bytes(path, b"new\n")
    assert path.read_bytes() == b"new\n"


def test_remove_stale_parts(tmp_path: Path) -> None:
    names = ["part-00000.jsonl", "part-00001.jsonl", "part-00000.jsonl.gz", "_manifest.json",
             "notes.txt"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    removed = writer.remove_stale_parts(tmp_path, ["part-00000.jsonl.gz"])
    assert sorted(p.name for p in removed) == ["part-00000.jsonl", "part-00001.jsonl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "_manifest.json", "notes.txt", "part-00000.jsonl.gz"]
    assert writer.remove_stale_parts(tmp_path / "missing", []) == []


def test_part_name() -> None:
    assert writer.part_name(3, False) == "part-00003.jsonl"
    assert writer.part_name(3, True) == "part-00003.jsonl.gz"
