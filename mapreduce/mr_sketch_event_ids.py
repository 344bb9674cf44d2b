"""Sketch the event ids of a run's raw lines into one Bloom filter.

Input: the raw landing files of the run's hours. Output: one line in the
partition ``--partition`` (``_changes/run_ids/dt=D``), the ``IdFilter``
(``mapreduce.id_filter``) of every event id a line of the input carries,
sized for ``--capacity`` ids. The validate job reads it to skip the index
entries of ids the run cannot meet.

Each map task fills its own filter and emits it once; the one reduce key
unites them. The ids are taken with ``device_log.event_id_of``: every id
``parse_line`` would accept is in the filter, and a few of rejected lines
too, which costs nothing but a shuffled index entry.
"""

from __future__ import annotations

from mapreduce.device_log import event_id_of
from mapreduce.id_filter import IdFilter
from mapreduce.jobio import JobIO, OrjsonProtocol

_KEY = "ids"


class MRSketchEventIds(JobIO):
    """Raw landings -> a filter of their event ids."""

    INTERNAL_PROTOCOL = OrjsonProtocol
    JOBCONF = {**JobIO.JOBCONF, "mapreduce.job.reduces": "1"}

    def configure_args(self):
        """Add --capacity and --partition."""
        super().configure_args()
        self.add_passthru_arg("--capacity", dest="capacity", type=int, required=True,
                              help="Ids the filter is sized for (mapreduce.id_filter.capacity_for).")
        self.add_passthru_arg("--partition", dest="partition", required=True,
                              help="Partition folder the filter is written to.")

    def mapper_init(self):
        """Start this task's filter."""
        self._filter = IdFilter(self.options.capacity)
        self._ids = 0

    def mapper(self, _, line):
        """Add the line's event id, if it has one."""
        event_id = event_id_of(self.split_input(line)[1])
        if event_id is not None:
            self._filter.add(event_id)
            self._ids += 1

    def mapper_final(self):
        """Emit this task's filter."""
        self.increment_counter("sketch", "ids", self._ids)
        yield _KEY, self._filter.dumps()

    def reducer_init(self):
        """Start the output."""
        self.open_output()

    def reducer(self, _, values):
        """Unite the tasks' filters and write the run's."""
        united = None
        for text in values:
            task_filter = IdFilter.loads(text)
            united = task_filter if united is None else united.union(task_filter)
        yield from self.emit(self.options.partition, united.dumps())

    def reducer_final(self):
        """Close the output."""
        self.close_output()


if __name__ == "__main__":
    MRSketchEventIds.run()
