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
device summary and sends each linked member a ``devices`` entry with the
type. Step two groups by member and merges those entries with the member's
own totals. A device's reducer holds the set of members that ever used it
in memory (for a till: its store's customers). The reducers merge with
``summaries.merge_partials`` (associative and commutative), so the output
does not depend on input order or splits.

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

# Step one's key for a state line on its way to step two's output.
_STATE = "state"


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
                mapper=self.map_state_lines,
                reducer=self.join_devices_to_members,
            ),
            MRStep(
                reducer_init=self.open_output,
                reducer=self.write_summaries,
                reducer_final=self.close_output,
            ),
        ]

    def map_state_lines(self, _, line):
        """State or delta line -> its partial, keyed by device or member."""
        text = self.split_input(line)[1].decode("utf-8")
        if not text.strip():
            return
        try:
            (kind, entity), partial = parse_state_line(text)
            if kind not in (summaries.DEVICE, summaries.MEMBER):
                raise ValueError("not a device or member key: %r" % kind)
        except ValueError:
            self.increment_counter("summarize_entities", "bad_state")
            return
        yield [kind, entity], partial

    def join_devices_to_members(self, key, partials):
        """Device key -> state, summary row + members' device entries; member key -> state, as is."""
        kind, entity = key
        merged = _merged(kind, partials)
        yield [_STATE, kind, entity], state_line(key, merged)
        if kind == summaries.DEVICE:
            yield from summaries.join_device(entity, merged, self.as_of)
        else:
            yield key, merged

    def write_summaries(self, key, partials):
        """Write a state line, or merge and finalize one entity's summary row."""
        if key[0] == _STATE:
            for line in partials:
                yield from self.emit(layout.partition(layout.SNAPSHOT_STATE, self.snapshot_dt).path, line)
            return
        kind, entity = key
        merged = _merged(kind, partials)
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
