"""Roll validated events up per device, per member and per event day.

Input: part files of the ``events`` dataset (TSV, ``records.EVENT_COLUMNS``),
already validated and deduplicated. Output: rows in their partition folders
(``mapreduce.jobio``) ``device_daily/dt=D``, ``member_daily/dt=D`` or
``member_events/dt=D`` for event day D, each a TSV line in that dataset's
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

from mrjob.protocol import StandardJSONProtocol

from mapreduce import rollups
from mapreduce.jobio import JobIO
from warehouse import layout

logger = logging.getLogger(__name__)


class MRRollUpDays(JobIO):
    """Events -> device_daily, member_daily and member_events rows."""

    # The stdlib JSON codec round-trips floats exactly (ujson may not).
    INTERNAL_PROTOCOL = StandardJSONProtocol

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
            event = rollups.parse_event(self.split_input(line)[1].decode("utf-8"))
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

    def reducer_init(self):
        """Start this task's output."""
        self.open_output()

    def reducer(self, key, partials):
        """Merge and finalize partials of one key into an output row."""
        dataset, day, entity = key
        merged = rollups.merge_partials(dataset, partials)
        yield from self.emit(layout.partition(dataset, day).path, rollups.finalize(dataset, entity, merged))

    def reducer_final(self):
        """Close this task's output."""
        self.close_output()


if __name__ == "__main__":
    MRRollUpDays.run()
