"""Split the days a run rolls up: untouched rows carried over, touched ones to the roll up.

A run republishes the ``device_daily``, ``member_daily`` and ``_state/daily``
partitions of every event day its events reach, but late events change
only a few of an old day's rows. This map-only job copies the rest as they
are, so that only the touched rows go through the roll-up's shuffle.

Input: the stored partials (``_state/daily/dt=E``) and the published rows
(``device_daily/dt=E``, ``member_daily/dt=E``) of the event days rolled up
incrementally, and ``--run-keys``, the run's filter of the daily rows its
events may change (``mr_sketch_event_ids``; ``rollups.daily_key``).

Output, line by line, byte for byte (no partial is parsed):

- a row or a stored partial that the filter rules out: the same line in
  the same partition (the unchanged part of the republished day);
- a stored partial the filter may hold: into ``_changes/touched/dt=E``,
  which the roll up merges with the run's new partials;
- a published row the filter may hold: nothing (the roll up writes it).

A row is carried over only if the filter rules it out, and a Bloom filter
never rules out what it holds, so no changed row is ever carried; a false
positive only sends an unchanged row through the roll up, which writes it
again the same. Counter ``split_days/bad_<dataset>``: lines that are no
row or partial of a daily rollup (the driver fails the run).
"""

from __future__ import annotations

from mrjob.step import MRStep

from mapreduce import tsv
from mapreduce.id_filter import IdFilter
from mapreduce.jobio import JobIO
from mapreduce.merges import state_key
from mapreduce.rollups import DEVICE_DAILY, MEMBER_DAILY, daily_key
from warehouse import layout

_ROLLUPS = (DEVICE_DAILY, MEMBER_DAILY)


class MRSplitDays(JobIO):
    """Stored partials + published rows of some days -> carried over, or to the roll up."""

    def configure_args(self):
        """Add --run-keys."""
        super().configure_args()
        self.add_file_arg("--run-keys", dest="run_keys", required=True,
                          help="The run's filter of the daily rows it may change (mr_sketch_event_ids).")

    def steps(self):
        """One map-only step."""
        return [MRStep(mapper_init=self.mapper_init, mapper=self.mapper, mapper_final=self.mapper_final)]

    def mapper_init(self):
        """Load the filter; start the output."""
        self._keys = IdFilter.load(self.options.run_keys)
        self._path = self._partition = self._touched = None
        self.open_output()

    def mapper(self, _, line):
        """Carry one line over, send it to the roll up, or drop it."""
        path, line = self.split_input(line)
        if path != self._path:
            self._path, self._partition = path, layout.partition_of_file(path)
            if self._partition.dataset not in _ROLLUPS + (layout.DAILY_STATE,):
                raise ValueError("not an input of this job: %s" % path)
            self._touched = layout.partition(layout.TOUCHED, self._partition.dt).path
        partition = self._partition
        text = line.decode("utf-8").rstrip("\r\n")
        if not text:
            return
        is_state = partition.dataset == layout.DAILY_STATE
        try:
            dataset, entity = _key(text, partition.dataset, is_state)
        except ValueError:
            self.increment_counter("split_days", "bad_" + partition.dataset.replace("/", "_"))
            return
        if not self._keys.might_hold(daily_key(partition.dt, dataset, entity).encode("utf-8")):
            yield from self.emit(partition.path, text)
        elif is_state:
            yield from self.emit(self._touched, text)

    def mapper_final(self):
        """Close the output."""
        self.close_output()


def _key(text: str, dataset: str, is_state: bool) -> tuple[str, str]:
    """(rollup dataset, entity) of a stored partial or a published row."""
    if is_state:
        key = state_key(text)
        if type(key) is not list or len(key) != 2 or key[0] not in _ROLLUPS or type(key[1]) is not str:
            raise ValueError("not a daily state key: %r" % (key,))
        return key[0], key[1]
    entity = text.partition("\t")[0]
    if not entity or entity == tsv.NULL:
        raise ValueError("a %s row without its entity" % dataset)
    return dataset, tsv.unescape(entity) if "\\" in entity else entity


if __name__ == "__main__":
    MRSplitDays.run()
