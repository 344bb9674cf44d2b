"""Which landing hour owns an event, whatever order the hours are processed in.

The owner of an event_id is its earliest valid copy: the smallest (landing
hour, source_file, row text). Each landing hour's owned ids are kept in the
id index (``_state/ids``, ``warehouse.layout``) with the event day and a
digest of what the rollups read of the event. A run re-decides every event
id its hours carry against the index entries of the hours around them
(earlier *and* later: an earlier hour may arrive after a later one):

- **duplicate**: a copy in an hour outside the run already owns the id and
  is earlier: every copy in the run is a duplicate;
- **kept**: the run's hours own the id as they did, with the same content:
  nothing downstream changes;
- **new**: no hour owned the id: its content is added to the rollups and to
  its landing day's summary delta;
- **moved**: the owner moves to an earlier hour of the run with the same
  content: the rollups do not change (they do not read the landing hour);
  if the hours are on different landing days, the new day's delta gains it
  and the old day's delta is recomputed;
- **replaced**: the owner's content changes (an earlier copy that differs,
  or a smaller copy in the same hour): the event days of both contents are
  recomputed from the events, and so is the old landing day's delta.

An owner outside the run that loses its id (moved or replaced away from it)
is *dropped*: its events and id-index partitions are rewritten without it.
An hour of the run that owned an id none of its files still carry
*vanished*: landings are append-only, and the run refuses to go on.
"""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass

from mapreduce import tsv
from mapreduce.records import EVENT_COLUMNS

# What the rollups read of an event: every column but the landing-dependent ones.
_LANDING_COLUMNS = frozenset(("late", "source_file"))
_CONTENT = operator.itemgetter(*(i for i, name in enumerate(EVENT_COLUMNS) if name not in _LANDING_COLUMNS))
_EVENT_DT = EVENT_COLUMNS.index("event_dt")
DIGEST_BYTES = 8

DUPLICATE = "duplicate"
KEPT = "kept"
NEW = "new"
MOVED = "moved"
REPLACED = "replaced"
VANISHED = "vanished"


def digest(row_text: str) -> str:
    """Hex digest of an events row's content (the landing columns left out)."""
    cells = tsv.split_row(row_text)
    content = "\t".join(_CONTENT(cells))
    return hashlib.blake2b(content.encode("utf-8"), digest_size=DIGEST_BYTES).hexdigest()


def event_day(row_text: str) -> str:
    """The event_dt column of an events row (a date: never escaped)."""
    return row_text.split("\t", _EVENT_DT + 1)[_EVENT_DT]


def copy_order(hour_path: str, row_text: str) -> tuple[str, str, str]:
    """Sort key of a copy: landing hour, source_file, row text."""
    # split_row, not rsplit: a source_file may hold an escaped tab.
    return hour_path, tsv.unescape(tsv.split_row(row_text)[-1]), row_text


@dataclass(frozen=True)
class Owned:
    """An index entry: the hour (its events partition path) that owns an id."""

    hour: str
    event_dt: str
    digest: str


@dataclass(frozen=True)
class Decision:
    """What one event id becomes in a run."""

    outcome: str
    # The winning copy in the run: (hour path, row text), or None.
    winner: tuple[str, str] | None = None
    # The owner before the run, if any.
    before: Owned | None = None

    @property
    def loser(self) -> str | None:
        """The hour that loses the old copy, if one does."""
        if self.outcome in (MOVED, REPLACED, VANISHED) and self.before is not None:
            return self.before.hour
        return None


def decide(copies: list[tuple[str, str]], owners: list[Owned], run_hours: frozenset[str]) -> Decision:
    """The outcome for one event id.

    ``copies``: the run's valid copies as (hour path, row text); ``owners``:
    index entries for the id (normally at most one); ``run_hours``: the hour
    paths the run processes, whose index entries it replaces.
    """
    before = min(owners, key=lambda owned: owned.hour) if owners else None
    if not copies:
        if before is not None and before.hour in run_hours:
            return Decision(VANISHED, None, before)
        return Decision(DUPLICATE, None, before)
    winner = min(copies, key=lambda copy: copy_order(*copy))
    if before is None:
        return Decision(NEW, winner, None)
    if before.hour not in run_hours and before.hour < winner[0]:
        return Decision(DUPLICATE, None, before)
    if digest(winner[1]) != before.digest:
        return Decision(REPLACED, winner, before)
    if winner[0] == before.hour:
        return Decision(KEPT, winner, before)
    return Decision(MOVED, winner, before)
