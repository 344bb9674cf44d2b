"""Partial aggregates and how they merge: the fold machinery of the rollups
and the summaries.

A *partial* is a JSON-safe dict; a ``Field`` says how one of its fields
merges. Every merge here is associative and commutative, so combiners,
reducers and the incremental state (a stored partial merged with new ones)
may group and order partials any way and get the same result:

- distinct sets are sorted lists (merged by set union);
- "latest" values are ``[time, id, value]`` lists and the greatest wins, so
  equal times are broken by id, never by arrival order;
- sensor sums are exact fractions written as text (``"43/2"``), so a mean
  does not depend on the order in which floats happened to be added.

``fold`` merges any number of partials field by field in time linear in its
input: each field's values are gathered into a list and folded at once
(``Field.many``), so sums, minima, maxima and unions run in C loops
instead of one Python call per partial and field.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import orjson

Partial = dict[str, Any]


def dumps_json(value: Any) -> str:
    """JSON text with sorted keys, so equal values always give equal bytes."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


# --- generic merges ---------------------------------------------------------
#
# A partial is folded field by field. To keep a fold linear in its input
# (a till sees thousands of events and members a day), the accumulator is a
# private copy whose collections are updated in place: ``thaw`` makes that
# copy (sets for distinct lists), ``merge(acc, value)`` folds one partial's
# field into it, ``freeze`` turns it back into JSON-safe canonical form.


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Field:
    """How one field of a partial folds.

    ``alone`` is the canonical value of a field folded from one partial
    alone: ``freeze(thaw(value))`` for any partial that a fold or an event
    made (those are canonical already), without the copy. ``many``, when
    given, folds a list of two or more values at once and must equal the
    pairwise fold (``thaw``, ``merge`` each, ``freeze``).
    """

    merge: Callable[[Any, Any], Any]
    thaw: Callable[[Any], Any] = _same
    freeze: Callable[[Any], Any] = _same
    alone: Callable[[Any], Any] = _same
    many: Callable[[list], Any] | None = None

    def fold_values(self, values: list) -> Any:
        """The canonical fold of two or more values of this field."""
        if self.many is not None:
            return self.many(values)
        acc = self.thaw(values[0])
        merge = self.merge
        for value in itertools.islice(values, 1, None):
            acc = merge(acc, value)
        return self.freeze(acc)


def min_opt(a: Any, b: Any) -> Any:
    """The smaller of two values, None meaning absent."""
    if a is None:
        return b
    return a if b is None else min(a, b)


def max_opt(a: Any, b: Any) -> Any:
    """The greater of two values, None meaning absent."""
    if a is None:
        return b
    return a if b is None else max(a, b)


def _add_counts(acc: dict[str, int], value: dict[str, int]) -> dict[str, int]:
    for key, count in value.items():
        acc[key] = acc.get(key, 0) + count
    return acc


def _add_to_set(acc: set[str], value: list[str]) -> set[str]:
    acc.update(value)
    return acc


def _max_per_key(acc: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    for key, item in value.items():
        acc[key] = max_opt(acc.get(key), item)
    return acc


def _thaw_stats(stats: Partial | None) -> Partial | None:
    return None if stats is None else {**stats, "sum": Fraction(stats["sum"])}


def _add_stats(acc: Partial | None, value: Partial | None) -> Partial | None:
    if value is None:
        return acc
    if acc is None:
        return _thaw_stats(value)
    acc["min"] = min(acc["min"], value["min"])
    acc["max"] = max(acc["max"], value["max"])
    acc["sum"] += Fraction(value["sum"])
    acc["n"] += value["n"]
    return acc


def _freeze_stats(stats: Partial | None) -> Partial | None:
    return None if stats is None else {**stats, "sum": str(stats["sum"])}


def _min_many(values: list) -> Any:
    present = [value for value in values if value is not None]
    return min(present) if present else None


def _max_many(values: list) -> Any:
    present = [value for value in values if value is not None]
    return max(present) if present else None


def _counts_many(values: list[dict[str, int]]) -> dict[str, int]:
    acc: dict[str, int] = {}
    for counts in values:
        for key, count in counts.items():
            acc[key] = acc.get(key, 0) + count
    return acc


def _distinct_many(values: list[list[str]]) -> list[str]:
    return sorted(set().union(*values))


def _max_per_key_many(values: list[dict[str, Any]]) -> dict[str, Any]:
    acc: dict[str, Any] = {}
    for value in values:
        for key, item in value.items():
            old = acc.get(key)
            acc[key] = item if old is None else old if item is None else max(old, item)
    return acc


def _stats_many(values: list[Partial | None]) -> Partial | None:
    present = [stats for stats in values if stats is not None]
    if not present:
        return None
    return {
        "min": min(stats["min"] for stats in present),
        "max": max(stats["max"] for stats in present),
        "sum": str(sum(Fraction(stats["sum"]) for stats in present)),
        "n": sum(stats["n"] for stats in present),
    }


ADD = Field(operator.add, many=sum)
# MIN and MAX are commutative as long as equal values of a field are
# identical, which the jobs' values are: times and ids are text, numbers of
# one field are all floats (from float(Fraction): never -0.0) or all
# integers. 0 against 0.0 or -0.0 would tie and keep whichever came first.
MIN = Field(min_opt, many=_min_many)
MAX = Field(max_opt, many=_max_many)
COUNTS = Field(_add_counts, thaw=dict, many=_counts_many)
DISTINCT = Field(_add_to_set, thaw=set, freeze=sorted, alone=sorted, many=_distinct_many)
MAX_PER_KEY = Field(_max_per_key, thaw=dict, many=_max_per_key_many)
STATS = Field(_add_stats, thaw=_thaw_stats, freeze=_freeze_stats, many=_stats_many)


def fold(fields: dict[str, Field], partials: Iterable[Partial]) -> Partial:
    """Merge one or more partials field by field; the inputs are not modified."""
    items = partials if type(partials) is list else list(partials)
    if not items:
        raise ValueError("fold needs at least one partial")
    if len(items) == 1:
        # Most keys of a day have one partial: its canonical form, no copy.
        first = items[0]
        return {name: field.alone(first[name]) for name, field in fields.items()}
    return {name: field.fold_values([partial[name] for partial in items]) for name, field in fields.items()}


# --- stored partials --------------------------------------------------------

def state_line(key: list, partial: Partial) -> str:
    """One line of a state partition: ``key JSON TAB partial JSON``, canonical."""
    return dumps_json(key) + "\t" + dumps_json(partial)


def state_key(line: str | bytes) -> list:
    """The key of a state line (text or its UTF-8 bytes), its partial left unread; ValueError
    if it is not one."""
    key, sep, _ = line.partition(b"\t" if type(line) is bytes else "\t")
    try:
        if not sep:
            raise ValueError
        return orjson.loads(key)
    except (ValueError, orjson.JSONDecodeError):
        raise ValueError("not a state line: %r" % line[:80]) from None


def parse_state_line(line: str) -> tuple[list, Partial]:
    """``(key, partial)`` of a state line; ValueError if it is not one."""
    key, sep, partial = line.rstrip("\r\n").partition("\t")
    try:
        if not sep:
            raise ValueError
        return orjson.loads(key), orjson.loads(partial)
    except (ValueError, orjson.JSONDecodeError):
        raise ValueError("not a state line: %r" % line[:80]) from None
