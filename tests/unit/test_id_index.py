"""The id index's lines: entries gathered per partition, and read back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapreduce import id_index


def test_an_entry_is_three_cells():
    assert id_index.cells_of(id_index.entry("e-1", "2026-11-27", "ab").encode() + b"\n") == [
        b"e-1", b"2026-11-27", b"ab"]


@pytest.mark.parametrize("line", [b"", b"\n", b"e-1\t2026-11-27\n", b"\t2026-11-27\tab\n",
                                  b"e-1\t2026-11-27\tab\t\t2026-11-27\tcd\n", b"e-1\t2026-11-27\tab\te-2\n"])
def test_a_line_that_is_not_entries_is_refused(line):
    with pytest.raises(ValueError, match="not an id index line"):
        id_index.cells_of(line)


def test_lines_are_full_but_the_last_of_each_partition():
    lines = id_index.Lines(per_line=2)
    assert lines.add("b", "x") is None
    assert lines.add("a", "y") is None
    assert lines.add("b", "z") == "x\tz"
    assert lines.add("b", "w") is None
    assert list(lines.flush()) == [("a", "y"), ("b", "w")]
    assert list(lines.flush()) == []


def test_a_line_holds_at_least_one_entry():
    with pytest.raises(ValueError):
        id_index.Lines(per_line=0)


@given(st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3"]), st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True)),
                max_size=60),
       st.integers(min_value=1, max_value=7))
def test_every_entry_comes_back_in_its_partition_and_order(added, per_line):
    lines = id_index.Lines(per_line)
    written = []
    for n, (partition, event_id) in enumerate(added):
        line = lines.add(partition, id_index.entry(event_id, "2026-11-27", "%04x" % n))
        if line is not None:
            written.append((partition, line))
    written += list(lines.flush())
    back = []
    for partition, line in written:
        cells = id_index.cells_of(line.encode() + b"\n")
        assert len(cells) <= 3 * per_line
        back += [(partition, cells[at].decode(), int(cells[at + 2], 16)) for at in range(0, len(cells), 3)]
    for partition in ("p1", "p2", "p3"):
        assert [(i, n) for p, i, n in back if p == partition] == [
            (i, n) for n, (p, i) in enumerate(added) if p == partition]
