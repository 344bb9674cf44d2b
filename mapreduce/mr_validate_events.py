"""Validate raw device-log landings and decide which landing hour owns each event.

Input: raw landing files (``.../dt=YYYY-MM-DD/hour=HH/*.jsonl[.gz]``) of one
or more landing hours, and the id index (``_state/ids``) of the landing
hours around them. ``--ids-root`` names the index folder (path or URI): an
input under it is an index file, any other input is raw, whatever its name
looks like. ``--run-hour`` (repeatable) names the events partitions the run
processes: their index entries are the run's own earlier decisions, which
it replaces. ``--run-ids`` names the run's id filter (``mr_sketch_event_ids``):
the index mappers skip every entry of another hour whose id it rules out,
since such an entry meets no copy and the reducer would ignore it.

Output, as ``(partition folder, row)`` pairs (``mapreduce.jobio``), for each
landing hour of the run: ``events`` (its owned events, ``records``
columns), ``quarantine``, ``_state/ids`` (entries ``event_id, event_dt,
digest``, many to a line: ``mapreduce.id_index``)
and ``_changes/added`` (``flag TAB events row`` for what the rollups and
the landing day's summary delta gain: flag ``n`` new content, ``m`` moved
here unchanged from another landing day);
and ``_changes/dropped/<hour>`` (event ids) for each hour outside the run
that loses an event to it.

Every non-blank raw line ends in exactly one outcome (the accounting
invariant ``lines.read = lines.valid + lines.duplicate + sum(rejected.*)``):

- rejected by ``device_log.parse_line``: counted under ``rejected/<reason>``
  and written to quarantine, whatever its event_id;
- otherwise it is a copy of its event_id, and ``ownership.decide`` says,
  independently of input order and of the order hours are processed in,
  which copy (if any) the run keeps. Duplicates are counted, never written.

Counters besides the accounting: ``event_days/<day>`` (days whose rollups
gain new content), ``recompute_days/<day>`` (days whose rollups lose
content: recomputed from the events), ``lost_days/<landing day>`` (landing
days whose summary delta loses an event: recomputed from their events), ``vanished/<events
path>`` (ids an hour of the run owned and no longer carries),
``ownership/<outcome>``, ``index/read`` (entries), ``index/skipped``
(entries the id filter ruled out) and ``index/bad_line`` (index lines
that are not entries: the driver stops).

There is no combiner: copies of one event_id rarely meet in one map task,
and index entries (one per key) cannot be combined.

Counters are summed in memory and emitted once per task, because each
``increment_counter`` call is a line on the streaming task's stderr.
"""

from __future__ import annotations

import functools
import zlib
from collections import Counter
from itertools import compress


from mapreduce import id_index, ownership, tsv
from mapreduce.device_log import (
    Rejection,
    event_row,
    landing_hour_from_path,
    landing_source_name,
    parse_line,
    quarantine_row,
)
from mapreduce.id_filter import IdFilter
from mapreduce.jobio import JobIO, OrjsonProtocol
from mapreduce.utc import landing_hour_start_ms
from warehouse import layout


# Quarantine records are spread over this many reduce keys per source file.
_QUARANTINE_SPREAD = 64
_QUARANTINE_KEY = "quarantine"
_FLAGS = {ownership.NEW: "n", ownership.REPLACED: "n", ownership.MOVED: "m"}


class _InputFile:
    """What the mapper needs to know about the file it is reading."""

    __slots__ = ("events_path", "id_filter", "is_index", "landing_start_ms", "name", "path",
                 "quarantine_path")

    def __init__(self, path: str, ids_root: str | None, run_hours: frozenset, id_filter: IdFilter | None):
        self.path = path
        key = path_key(path)
        self.is_index = ids_root is not None and key.startswith(ids_root)
        if self.is_index:
            dt, hour = landing_hour_from_path(key[len(ids_root):])
            self.events_path = layout.partition("events", dt, hour).path
            # A run hour's entries are the run's own earlier decisions: all of them count.
            self.id_filter = None if self.events_path in run_hours else id_filter
            return
        self.name = landing_source_name(path)
        dt, hour = landing_hour_from_path(path)
        self.landing_start_ms = landing_hour_start_ms(dt, hour)
        self.events_path = layout.partition("events", dt, hour).path
        self.quarantine_path = layout.partition("quarantine", dt, hour).path


class MRValidateEvents(JobIO):
    """Raw landings -> valid events and quarantine, one copy per event_id."""

    INTERNAL_PROTOCOL = OrjsonProtocol

    def configure_args(self):
        """Add --ids-root and --run-hour."""
        super().configure_args()
        self.add_passthru_arg(
            "--ids-root", dest="ids_root", default=None,
            help="Folder (path or URI) of the id index: inputs under it are index files.",
        )
        self.add_passthru_arg(
            "--run-hour", dest="run_hours", action="append", default=[],
            help="Events partition (events/dt=.../hour=HH) this run processes (repeatable).",
        )
        self.add_file_arg(
            "--run-ids", dest="run_ids", default=None,
            help="The run's id filter (mr_sketch_event_ids): index entries of other ids are skipped.",
        )

    def mapper_init(self):
        """Start this task's counters and input-file cache."""
        ids = self.options.ids_root
        self._ids_root = path_key(ids).rstrip("/") + "/" if ids else None
        self._run_hours = frozenset(self.options.run_hours)
        self._id_filter = IdFilter.load(self.options.run_ids) if self.options.run_ids else None
        self._counts = Counter()
        self._entries = self._skipped = 0
        self._file = None

    def mapper(self, _, line):
        """One input line: ``map_lines`` of it alone (``JobIO.run_mapper`` calls that, a batch at a time)."""
        path, line = self.split_input(line)
        yield from self.map_lines(path, [line])

    def map_lines(self, path: str, lines: list[bytes]):
        """Lines of one file: parse each raw line (or read each index line's entries) and route
        it by event_id."""
        source = self._file
        if source is None or source.path != path:
            source = self._file = _InputFile(path, self._ids_root, self._run_hours, self._id_filter)
        if source.is_index:
            for line in lines:
                yield from self._index_entries(source, line)
            return
        counts = self._counts
        start_ms, name, events_path = source.landing_start_ms, source.name, source.events_path
        for line in lines:
            outcome = parse_line(line, start_ms)
            if outcome is None:
                continue
            counts["lines", "read"] += 1
            if type(outcome) is Rejection:
                counts["rejected", outcome.reason] += 1
                row = quarantine_row(line, outcome, name)
                # Spread by content, never by position: splits differ between runs.
                spread = zlib.crc32(line) % _QUARANTINE_SPREAD
                yield [_QUARANTINE_KEY, source.quarantine_path, spread], tsv.encode_row(row)
                continue
            yield outcome.event_id, [events_path, tsv.encode_row(event_row(outcome, start_ms, name))]

    def _index_entries(self, source: _InputFile, line: bytes):
        """The entries of one id index line that may meet a copy in the run, keyed by event_id."""
        try:
            cells = id_index.cells_of(line)
        except ValueError:
            self._counts["index", "bad_line"] += 1
            return
        events_path, id_filter = source.events_path, source.id_filter
        event_ids = cells[::id_index.CELLS]
        self._entries += len(event_ids)
        if id_filter is None:
            kept = range(len(event_ids))
        else:
            # One call for the line's ids; an id it rules out meets no copy
            # in the run, and the reducer would ignore its entry.
            kept = list(compress(range(len(event_ids)), id_filter.might_hold_each(event_ids)))
            self._skipped += len(event_ids) - len(kept)
        for at in kept:
            cell = at * id_index.CELLS
            yield (event_ids[at].decode("utf-8", "replace"),
                   [events_path, cells[cell + 1].decode("utf-8", "replace"), cells[cell + 2].decode("utf-8", "replace")])

    def mapper_final(self):
        """Emit this task's counters."""
        if self._entries:
            self._counts["index", "read"] += self._entries
            self._counts["index", "skipped"] += self._skipped
        self._flush_counters()

    def reducer_init(self):
        """Start this task's counters and output."""
        self._counts = Counter()
        self._run_hours = frozenset(self.options.run_hours)
        self._index = id_index.Lines()
        self.open_output()

    def reducer(self, key, values):
        """Write quarantine rows as they are; decide who owns an event_id."""
        if type(key) is list:
            dataset_path = key[1]
            # Sorted: Hadoop does not order the values of a key.
            for row_text in sorted(values):
                yield from self.emit(dataset_path, row_text)
            return
        copies, entries = [], []
        for value in values:
            if len(value) == 2:
                copies.append((value[0], value[1]))
            else:
                entries.append(value)
        run_hours = self._run_hours
        if not copies and not any(entry[0] in run_hours for entry in entries):
            return  # most keys: an index entry of another hour that no copy in the run meets
        owners = [ownership.Owned(*entry) for entry in entries]
        decision = ownership.decide(copies, owners, run_hours)
        counts = self._counts
        kept = decision.winner is not None
        counts["lines", "duplicate"] += len(copies) - kept
        if decision.outcome == ownership.DUPLICATE and not copies:
            return
        counts["ownership", decision.outcome] += 1
        before = decision.before
        winner_day = _landing_day(decision.winner[0]) if kept else None
        # A landing day's summary delta changes when it loses an event to
        # another day, or when the event's content changes.
        moved_days = False
        if decision.loser is not None:
            loser_day = _landing_day(decision.loser)
            moved_days = loser_day != winner_day
            if moved_days or decision.outcome == ownership.REPLACED:
                counts["lost_days", loser_day] += 1
            if decision.outcome == ownership.VANISHED:
                counts["vanished", decision.loser] += 1
            elif decision.loser not in self._run_hours:
                yield from self.emit(_in(layout.DROPPED, decision.loser), key)
        if decision.outcome == ownership.REPLACED:
            counts["recompute_days", before.event_dt] += 1
        if not kept:
            return
        hour, row_text = decision.winner
        counts["lines", "valid"] += 1
        day = ownership.event_day(row_text)
        yield from self.emit(hour, row_text)
        index = _in(layout.IDS, hour)
        index_line = self._index.add(index, id_index.entry(key, day, ownership.digest(row_text)))
        if index_line is not None:
            yield from self.emit(index, index_line)
        flag = _FLAGS.get(decision.outcome)
        if flag == "m" and not moved_days:
            flag = None  # moved within its landing day: nothing downstream changes
        if flag is not None:
            yield from self.emit(_in(layout.ADDED, hour), flag + "\t" + row_text)
        if decision.outcome == ownership.NEW:
            counts["event_days", day] += 1
        elif decision.outcome == ownership.REPLACED:
            counts["recompute_days", day] += 1

    def reducer_final(self):
        """Write this task's last index lines; emit its counters; close its output."""
        for index, index_line in self._index.flush():
            yield from self.emit(index, index_line)
        self.close_output()
        self._flush_counters()

    def _flush_counters(self):
        for (group, name), amount in sorted(self._counts.items()):
            self.increment_counter(group, name, amount)
        self._counts.clear()


def path_key(path: str) -> str:
    """A path or URI in one spelling: ``file:`` dropped, slashes collapsed.

    Runners name one file differently: ``/w/a`` (inline, local),
    ``file:/w/a`` or ``file:///w/a`` (Hadoop), ``hdfs://nn:8020/w/a``.
    """
    scheme, sep, rest = path.partition("://")
    if sep and scheme != "file":
        return "%s://%s" % (scheme, rest)
    if path.startswith("file:"):
        path = path[len("file:"):]
    while "//" in path:
        path = path.replace("//", "/")
    return path


# A run has a few hundred landing hours at most; their paths are parsed
# (and checked) once, not once per event.
@functools.lru_cache(maxsize=4096)
def _landing_day(events_path: str) -> str:
    """The landing day of an events partition path ``events/dt=D/hour=HH``."""
    return layout.Partition.parse(events_path).dt


@functools.lru_cache(maxsize=4096)
def _in(dataset: str, events_path: str) -> str:
    """The partition of ``dataset`` for the landing hour of an events partition path."""
    hour = layout.Partition.parse(events_path)
    return layout.partition(dataset, hour.dt, hour.hour).path


if __name__ == "__main__":
    MRValidateEvents.run()
