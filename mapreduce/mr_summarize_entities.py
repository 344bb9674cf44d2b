"""Summarize every device and member over its lifetime, as of a landing hour.

Input: the previous snapshot's state (``_state/snapshot/dt=P``, none for
the first) and the summary delta of the snapshot's landing day
(``_state/deltas/dt=S``), each line ``key JSON TAB partial JSON``
(``mapreduce.summaries``). Output: ``(partition, row)`` pairs for
``device_summary/dt=S``, ``member_summary/dt=S`` and the new state
``_state/snapshot/dt=S`` (S = ``--snapshot-dt``, by default the day of
``--as-of``), each a full snapshot. The job reads no events and no daily
rollups: its cost is the number of devices and members, not the age of the
warehouse.

Why two steps: a member's summary lists the type of each of its devices,
which only device partials know. Step one groups by device: it merges the
device's partials and its links ``member -> last_seen``, then writes the
device summary and sends a linked member a ``devices`` entry with the
type. Step two groups by member and puts those entries into the member's
own partial (``summaries.refresh_devices``), which it writes as the
member's state. A member's state keeps its devices entries, so a device
with a previous state sends only the entries that changed: a new link, a
later last_seen, or all of its members when its type changed
(``summaries.join_device``). Every link of every device, which grows
with history until each till has seen its store's customers (255k links
after one 1M-event day, 454k after two), would otherwise cross step two's
shuffle every day. A member state without devices entries was written
before states held them: the job counts it (``summarize_entities/
legacy_state``) and the driver runs the job again with ``--join-all``,
which sends every entry. A device's reducer holds the set of members that
ever used it in memory (for a till: its store's customers). The reducers
merge with ``summaries.merge_partials`` (associative and commutative), so
the output does not depend on input order or splits.

Neither step has a combiner. In step one a key has at most two values (its
state and its delta line), and in step two a member's entries come from
the reducers of its devices, spread over the map tasks: a combiner pass
merged little and cost a sort and a pass over every record (the 1M-event
day's summarize took 6.2 and 6.7 s with them, 4.6 and 5.0 s without).
"""

from __future__ import annotations

from mrjob.step import MRStep

from mapreduce import rollups, summaries
from mapreduce.jobio import JobIO, OrjsonProtocol
from mapreduce.merges import parse_state_line, state_line
from warehouse import layout

# Step one's key for a device state line on its way to step two's output.
_STATE = "state"
# Where a step-one value comes from: the previous snapshot's state, or a delta.
_FROM_STATE, _FROM_DELTA = "s", "d"
# A step-two member value: the member's own partial, or an entry a device sent.
_OWN, _SENT = "own", "sent"


class MRSummarizeEntities(JobIO):
    """Previous state + the day's deltas -> device_summary, member_summary and state."""

    INTERNAL_PROTOCOL = OrjsonProtocol

    def configure_args(self):
        """Add --as-of and --snapshot-dt."""
        super().configure_args()
        self.add_passthru_arg(
            "--as-of",
            dest="as_of",
            default=None,
            help="Required: landing hour YYYY-MM-DDTHH the daily rows are complete through.",
        )
        self.add_passthru_arg(
            "--snapshot-dt",
            dest="snapshot_dt",
            default=None,
            help="Snapshot partition YYYY-MM-DD; default: the day of --as-of.",
        )
        self.add_passthru_arg(
            "--join-all", dest="join_all", action="store_true", default=False,
            help="Send every member every device's entry, changed or not (a previous state "
                 "written before member states held their devices).",
        )

    def load_args(self, args):
        """Fail fast on a missing or bad --as-of or --snapshot-dt."""
        super().load_args(args)
        try:
            if self.options.as_of is None:
                raise ValueError("--as-of is required")
            self.as_of = summaries.parse_as_of(self.options.as_of)
            self.snapshot_dt = rollups.parse_day(
                self.options.snapshot_dt or self.as_of[:10], option="--snapshot-dt"
            )
            return
        except ValueError as exc:
            message = str(exc)
        self.arg_parser.error(message)

    def steps(self):
        """Join on devices, then summarize members."""
        return [
            MRStep(
                mapper_init=self.mapper_init,
                mapper=self.map_state_lines,
                reducer=self.join_devices_to_members,
            ),
            MRStep(
                reducer_init=self.open_output,
                reducer=self.write_summaries,
                reducer_final=self.close_output,
            ),
        ]

    def mapper_init(self):
        """Start this task's input-file cache."""
        self._path = None
        self._tag = _FROM_DELTA

    def map_state_lines(self, _, line):
        """State or delta line -> its partial, keyed by device or member, tagged by where it comes from."""
        path, line = self.split_input(line)
        if path != self._path:
            self._path = path
            self._tag = _FROM_STATE if layout.partition_of_file(path).dataset == layout.SNAPSHOT_STATE else _FROM_DELTA
        text = line.decode("utf-8")
        if not text.strip():
            return
        try:
            (kind, entity), partial = parse_state_line(text)
            if kind not in (summaries.DEVICE, summaries.MEMBER):
                raise ValueError("not a device or member key: %r" % kind)
        except ValueError:
            self.increment_counter("summarize_entities", "bad_state")
            return
        yield [kind, entity], [self._tag, partial]

    def join_devices_to_members(self, key, values):
        """Device key -> state, summary row + members' changed device entries; member key -> its partial."""
        kind, entity = key
        values = list(values)
        merged = _merged(kind, [partial for _, partial in values])
        if kind == summaries.MEMBER:
            if any(tag == _FROM_STATE and not partial["devices"] for tag, partial in values):
                # A member state without devices entries: written before states held them.
                self.increment_counter("summarize_entities", "legacy_state")
            yield key, [_OWN, merged]
            return
        yield [_STATE, kind, entity], state_line(key, merged)
        before = None
        if not self.options.join_all:
            held = [partial for tag, partial in values if tag == _FROM_STATE]
            before = _merged(kind, held) if held else None
        for out_key, partial in summaries.join_device(entity, merged, self.as_of, before):
            yield out_key, [_SENT, partial] if out_key[0] == summaries.MEMBER else partial

    def write_summaries(self, key, values):
        """Write a state line, or merge and finalize one entity's summary row (and a member's state)."""
        state = layout.partition(layout.SNAPSHOT_STATE, self.snapshot_dt).path
        if key[0] == _STATE:
            for line in values:
                yield from self.emit(state, line)
            return
        kind, entity = key
        if kind == summaries.MEMBER:
            own, sent = [], []
            for tag, partial in values:
                (own if tag == _OWN else sent).append(partial)
            merged = summaries.refresh_devices(_merged(kind, own) if own else summaries.empty_member(), sent)
            yield from self.emit(state, state_line(key, merged))
        else:
            merged = _merged(kind, values)
        dataset, row = summaries.finalize(kind, entity, merged, self.as_of)
        yield from self.emit(layout.partition(dataset, self.snapshot_dt).path, row)


def _merged(kind: str, partials) -> dict:
    """A key's partials merged; a lone one passes as it is (every partial an
    event, a fold or the join makes is canonical, its own fold: see
    ``tests/unit/test_summaries.py``). An entity the day did not touch has
    only its snapshot partial."""
    partials = list(partials)
    return partials[0] if len(partials) == 1 else summaries.merge_partials(kind, partials)


if __name__ == "__main__":
    MRSummarizeEntities.run()
