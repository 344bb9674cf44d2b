"""Summarize every device and member over its lifetime, as of a landing hour.

Input: every device_daily and member_daily part file (the dataset and the
event day come from each file's path, ``.../<dataset>/dt=YYYY-MM-DD/...``).
Output: ``(partition, row)`` pairs for ``device_summary/dt=S`` and
``member_summary/dt=S`` (S = ``--snapshot-dt``, by default the day of
``--as-of``), each a full snapshot.

Why two steps: a member's summary lists the type of each of its devices, and
only device_daily rows know device types (member_daily.devices holds times
only). Step one groups by device: it merges the device's daily rows and the
links ``member -> last_seen`` from member_daily rows, then writes the device
summary and sends each linked member a ``devices`` entry with the type. Step
two groups by member and merges those entries with the member's own totals.
Carrying the type in member partials instead would need a device_type map in
member_daily, which its columns do not have. A device's reducer holds the set
of members that ever used it in memory (for a till: its store's customers).
Both steps merge in combiners (``summaries.merge_partials`` is associative
and commutative), so the output does not depend on input order or splits.
"""

from __future__ import annotations

import logging

from mrjob.protocol import StandardJSONProtocol
from mrjob.step import MRStep

from mapreduce import rollups, summaries
from mapreduce.jobio import JobIO
from warehouse import layout

logger = logging.getLogger(__name__)


class MRSummarizeEntities(JobIO):
    """device_daily + member_daily -> device_summary and member_summary rows."""

    # The stdlib JSON codec round-trips floats exactly (ujson may not).
    INTERNAL_PROTOCOL = StandardJSONProtocol

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
                mapper=self.map_daily_rows,
                combiner=self.merge_partials,
                reducer=self.join_devices_to_members,
            ),
            MRStep(
                combiner=self.merge_partials,
                reducer_init=self.open_output,
                reducer=self.write_summaries,
                reducer_final=self.close_output,
            ),
        ]

    def map_daily_rows(self, _, line):
        """Daily row -> partials keyed by device or member."""
        path, line = self.split_input(line)
        if path != getattr(self, "_path", None):
            self._path, (self._dataset, self._dt) = path, summaries.parse_input_path(path)
        dataset, dt = self._dataset, self._dt
        try:
            keyed = summaries.daily_partials(dataset, dt, line.decode("utf-8"))
        except ValueError as exc:
            logger.debug("bad %s row: %s", dataset, exc)
            self.increment_counter("summarize_entities", "bad_" + dataset)
            return
        yield from keyed

    def merge_partials(self, key, partials):
        """Merge partials of one key."""
        yield key, summaries.merge_partials(key[0], partials)

    def join_devices_to_members(self, key, partials):
        """Device key -> summary row + members' device entries; member key -> as is."""
        kind, entity = key
        merged = summaries.merge_partials(kind, partials)
        if kind == summaries.DEVICE:
            yield from summaries.join_device(entity, merged, self.as_of)
        else:
            yield key, merged

    def write_summaries(self, key, partials):
        """Merge and finalize one entity's summary row."""
        kind, entity = key
        merged = summaries.merge_partials(kind, partials)
        dataset, row = summaries.finalize(kind, entity, merged, self.as_of)
        yield from self.emit(layout.partition(dataset, self.snapshot_dt).path, row)


if __name__ == "__main__":
    MRSummarizeEntities.run()
