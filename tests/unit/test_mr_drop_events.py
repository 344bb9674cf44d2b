"""MRDropEvents through the inline runner: later hours lose the ids an earlier hour took."""

from __future__ import annotations

import random

import pytest

from mapreduce import id_index
from mapreduce.mr_drop_events import MRDropEvents

H09, H10 = "dt=2026-11-27/hour=09", "dt=2026-11-27/hour=10"


def events_row(event_id, source="b.jsonl"):
    """An events row (only its first and last columns matter to the job)."""
    return "\t".join([event_id, "d-1", "phone", "heartbeat", "\\N", "2026-11-27T08:15:00.123Z",
                      "2026-11-27", "false", *["\\N"] * 11, source])


def write(root, partition, rows, name="part-00000"):
    """Write rows as one part file of ``partition``; its path."""
    path = root / partition / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    return str(path)


def run_job(root, *paths):
    """Run the job inline, writing partitions; ({partition: rows}, counters).

    Each part file must be in event_id order (a reduce task's keys are
    sorted); a partition's rows are its part files' in name order.
    """
    out = root / "out"
    job = MRDropEvents(["-r", "inline", "--no-conf", "--write-partitions", "--output-dir", str(out), *paths])
    with job.make_runner() as runner:
        runner.run()
        counters = runner.counters()[0]
    found = {}
    for part in sorted(out.rglob("part-*")):
        rows = part.read_text(encoding="utf-8").splitlines()
        partition = part.parent.relative_to(out).as_posix()
        if partition.startswith("_state/ids/"):
            assert all(len(row.split("\t")) <= 3 * id_index.ENTRIES_PER_LINE for row in rows)
            rows = [entry for row in rows for entry in entries(row)]
        assert rows == sorted(rows, key=lambda row: row.split("\t", 1)[0])
        if part.parent != out:
            found.setdefault(partition, []).extend(rows)
    return found, counters


def entries(line):
    """The entries of an id index line, each as its own line."""
    cells = line.split("\t")
    return ["\t".join(cells[at:at + 3]) for at in range(0, len(cells), 3)]


def hour(root, when, ids, dropped=(), rows=None):
    """events, _state/ids and _changes/dropped files of one hour."""
    rows = [events_row(i) for i in ids] if rows is None else rows
    paths = [
        write(root, "events/" + when, rows),
        write(root, "_state/ids/" + when, index_lines(ids, per_line=2)),
    ]
    if dropped:
        paths.append(write(root, "_changes/dropped/" + when, dropped))
    return paths


def index_lines(ids, per_line):
    """Id index lines of ``ids`` (digest: the id's position), ``per_line`` entries to a line."""
    entries = ["%s\t2026-11-27\t%016x" % (i, n) for n, i in enumerate(ids)]
    return ["\t".join(entries[at:at + per_line]) for at in range(0, len(entries), per_line)]


def ids(found):
    """{partition: its event ids}."""
    return {partition: [row.split("\t", 1)[0] for row in rows] for partition, rows in found.items()}


def test_drops_ids_only_in_the_hour_that_lost_them(tmp_path):
    paths = hour(tmp_path, H09, ["a", "b", "c", "d"], dropped=["b", "d", "zz"])
    # hour 10 carries b too, but lost nothing
    paths += hour(tmp_path, H10, ["b", "e"], dropped=[])
    found, counters = run_job(tmp_path, *paths)
    assert ids(found) == {
        "events/" + H09: ["a", "c"], "_state/ids/" + H09: ["a", "c"],
        "events/" + H10: ["b", "e"], "_state/ids/" + H10: ["b", "e"],
    }
    assert counters["drop_events"] == {"dropped": 2}
    # index entries go back into lines: at most one line of each partition per reduce task
    assert counters["rows"]["events"] == 4 and 2 <= counters["rows"]["_state/ids"] <= 4


def test_kept_rows_are_verbatim(tmp_path):
    odd = events_row("a", source="dt=2026-11-27/hour=09/odd\\\tname.jsonl")
    found, _ = run_job(tmp_path, *hour(tmp_path, H09, ["a", "b"], dropped=["b"], rows=[odd, events_row("b")]))
    assert found["events/" + H09] == [odd]
    assert found["_state/ids/" + H09] == ["a\t2026-11-27\t%016x" % 0]


@pytest.mark.parametrize("seed", [1, 2])
def test_output_does_not_depend_on_input_order_or_splits(tmp_path, seed):
    names = ["e%02d" % n for n in range(30)]
    dropped = names[::3]
    expected, _ = run_job(tmp_path / "one", *hour(tmp_path / "one", H09, names, dropped=dropped))
    assert ids(expected)["events/" + H09] == [n for n in names if n not in dropped]
    rnd = random.Random(seed)
    shuffled = rnd.sample(names, len(names))
    root = tmp_path / "split"
    paths = [write(root, "events/" + H09, [events_row(i) for i in shuffled[:7]], "part-00001"),
             write(root, "events/" + H09, [events_row(i) for i in shuffled[7:]], "part-00000"),
             write(root, "_state/ids/" + H09, ["%s\t2026-11-27\t%016x" % (i, names.index(i)) for i in shuffled]),
             write(root, "_changes/dropped/" + H09, rnd.sample(dropped, len(dropped)))]
    found, _ = run_job(root, *rnd.sample(paths, len(paths)))
    assert {k: sorted(v) for k, v in found.items()} == {k: sorted(v) for k, v in expected.items()}


def test_empty_input(tmp_path):
    found, counters = run_job(tmp_path, *hour(tmp_path, H09, []))
    assert found == {}
    assert "drop_events" not in counters


def test_index_lines_that_are_not_entries_are_counted(tmp_path):
    paths = hour(tmp_path, H09, ["a", "b"], dropped=["b"])
    paths.append(write(tmp_path, "_state/ids/" + H09, ["c\t2026-11-27"], "part-00001"))
    found, counters = run_job(tmp_path, *paths)
    assert counters["drop_events"] == {"dropped": 1, "bad_index": 1}
    assert ids(found) == {"events/" + H09: ["a"], "_state/ids/" + H09: ["a"]}


def test_many_kept_entries_fill_whole_lines(tmp_path):
    names = ["e%04d" % n for n in range(4 * id_index.ENTRIES_PER_LINE + 3)]
    paths = hour(tmp_path, H09, names, dropped=["e0000"])
    found, _ = run_job(tmp_path, *paths)
    sizes = [[len(line.split("\t")) // 3 for line in part.read_text().splitlines()]
             for part in sorted((tmp_path / "out" / "_state/ids" / H09).glob("part-*"))]
    # each reduce task fills its lines but the last
    assert all(size == id_index.ENTRIES_PER_LINE for task in sizes for size in task[:-1])
    assert sum(map(sum, sizes)) == len(names) - 1 and max(map(len, sizes)) > 1
    assert sorted(ids(found)["_state/ids/" + H09]) == names[1:]
