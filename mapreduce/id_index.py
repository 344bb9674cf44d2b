"""The id index's lines (``_state/ids``): entries of one landing hour, many to a line.

An entry is ``event_id, event_dt, digest`` (``mapreduce.ownership``): the
id a landing hour owns, the event's day and a digest of its content. A line
holds up to ``ENTRIES_PER_LINE`` entries, their cells joined by tabs, in
the order the job wrote them::

    e-1 TAB 2026-11-27 TAB 3f2a... TAB e-2 TAB 2026-11-26 TAB 9c01...

Every run reads the index of the landing days around it, and nearly all
of those entries meet no copy in the run: a line per entry made the index
mappers spend most of their time on the framework's work per line (about
2 microseconds), not on the id filter's check. A line of one entry is a
valid line, so indexes written before the entries were grouped read as
they are.
"""

from __future__ import annotations

from collections.abc import Iterator

ENTRIES_PER_LINE = 256
CELLS = 3  # event_id, event_dt, digest


def entry(event_id: str, event_dt: str, digest: str) -> str:
    """One entry's cells as text (``Lines.add`` takes it)."""
    return "%s\t%s\t%s" % (event_id, event_dt, digest)


def cells_of(line: bytes) -> list[bytes]:
    """The cells of an index line, ``CELLS`` per entry; ValueError for a line that is not one."""
    cells = line.rstrip(b"\r\n").split(b"\t")
    if len(cells) % CELLS or not all(cells[::CELLS]):
        raise ValueError("not an id index line (event_id TAB event_dt TAB digest, repeated)")
    return cells


class Lines:
    """Gathers the entries a task writes into lines, per partition.

    ``add`` returns a full line when one is ready; ``flush`` the rest, at
    the end of the task.
    """

    def __init__(self, per_line: int = ENTRIES_PER_LINE):
        if per_line < 1:
            raise ValueError("an index line holds at least one entry")
        self._per_line = per_line
        self._pending: dict[str, list[str]] = {}

    def add(self, partition: str, text: str) -> str | None:
        """Hold one entry (``entry``) of ``partition``; a full line of it, if one is ready."""
        pending = self._pending.setdefault(partition, [])
        pending.append(text)
        if len(pending) < self._per_line:
            return None
        del self._pending[partition]
        return "\t".join(pending)

    def flush(self) -> Iterator[tuple[str, str]]:
        """Every partly filled line, as ``(partition, line)``, in partition order."""
        pending, self._pending = self._pending, {}
        for partition in sorted(pending):
            yield partition, "\t".join(pending[partition])
