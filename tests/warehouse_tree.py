"""What a local warehouse publishes, for tests that compare two of them.

A partition's rows are compared, not its files: how rows are split over
``part-*`` files follows the runner's reduce tasks, which mrjob's inline
and local runners size from the shuffle (so a re-run that reads more
state splits differently), and a ``member_events`` partition gains one
file per run that adds rows to its day (``warehouse.publish``: additions),
so a rebuild or another processing order splits it differently. Readers
always read a partition whole and never depend on row order, so the rows
are compared as a sorted list of byte strings. For the same reason an id
index line (``mapreduce.id_index``) is compared as its entries: how many
share a line follows the reduce tasks too.
"""

from __future__ import annotations

from pathlib import Path

from mapreduce import id_index
from warehouse import layout


def published(root: Path, state: bool = False) -> dict[str, bytes]:
    """Partition path -> its rows (every part file's lines, sorted, each with its
    line end), for every sealed partition.

    Run bookkeeping (``_runs``, ``_staging``, ``_lock``) is left out, and so is
    the incremental state unless ``state``.
    """
    root = Path(root)
    found = {}
    for marker in sorted(root.rglob(layout.SUCCESS)):
        folder = marker.parent
        rel = folder.relative_to(root).as_posix()
        if rel.startswith(layout.STATE + "/"):
            if not state:
                continue
        elif rel.startswith("_"):
            continue
        rows = [row for part in folder.glob(layout.PART_PREFIX + "*")
                for row in part.read_bytes().splitlines(keepends=True)]
        if rel.startswith(layout.IDS + "/"):
            rows = [entry + b"\n" for row in rows for entry in index_entries(row)]
        found[rel] = b"".join(sorted(rows))
    return found


def index_entries(line: bytes) -> list[bytes]:
    """The entries of an id index line, each as its own row (no line end)."""
    cells = id_index.cells_of(line)
    return [b"\t".join(cells[at:at + id_index.CELLS]) for at in range(0, len(cells), id_index.CELLS)]
