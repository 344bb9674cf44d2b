"""Take events away from the landing hours that no longer own them.

When an earlier landing hour is processed after a later one, the later
hour's copy of a shared event_id loses its ownership (``mapreduce.ownership``).
This job rewrites the later hours' ``events`` and ``_state/ids``
partitions without those ids.

Input: the ``events`` and ``_state/ids`` part files of the hours that lose
ids, and the validate job's ``_changes/dropped`` files (one event id per
line, partitioned by the hour that loses it). Output: the same ``events``
and ``_state/ids`` partitions, every row (index entry) kept but the dropped
ones, in the order the validate job writes them (by event_id); index
entries are gathered into lines again (``mapreduce.id_index``). Index
lines that are not entries are counted (``drop_events/bad_index``): the
driver stops.
"""

from __future__ import annotations

from mapreduce import id_index
from mapreduce.jobio import JobIO, OrjsonProtocol
from warehouse import layout

_INDEX = layout.IDS + "/"


class MRDropEvents(JobIO):
    """events + id index of some hours, minus the ids they lost."""

    INTERNAL_PROTOCOL = OrjsonProtocol

    def mapper_init(self):
        """Start this task's input-file cache."""
        self._path = self._partition = None

    def mapper(self, _, line):
        """Key every row, every index entry and every drop by its event id."""
        path, line = self.split_input(line)
        if path != self._path:
            self._path, self._partition = path, layout.partition_of_file(path)
        partition = self._partition
        # Keyed like the validate job's output, so rows keep its order and part files.
        where = [partition.dt, partition.hour, partition.path]
        if partition.dataset == layout.IDS:
            try:
                cells = id_index.cells_of(line)
            except ValueError:
                self.increment_counter("drop_events", "bad_index")
                return
            for at in range(0, len(cells), id_index.CELLS):
                entry = b"\t".join(cells[at:at + id_index.CELLS]).decode("utf-8")
                yield cells[at].decode("utf-8"), where + [entry]
            return
        row = line.rstrip(b"\r\n").decode("utf-8")
        event_id = row.split("\t", 1)[0]
        if not event_id:
            return
        if partition.dataset == layout.DROPPED:
            yield event_id, where[:2]
        else:
            yield event_id, where + [row]

    def reducer_init(self):
        """Start this task's output."""
        self._index = id_index.Lines()
        self.open_output()

    def reducer(self, key, values):
        """Keep the rows of an id but in the hours that dropped it."""
        rows, dropped = [], set()
        for value in values:
            if len(value) == 2:
                dropped.add(tuple(value))
            else:
                rows.append(value)
        for dt, hour, path, row in sorted(rows):
            if (dt, hour) in dropped:
                if path.startswith("events/"):
                    self.increment_counter("drop_events", "dropped")
                continue
            if path.startswith(_INDEX):
                line = self._index.add(path, row)
                if line is not None:
                    yield from self.emit(path, line)
            else:
                yield from self.emit(path, row)

    def reducer_final(self):
        """Write this task's last index lines; close its output."""
        for path, line in self._index.flush():
            yield from self.emit(path, line)
        self.close_output()


if __name__ == "__main__":
    MRDropEvents.run()
