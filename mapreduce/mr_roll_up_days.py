"""Roll validated events up per device, per member and per event day.

Input: part files of the ``events`` dataset (TSV, ``records.EVENT_COLUMNS``),
already validated and deduplicated. Output: ``(partition, row)`` pairs, the
partition being ``device_daily/dt=D``, ``member_daily/dt=D`` or
``member_events/dt=D`` for event day D, the row a TSV line in that dataset's
columns. Pass ``--event-day`` (repeatable) to recompute only those days; feed
every events partition that can hold them (late events land up to 7 days
after their event day).

The mapper turns each event into partial aggregates keyed by
``[dataset, event day, entity]``; the combiner and the reducer merge them
(``rollups.merge_partials`` is associative and commutative) and the reducer
finalizes, so the output does not depend on input order or splits.
"""

from __future__ import annotations

import logging

from mrjob.job import MRJob
from mrjob.protocol import RawProtocol, StandardJSONProtocol

from mapreduce import rollups

logger = logging.getLogger(__name__)


class MRRollUpDays(MRJob):
    """Events -> device_daily, member_daily and member_events rows."""

    # The stdlib JSON codec round-trips floats exactly (ujson may not).
    INTERNAL_PROTOCOL = StandardJSONProtocol
    OUTPUT_PROTOCOL = RawProtocol

    def configure_args(self):
        """Add --event-day."""
        super().configure_args()
        self.add_passthru_arg(
            "--event-day",
            dest="event_days",
            action="append",
            default=None,
            help="Event day YYYY-MM-DD to roll up (repeatable); default: every day.",
        )

    def load_args(self, args):
        """Fail fast on a bad --event-day."""
        super().load_args(args)
        try:
            self.event_days = rollups.parse_event_days(self.options.event_days)
            return
        except ValueError as exc:
            message = str(exc)
        self.arg_parser.error(message)

    def mapper(self, _, line):
        """Event row -> partials for its device, member and member event."""
        try:
            event = rollups.parse_event(line)
            if self.event_days is not None and event["event_dt"] not in self.event_days:
                self.increment_counter("roll_up_days", "other_day")
                return
            keyed = rollups.event_partials(event)
        except ValueError as exc:
            logger.debug("bad event row: %s", exc)
            self.increment_counter("roll_up_days", "bad_event")
            return
        self.increment_counter("roll_up_days", "events")
        yield from keyed

    def combiner(self, key, partials):
        """Merge partials of one key."""
        yield key, rollups.merge_partials(key[0], partials)

    def reducer(self, key, partials):
        """Merge and finalize partials of one key into an output row."""
        dataset, day, entity = key
        merged = rollups.merge_partials(dataset, partials)
        yield rollups.partition_path(dataset, day), rollups.finalize(dataset, entity, merged)


if __name__ == "__main__":
    MRRollUpDays.run()
