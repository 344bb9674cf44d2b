"""What the two summarize jobs share: their options, and how they read state lines.

A snapshot is summarized by two jobs, one shuffle each
(``mapreduce.mr_summarize_devices``, then ``mapreduce.mr_summarize_members``):
a member's summary lists the type of each of its devices, which only device
partials know, so the devices go first and send their members the entries
that changed. Each job reads lines ``key JSON TAB partial JSON``
(``mapreduce.summaries``) of the previous snapshot's state and of the
landing day's summary delta, keeps those of its own kind (a delta, and a
state written before the kinds were stored apart, hold both) and groups
them by entity id.
"""

from __future__ import annotations

from mapreduce import rollups, summaries
from mapreduce.jobio import JobIO, OrjsonProtocol
from mapreduce.merges import parse_state_line
from warehouse import layout

# Where a value comes from: the previous snapshot's state, the day's delta, or a device.
FROM_STATE, FROM_DELTA, FROM_DEVICE = "s", "d", "e"
_TAGS = {layout.SNAPSHOT_STATE: FROM_STATE, layout.DELTAS: FROM_DELTA, layout.DEVICE_ENTRIES: FROM_DEVICE}
# The canonical key of a member's line starts with this (``merges.state_line``).
MEMBER_PREFIX = b'["%s",' % summaries.MEMBER.encode("ascii")


class SummaryJob(JobIO):
    """Lines of state, delta (and devices entries) -> ``(entity id, [tag, partial])`` of one kind."""

    INTERNAL_PROTOCOL = OrjsonProtocol
    # The kind of key this job groups (summaries.DEVICE or summaries.MEMBER).
    KIND = ""

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

    def mapper_init(self):
        """Start this task's input-file cache."""
        self._path = None
        self._tag = FROM_DELTA

    def mapper(self, _, line):
        """A line of this job's kind -> ``(entity, [tag, partial])``; the other kind's are skipped.

        A line that is no state line is counted (``summarize_entities/bad_state``)
        by the devices job alone, so that each is counted once.
        """
        path, line = self.split_input(line)
        if path != self._path:
            self._path = path
            self._tag = _TAGS.get(layout.partition_of_file(path).dataset, FROM_DELTA)
        if line.startswith(MEMBER_PREFIX) != (self.KIND == summaries.MEMBER):
            return
        text = line.decode("utf-8")
        if not text.strip():
            return
        try:
            (kind, entity), partial = parse_state_line(text)
            if kind not in (summaries.DEVICE, summaries.MEMBER) or type(entity) is not str:
                raise ValueError("not a device or member key: %r" % kind)
        except ValueError:
            self.increment_counter("summarize_entities", "bad_state")
            return
        if kind != self.KIND:
            # A member key in another spelling than the canonical one.
            self.increment_counter("summarize_entities", "bad_state")
            return
        yield entity, [self._tag, partial]

    def reducer_init(self):
        """Start the output."""
        self.open_output()

    def reducer_final(self):
        """Close the output."""
        self.close_output()

    def partition(self, dataset: str) -> str:
        """The folder of ``dataset``'s partition of the snapshot."""
        return layout.partition(dataset, self.snapshot_dt).path


def merged(kind: str, partials: list) -> dict:
    """A key's partials merged; a lone one passes as it is (every partial an
    event, a fold or the join makes is canonical, its own fold: see
    ``tests/unit/test_summaries.py``). An entity the day did not touch has
    only its snapshot partial."""
    return partials[0] if len(partials) == 1 else summaries.merge_partials(kind, partials)
