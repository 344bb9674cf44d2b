"""Sketch what a run's raw lines can touch: their event ids and daily rollup rows.

Input: the raw landing files of the run's hours. Output, each as one line
(an ``IdFilter``, ``mapreduce.id_filter``) in its partition of the run's
landing day ``--day``:

- ``_changes/run_ids``: every event id of a line ``parse_line`` accepts
  (``device_log.event_keys_of``: those and a few of rejected lines), in a
  filter sized for ``--capacity`` ids. The validate job reads it to
  skip the index entries of ids the run cannot meet;
- ``_changes/run_keys``: the ``rollups.daily_key`` of every daily rollup
  row (device and member of an event day) those events change, in a
  filter sized for twice as many. The split job reads it to carry the
  untouched rows of the days the run rolls up over as they are.

Both hold more than the run finally keeps (duplicates, copies another hour
owns): a filter may answer "maybe" for anything, never "no" for what the
run has. Each map task fills its own filters and emits them once; the
reduce keys unite them.
"""

from __future__ import annotations

from mapreduce.device_log import event_keys_of, landing_hour_from_path
from mapreduce.id_filter import IdFilter
from mapreduce.jobio import JobIO, OrjsonProtocol
from mapreduce.rollups import daily_keys
from mapreduce.utc import format_date, landing_hour_start_ms
from warehouse import layout

_IDS, _KEYS = layout.RUN_IDS, layout.RUN_KEYS


class MRSketchEventIds(JobIO):
    """Raw landings -> filters of their event ids and of the daily rows they touch."""

    INTERNAL_PROTOCOL = OrjsonProtocol
    JOBCONF = {**JobIO.JOBCONF, "mapreduce.job.reduces": "1"}

    def configure_args(self):
        """Add --capacity and --day."""
        super().configure_args()
        self.add_passthru_arg("--capacity", dest="capacity", type=int, required=True,
                              help="Ids the filter is sized for (mapreduce.id_filter.capacity_for).")
        self.add_passthru_arg("--day", dest="day", required=True,
                              help="The run's landing day YYYY-MM-DD: the filters' partition.")

    def mapper_init(self):
        """Start this task's filters."""
        capacity = self.options.capacity
        self._filters = {_IDS: IdFilter(capacity), _KEYS: IdFilter(2 * capacity)}
        self._path = self._start_ms = None
        self._events = 0

    def mapper(self, _, line):
        """One line: ``map_lines`` of it alone (``JobIO.run_mapper`` calls that, a batch at a time)."""
        path, line = self.split_input(line)
        return self.map_lines(path, [line])

    def map_lines(self, path: str, lines: list[bytes]):
        """Add the lines' event ids and the daily rows they change (every accepted line's, ``event_keys_of``)."""
        if path != self._path:
            self._path, self._start_ms = path, landing_hour_start_ms(*landing_hour_from_path(path))
        start_ms = self._start_ms
        ids, daily = [], []
        for line in lines:
            keys = event_keys_of(line, start_ms)
            if keys is None:
                continue
            event_id, device_id, member_id, event_ms = keys
            ids.append(event_id.encode("utf-8"))
            daily.extend(key.encode("utf-8") for key in daily_keys(format_date(event_ms), device_id, member_id))
        self._events += len(ids)
        # One call a batch: the filter's Python wrappers cost more than its hashing.
        self._filters[_IDS].add_each(ids)
        self._filters[_KEYS].add_each(daily)
        return ()

    def mapper_final(self):
        """Emit this task's filters."""
        self.increment_counter("sketch", "events", self._events)
        for dataset, task_filter in self._filters.items():
            yield dataset, task_filter.dumps()

    def reducer_init(self):
        """Start the output."""
        self.open_output()

    def reducer(self, dataset, values):
        """Unite the tasks' filters of one kind and write the run's."""
        united = None
        for text in values:
            task_filter = IdFilter.loads(text)
            united = task_filter if united is None else united.union(task_filter)
        yield from self.emit(layout.partition(dataset, self.options.day).path, united.dumps())

    def reducer_final(self):
        """Close the output."""
        self.close_output()


if __name__ == "__main__":
    MRSketchEventIds.run()
