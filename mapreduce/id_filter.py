"""A run's event ids as a Bloom filter, and its one-line text form.

The validate job reads the id index of the landing hours around a run, but
only the entries of ids the run also carries can change a decision
(``mapreduce.ownership``): the others meet no copy. ``IdFilter`` says
"certainly not in the run" for most of them, so the job's index mappers
drop them before the shuffle. A Bloom filter has no false negatives, so a
dropped entry is always one the reducer would have ignored; a false
positive only costs a shuffled entry.

Every filter of one run has the same size (its capacity comes from the
driver, ``capacity_for``), so the filters of the map tasks are unioned
into one. The hash is fixed (XXH3, 128 bits), not Python's per-process
``hash``: a filter built in one task is read in another.
"""

from __future__ import annotations

import base64

import rbloom
import xxhash

# Share of ids outside the run that the filter still lets through.
FALSE_POSITIVE_RATE = 0.01
# The capacity a run's filter is sized for: one event per this many bytes
# of plain raw input (a valid line is rarely shorter), or per this many
# bytes of gzip input. More ids than the capacity only raise the rate.
PLAIN_BYTES_PER_ID = 100
GZIP_BYTES_PER_ID = 20
MIN_CAPACITY = 1024
_FORMAT = "idfilter2"
_HALF = 1 << 127


def _hash(item: bytes) -> int:
    # rbloom wants a signed 128-bit integer.
    return xxhash.xxh3_128_intdigest(item) - _HALF


def capacity_for(plain_bytes: int, gzip_bytes: int) -> int:
    """How many ids a run with this much raw input is sized for."""
    return max(MIN_CAPACITY, plain_bytes // PLAIN_BYTES_PER_ID + gzip_bytes // GZIP_BYTES_PER_ID)


class IdFilter:
    """A set of event ids that may answer "maybe" for an id it does not hold."""

    __slots__ = ("capacity", "_bloom")

    def __init__(self, capacity: int, bloom: rbloom.Bloom | None = None):
        if type(capacity) is not int or capacity < 1:
            raise ValueError("an id filter's capacity is a positive integer, not %r" % (capacity,))
        self.capacity = capacity
        self._bloom = bloom if bloom is not None else rbloom.Bloom(capacity, FALSE_POSITIVE_RATE, _hash)

    def add(self, event_id: str) -> None:
        """Hold ``event_id``."""
        self._bloom.add(event_id.encode("utf-8"))

    def might_hold(self, event_id: bytes) -> bool:
        """False only if ``event_id`` (UTF-8 bytes, as index files hold it) was never added."""
        return event_id in self._bloom

    def union(self, other: "IdFilter") -> "IdFilter":
        """A filter holding the ids of both (filters of one capacity only)."""
        if other.capacity != self.capacity:
            raise ValueError("cannot unite id filters of capacities %d and %d" % (self.capacity, other.capacity))
        return IdFilter(self.capacity, self._bloom | other._bloom)

    def dumps(self) -> str:
        """One line of text: format, capacity, the filter's bits in base64."""
        return "%s\t%d\t%s" % (_FORMAT, self.capacity, base64.b64encode(self._bloom.save_bytes()).decode("ascii"))

    @classmethod
    def loads(cls, text: str) -> "IdFilter":
        """The filter of a ``dumps`` line; ValueError for anything else."""
        cells = text.strip().split("\t")
        if len(cells) != 3 or cells[0] != _FORMAT or not cells[1].isdigit():
            raise ValueError("not an id filter line (want %s TAB capacity TAB base64)" % _FORMAT)
        capacity = int(cells[1])
        bloom = rbloom.Bloom.load_bytes(base64.b64decode(cells[2], validate=True), _hash)
        fresh = rbloom.Bloom(capacity, FALSE_POSITIVE_RATE, _hash)
        if bloom.size_in_bits != fresh.size_in_bits or bloom.hash_func is not _hash:
            raise ValueError("id filter line does not match its capacity %d" % capacity)
        return cls(capacity, bloom)

    @classmethod
    def load(cls, path: str) -> "IdFilter":
        """The filter in the file ``path`` (its one line)."""
        with open(path, "r", encoding="ascii") as handle:
            return cls.loads(handle.read())
