"""Merge a run's new events into the daily rollups and the landing day's summary delta.

The rollups of an event day are kept as mergeable partials
(``_state/daily``, beside the published ``device_daily`` and
``member_daily``): a run merges the partials of the events it added
(``_changes/added``, written by the validate job) into the stored ones of
the days they touch, without reading those days' events. A
``member_events`` row never changes once written (one row per event), so
the job writes the added events' rows only, and the driver publishes them
as an addition to the day's partition (``warehouse.publish``). Likewise a
landing day's summary delta (``_state/deltas``) is its stored partials
merged with the events added to it.

Input, each file told by its partition (``warehouse.layout``):

- ``_changes/added/dt=L/hour=H``: ``flag TAB events row``; flag ``n``
  feeds the rollups and day L's delta, flag ``m`` only the delta;
- ``_state/daily/dt=E``: the partials of event day E's daily rollups, or
  ``_changes/touched/dt=E``: those of its rows the run may change, when
  the split job (``mr_split_days``) carried the others over (the driver
  then publishes the day's carried rows with this job's);
- ``_state/deltas/dt=L``: what landing day L's delta holds;
- ``events/dt=L/hour=H``: the rare full path. Rows of the days named by
  ``--recompute-day`` are rolled up from here (and their added rows and
  stored partials are not read), and the deltas of the landing days named
  by ``--recompute-delta`` are recomputed from their events (every hour
  of the day is then an input).

Output: the rows of ``device_daily``, ``member_daily`` and ``_state/daily``
of every key given partials, the ``member_events`` rows of the events
rolled up (every row of a recomputed day), and ``_state/deltas`` for every
landing day given partials.

One record per day and entity: the key is ``[day, kind, entity]`` (kind
``device``, ``member``, or ``event`` for a member_events row) and the value
holds the entity's daily-rollup partial of event day ``day`` under ``d``
and its summary-delta partial of landing day ``day`` under ``s``, either or
both. An event that lands on its own day (nearly all do) is one record for
its device and one for its member, not two each.

A map task combines in memory: it folds each event it reads straight into
a running partial of each key the event changes (``event_folds``), holds up
to ``--combine-buffer`` keys, and writes each held key once when the buffer
is full and at the end of its input. A device's events of one task are then
one record, not one each, and there is no combiner (no sort and second pass
in the map task). Stored partials and member_events rows pass straight
through: their keys do not repeat. The reducer merges each part
(associative and commutative), so the output does not depend on input
order, splits or when a buffer happened to be written.
"""

from __future__ import annotations

from mapreduce import event_folds, rollups, summaries
from mapreduce.contract import MEMBER_EVENT_TYPES
from mapreduce.jobio import FEW_COLLECTIONS, JobIO, OrjsonProtocol
from mapreduce.merges import parse_state_line, state_line
from warehouse import layout

# The parts of a record's value.
DAILY = "d"
DELTA = "s"
# The key kind of a member_events row.
EVENT = "event"
# The daily-rollup dataset of each key kind, and back.
_DATASET_OF = {summaries.DEVICE: rollups.DEVICE_DAILY, summaries.MEMBER: rollups.MEMBER_DAILY,
               EVENT: rollups.MEMBER_EVENTS}
_KIND_OF = {dataset: kind for kind, dataset in _DATASET_OF.items()}
_DELTA_KINDS = frozenset((summaries.DEVICE, summaries.MEMBER))
_STATE_DATASETS = (rollups.DEVICE_DAILY, rollups.MEMBER_DAILY)
# Stored daily partials: a day's whole state, or its touched part (mr_split_days).
_DAILY_INPUTS = (layout.DAILY_STATE, layout.TOUCHED)
# Keys a map task holds folds of before it writes them (--combine-buffer).
COMBINE_BUFFER = 100_000


class MRRollUpDays(JobIO):
    """New events + stored partials -> daily rollups and summary deltas."""

    INTERNAL_PROTOCOL = OrjsonProtocol
    # Its map tasks hold up to --combine-buffer keys' folds: at Python's default thresholds
    # full collections walked them again and again (a map task over 193,589 events took
    # 7.4 s against 6.6 s with no collector at all).
    GC_THRESHOLDS = FEW_COLLECTIONS

    def configure_args(self):
        """Add --recompute-day and --recompute-delta."""
        super().configure_args()
        self.add_passthru_arg(
            "--recompute-day", dest="recompute_days", action="append", default=[],
            help="Event day YYYY-MM-DD to roll up from the events inputs (repeatable).",
        )
        self.add_passthru_arg(
            "--recompute-delta", dest="recompute_deltas", action="append", default=[],
            help="Landing day YYYY-MM-DD whose summary delta is recomputed from the events inputs (repeatable).",
        )
        self.add_passthru_arg(
            "--combine-buffer", dest="combine_buffer", type=int, default=COMBINE_BUFFER,
            help="Keys whose events a map task folds in memory before it writes them (default %(default)s).",
        )

    def load_args(self, args):
        """Fail fast on a bad --recompute-day or --recompute-delta."""
        super().load_args(args)
        try:
            self.recompute_days = frozenset(rollups.parse_day(day, "--recompute-day")
                                            for day in self.options.recompute_days)
            self.recompute_deltas = frozenset(rollups.parse_day(day, "--recompute-delta")
                                              for day in self.options.recompute_deltas)
            if self.options.combine_buffer < 1:
                raise ValueError("--combine-buffer must be at least 1, got %d" % self.options.combine_buffer)
            return
        except (ValueError, layout.LayoutError) as exc:
            message = str(exc)
        self.arg_parser.error(message)

    def mapper_init(self):
        """Start this task's input-file cache, combining buffer and event count."""
        self._path = self._partition = None
        self._buffer: dict[tuple, list] = {}
        self._events = 0

    def mapper_final(self):
        """Write what the buffer holds; count the events rolled up (one counter line per task)."""
        yield from self._flush()
        if self._events:
            self.increment_counter("roll_up_days", "events", self._events)

    def mapper(self, _, line):
        """One input line: ``map_lines`` of it alone (``JobIO.run_mapper`` calls that, a batch at a time)."""
        path, line = self.split_input(line)
        yield from self.map_lines(path, [line])

    def map_lines(self, path: str, lines: list[bytes]):
        """Input lines of one file -> the partials they contribute."""
        if path != self._path:
            self._path, self._partition = path, layout.partition_of_file(path)
        partition = self._partition
        for line in lines:
            text = line.decode("utf-8").rstrip("\r\n")
            if text:
                yield from self._row(path, partition, text)

    def _row(self, path: str, partition: layout.Partition, text: str):
        """One input row -> the partials it contributes: a stored one at once, an event's
        through the buffer."""
        dataset = partition.dataset
        try:
            if dataset == layout.ADDED:
                flag, _, row = text.partition("\t")
                if flag not in ("n", "m"):
                    raise ValueError("bad flag %r in %s" % (flag, path))
                yield from self._event(row, partition, daily=flag == "n", delta=True)
            elif dataset == layout.EVENTS:
                yield from self._event(text, partition, daily=True, delta=True, recompute=True)
            elif partition.dt in (self.recompute_deltas if dataset == layout.DELTAS else self.recompute_days) \
                    and dataset in (layout.DAILY_STATE, layout.DELTAS):
                return  # stored partials of a day being recomputed: the events say it all
            elif dataset in _DAILY_INPUTS:
                (name, entity), partial = parse_state_line(text)
                kind = _KIND_OF.get(name)
                if kind is None or name not in _STATE_DATASETS:
                    raise ValueError("not a daily state key: %r" % name)
                yield (partition.dt, kind, entity), {DAILY: partial}
            elif dataset == layout.DELTAS:
                (kind, entity), partial = parse_state_line(text)
                if kind not in _DELTA_KINDS:
                    raise ValueError("not a delta key: %r" % kind)
                yield (partition.dt, kind, entity), {DELTA: partial}
            else:
                raise ValueError("not an input of this job: %s" % path)
        except ValueError:
            self.increment_counter("roll_up_days", "bad_" + dataset.replace("/", "_"))

    def _event(self, row: str, partition: layout.Partition, daily: bool, delta: bool, recompute: bool = False):
        """Fold one event into the buffer; its member_events row goes straight out. A bad
        event (ValueError) changes no fold and is not counted as rolled up."""
        event = rollups.parse_event(row)
        day, landing_day = event["event_dt"], partition.dt
        rolled_up = daily and (day in self.recompute_days) == recompute
        in_delta = delta and (landing_day in self.recompute_deltas) == recompute
        # Every value is read (and checked) before any fold changes.
        daily_facts = event_folds.DailyFacts(event) if rolled_up else None
        delta_facts = event_folds.DeltaFacts(event, daily_facts) if in_delta else None
        device_id, member_id = event["device_id"], event["member_id"]
        # An event of its own landing day (nearly every event) changes both folds of one key
        # for its device, and of one for its member: each key is looked up once.
        own_day = daily_facts is not None and day == landing_day
        if daily_facts is not None:
            if member_id and event["event_type"] in MEMBER_EVENT_TYPES:
                yield (day, EVENT, event["event_id"]), {DAILY: rollups.member_event_partial(event)}
            held = self._held((day, summaries.DEVICE, device_id))
            _fold(held, 0, event_folds.DeviceDay).add(event, daily_facts)
            self._events += 1
        if delta_facts is not None:
            if not own_day:
                held = self._held((landing_day, summaries.DEVICE, device_id))
            _fold(held, 1, event_folds.DeviceDelta).add(event, delta_facts)
        if member_id:
            if daily_facts is not None:
                held = self._held((day, summaries.MEMBER, member_id))
                _fold(held, 0, event_folds.MemberDay).add(event, daily_facts)
            if delta_facts is not None:
                if not own_day:
                    held = self._held((landing_day, summaries.MEMBER, member_id))
                _fold(held, 1, event_folds.MemberDelta).add(event, delta_facts)
        if len(self._buffer) >= self.options.combine_buffer:
            yield from self._flush()

    def _held(self, key: tuple) -> list:
        """The folds ``[daily, delta]`` the buffer holds for ``key`` (None: not started), a
        new pair if it holds none."""
        held = self._buffer.get(key)
        if held is None:
            held = self._buffer[key] = [None, None]
        return held

    def _flush(self):
        """Each held key once, its folds frozen; the buffer is emptied."""
        buffer, self._buffer = self._buffer, {}
        for key, (daily, delta) in buffer.items():
            value = {}
            if daily is not None:
                value[DAILY] = daily.freeze()
            if delta is not None:
                value[DELTA] = delta.freeze()
            yield key, value

    def reducer_init(self):
        """Start this task's output."""
        self.open_output()

    def reducer(self, key, values):
        """Merge the parts of one key's values into its rows."""
        day, kind, entity = key
        merged = _merge(kind, list(values))
        daily = merged.get(DAILY)
        if daily is not None:
            dataset = _DATASET_OF[kind]
            yield from self.emit(layout.partition(dataset, day).path, rollups.finalize(dataset, entity, daily))
            if dataset in _STATE_DATASETS:
                yield from self.emit(layout.partition(layout.DAILY_STATE, day).path,
                                     state_line([dataset, entity], daily))
        delta = merged.get(DELTA)
        if delta is not None:
            yield from self.emit(layout.partition(layout.DELTAS, day).path, state_line([kind, entity], delta))

    def reducer_final(self):
        """Close this task's output."""
        self.close_output()


def _fold(held: list, part: int, fold_class: type):
    """The running fold of a key's daily (part 0) or delta (part 1) partial in ``held``
    (``MRRollUpDays._held``), started if need be."""
    fold = held[part]
    if fold is None:
        fold = held[part] = fold_class()
    return fold


def _merge(kind: str, values: list[dict]) -> dict:
    """Each part of ``values`` (a key's values) merged on its own.

    A lone part passes as it is: every partial an event or a fold makes is
    canonical, its own fold (``tests/unit/test_rollups.py``,
    ``test_summaries.py``). Most keys have one: an untouched stored partial
    of an old day, an event's member_events row.
    """
    if len(values) == 1:
        return values[0]
    daily = [value[DAILY] for value in values if DAILY in value]
    delta = [value[DELTA] for value in values if DELTA in value]
    merged = {}
    if daily:
        merged[DAILY] = daily[0] if len(daily) == 1 else rollups.merge_partials(_DATASET_OF[kind], daily)
    if delta:
        merged[DELTA] = delta[0] if len(delta) == 1 else summaries.merge_partials(kind, delta)
    return merged


if __name__ == "__main__":
    MRRollUpDays.run()
