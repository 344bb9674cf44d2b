"""Validate raw device-log landings and deduplicate their events by event_id.

Input: raw landing files (``.../dt=YYYY-MM-DD/hour=HH/*.jsonl[.gz]``) of one
or more landing hours, and optionally the ``events`` dataset files of earlier
landing hours, whose event_ids are already taken. ``--prior-events`` names
the folder (path or URI) that holds those: an input under it is a prior
events file, any other input is raw, whatever its name looks like. Pass only
earlier hours as prior events: re-running an hour with its own earlier
output as input would call all of it duplicate.

Output: ``RawProtocol`` lines ``<dataset path>\\t<TSV row>`` where the dataset
path is ``events/dt=.../hour=...`` or ``quarantine/dt=.../hour=...`` (the
landing hour of the line) and the row follows ``mapreduce.records``.

Every non-blank raw line ends in exactly one outcome (the accounting
invariant ``lines.read = lines.valid + lines.duplicate + sum(rejected.*)``):

- rejected by ``device_log.parse_line``: counted under ``rejected/<reason>``
  and written to quarantine, whatever its event_id;
- otherwise it is a candidate for its event_id. The reducer sees every
  candidate and prior copy of an event_id and decides, independently of
  input order:
  * if a prior accepted copy exists, every new copy is a duplicate;
  * else the winner is the copy with the smallest (landing hour,
    source_file, events row text) and every other copy is a duplicate.
    The row text stands in for the raw line bytes: it is already in the
    shuffle, and copies whose rows are equal produce identical output, so
    the choice is deterministic in everything it writes.
  Duplicates are counted, never written.

There is no combiner: copies of one event_id rarely meet in one map task,
and prior event ids (one per key) cannot be combined, so a combiner would
cost a pass over all map output for almost no saving.

Counters are summed in memory and emitted once per task, because each
``increment_counter`` call is a line on the streaming task's stderr.
"""

from __future__ import annotations

from collections import Counter

import orjson

from mapreduce import tsv
from mapreduce.records import EVENT_COLUMNS
from mapreduce.device_log import (
    Rejection,
    event_row,
    landing_hour_from_path,
    landing_hour_start_ms,
    landing_source_name,
    parse_line,
    quarantine_row,
)
from mapreduce.jobio import JobIO
from warehouse import layout


# Quarantine records are spread over this many reduce keys per source file.
_QUARANTINE_SPREAD = 64
_QUARANTINE_KEY = "quarantine"
_PRIOR = 0


class OrjsonProtocol:
    """JSON key and JSON value joined by a tab, via orjson (the shuffle format)."""

    def read(self, line: bytes) -> tuple:
        """Decode one shuffle line into (key, value)."""
        key, value = line.split(b"\t", 1)
        return orjson.loads(key), orjson.loads(value)

    def write(self, key: object, value: object) -> bytes:
        """Encode (key, value) as one shuffle line."""
        return orjson.dumps(key) + b"\t" + orjson.dumps(value)


class _InputFile:
    """What the mapper needs to know about the file it is reading."""

    __slots__ = ("events_path", "is_prior", "landing_start_ms", "name", "path", "quarantine_path")

    def __init__(self, path: str, prior_root: str | None):
        self.path = path
        self.name = landing_source_name(path)
        self.is_prior = prior_root is not None and path_key(path).startswith(prior_root)
        if self.is_prior:
            return
        dt, hour = landing_hour_from_path(path)
        self.landing_start_ms = landing_hour_start_ms(dt, hour)
        self.events_path = layout.partition("events", dt, hour).path
        self.quarantine_path = layout.partition("quarantine", dt, hour).path


class MRValidateEvents(JobIO):
    """Raw landings -> valid events and quarantine, one copy per event_id."""

    INTERNAL_PROTOCOL = OrjsonProtocol

    def configure_args(self):
        """Add --prior-events."""
        super().configure_args()
        self.add_passthru_arg(
            "--prior-events",
            dest="prior_events",
            default=None,
            help="Folder (path or URI) of the events dataset: inputs under it are prior events.",
        )

    def mapper_init(self):
        """Start this task's counters and input-file cache."""
        prior = self.options.prior_events
        self._prior_root = path_key(prior).rstrip("/") + "/" if prior else None
        self._counts = Counter()
        self._file = None

    def mapper(self, _, line):
        """Parse one raw line (or read one prior event id) and route it by event_id."""
        path, line = self.split_input(line)
        source = self._file
        if source is None or source.path != path:
            source = self._file = _InputFile(path, self._prior_root)
        if source.is_prior:
            event_id = line.split(b"\t", 1)[0]
            if event_id.strip():
                yield event_id.decode("utf-8", "replace"), _PRIOR
            return
        outcome = parse_line(line, source.landing_start_ms)
        if outcome is None:
            return
        counts = self._counts
        counts["lines", "read"] += 1
        if type(outcome) is Rejection:
            counts["rejected", outcome.reason] += 1
            row = quarantine_row(line, outcome, source.name)
            spread = counts["lines", "read"] % _QUARANTINE_SPREAD
            yield [_QUARANTINE_KEY, source.quarantine_path, spread], tsv.encode_row(row)
            return
        row = event_row(outcome, source.landing_start_ms, source.name)
        yield outcome.event_id, [source.events_path, tsv.encode_row(row)]

    def mapper_final(self):
        """Emit this task's counters."""
        self._flush_counters()

    def reducer_init(self):
        """Start this task's counters and output."""
        self._counts = Counter()
        self.open_output()

    def reducer(self, key, values):
        """Write quarantine rows as they are; keep one winner per event_id."""
        if type(key) is list:
            dataset_path = key[1]
            for row_text in values:
                yield from self.emit(dataset_path, row_text)
            return
        prior = False
        copies = 0
        winner = winner_order = None
        for value in values:
            if value == _PRIOR:
                prior = True
                continue
            copies += 1
            if winner is None:
                winner = value
                continue
            if winner_order is None:
                winner_order = _copy_order(winner)
            order = _copy_order(value)
            if order < winner_order:
                winner, winner_order = value, order
        if not copies:
            return
        counts = self._counts
        if prior:
            counts["lines", "duplicate"] += copies
            return
        counts["lines", "valid"] += 1
        if copies > 1:
            counts["lines", "duplicate"] += copies - 1
        counts["event_days", _event_day(winner[1])] += 1
        yield from self.emit(winner[0], winner[1])

    def reducer_final(self):
        """Emit this task's counters; close its output."""
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


_EVENT_DT = EVENT_COLUMNS.index("event_dt")


def _event_day(row_text: str) -> str:
    """The event_dt column of an events row (a date: never escaped)."""
    return row_text.split("\t", _EVENT_DT + 1)[_EVENT_DT]


def _copy_order(value: list) -> tuple:
    """Sort key of a candidate copy: landing hour, source_file, row text."""
    dataset_path, row_text = value
    source_file = tsv.unescape(row_text.rsplit("\t", 1)[1])
    return dataset_path, source_file, row_text


if __name__ == "__main__":
    MRValidateEvents.run()
