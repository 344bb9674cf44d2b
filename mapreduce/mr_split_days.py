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
- a published row the filter may hold: nothing (the roll up writes it);
- a published row the filter rules out, from a file that an earlier run
  of the same landing day wrote (``--written-file``, as the run manifest
  notes it): the same line in ``_changes/kept_<dataset>/dt=E``, so the
  rows the day's runs wrote stay apart from the rest for the HBase loader
  (``warehouse.manifest``).

A row is carried over only if the filter rules it out, and a Bloom filter
never rules out what it holds, so no changed row is ever carried; a false
positive only sends an unchanged row through the roll up, which writes it
again the same. Counter ``split_days/bad_<dataset>``: lines that are no
row or partial of a daily rollup (the driver fails the run).
"""

from __future__ import annotations

import posixpath

from mrjob.step import MRStep

from mapreduce import tsv
from mapreduce.id_filter import IdFilter
from mapreduce.jobio import JobIO
from mapreduce.merges import state_key
from mapreduce.rollups import DEVICE_DAILY, MEMBER_DAILY, daily_key
from warehouse import layout

_ROLLUPS = (DEVICE_DAILY, MEMBER_DAILY)
_NULL = tsv.NULL.encode("utf-8")


class MRSplitDays(JobIO):
    """Stored partials + published rows of some days -> carried over, or to the roll up."""

    def configure_args(self):
        """Add --run-keys."""
        super().configure_args()
        self.add_file_arg("--run-keys", dest="run_keys", required=True,
                          help="The run's filter of the daily rows it may change (mr_sketch_event_ids).")
        self.add_passthru_arg("--written-file", dest="written_files", action="append", default=[],
                              help="A published file (dataset/dt=E/name) an earlier run of the landing "
                                   "day wrote: its carried rows are kept apart (repeatable).")

    def steps(self):
        """One map-only step."""
        return [MRStep(mapper_init=self.mapper_init, mapper=self.mapper, mapper_final=self.mapper_final)]

    def mapper_init(self):
        """Load the filter; start the output."""
        self._keys = IdFilter.load(self.options.run_keys)
        self._written = frozenset(self.options.written_files)
        self._file = None
        self.open_output()

    def mapper(self, _, line):
        """One line: ``map_lines`` of it alone (``JobIO.run_mapper`` calls that, a batch at a time)."""
        path, line = self.split_input(line)
        yield from self.map_lines(path, [line.rstrip(b"\r\n")])

    def map_lines(self, path: str, lines: list[bytes]):
        """Carry lines of ``path`` over, send them to the roll up, or drop them (bytes in, bytes out)."""
        source = self._file
        if source is None or source.path != path:
            source = self._file = _InputFile(path, self._written)
        keys, kept, bad = [], [], 0
        for line in lines:
            if not line:
                continue
            try:
                keys.append(source.daily_key(line))
            except ValueError:
                bad += 1
                continue
            kept.append(line)
        if bad:
            self.increment_counter("split_days", "bad_" + source.dataset.replace("/", "_"), bad)
        held = self._keys.might_hold_each(keys)
        yield from self.emit_lines(source.carry_to, [line for line, may in zip(kept, held) if not may])
        if source.is_state:
            yield from self.emit_lines(source.touched, [line for line, may in zip(kept, held) if may])

    def mapper_final(self):
        """Close the output."""
        self.close_output()


class _InputFile:
    """What the mapper needs to know about the file it reads: its partition, and
    how to find the ``rollups.daily_key`` (as UTF-8 bytes) of one of its lines."""

    __slots__ = ("carry_to", "dataset", "is_state", "partition", "path", "touched", "_day", "_prefix")

    def __init__(self, path: str, written: frozenset[str] = frozenset()):
        partition = layout.partition_of_file(path)
        if partition.dataset not in _ROLLUPS + (layout.DAILY_STATE,):
            raise ValueError("not an input of this job: %s" % path)
        self.path = path
        self.dataset = partition.dataset
        self.partition = partition.path
        self.touched = layout.partition(layout.TOUCHED, partition.dt).path
        self.is_state = partition.dataset == layout.DAILY_STATE
        # Where its untouched lines go: its own partition, or kept apart (an earlier run's rows).
        self.carry_to = self.partition
        if not self.is_state and "%s/%s" % (partition.path, posixpath.basename(path)) in written:
            self.carry_to = layout.partition(layout.KEPT[partition.dataset], partition.dt).path
        self._day = partition.dt
        # A published row's key: its day and dataset, then its entity.
        self._prefix = daily_key(partition.dt, partition.dataset, "").encode("utf-8")

    def daily_key(self, line: bytes) -> bytes:
        """The daily key of a stored partial or a published row; ValueError if it is neither."""
        if self.is_state:
            key = state_key(line)
            if type(key) is not list or len(key) != 2 or key[0] not in _ROLLUPS or type(key[1]) is not str:
                raise ValueError("not a daily state key: %r" % (key,))
            return daily_key(self._day, key[0], key[1]).encode("utf-8")
        head = line.partition(b"\t")[0]
        if not head or head == _NULL:
            raise ValueError("a %s row without its entity" % self.dataset)
        if b"\\" in head:
            head = tsv.unescape(head.decode("utf-8")).encode("utf-8")
        return self._prefix + head


if __name__ == "__main__":
    MRSplitDays.run()
