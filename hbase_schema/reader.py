"""Read a dataset's TSV part files as records, failing loudly on bad input.

A row with the wrong field count, invalid UTF-8, a file that does not end in
a newline (truncated) or a corrupt gzip raises ``BadRecord`` with the file
and line number: nothing is skipped silently.
"""

from __future__ import annotations

import datetime
import gzip
import logging
import re
import zlib
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from hbase_schema.errors import BadRecord
from mapreduce import tsv

logger = logging.getLogger(__name__)

_DT = re.compile(r"^dt=(\d{4}-\d{2}-\d{2})$")


def read_records(
    files: Iterable[Path], columns: Sequence[str]
) -> Iterator[tuple[Path, int, dict[str, str | None]]]:
    """Yield ``(file, line_number, record)`` for every row of every file."""
    for name in files:
        path = Path(name)
        for number, line in _lines(path):
            try:
                record = tsv.decode_record(line, columns)
            except ValueError as exc:
                raise BadRecord(str(path), number, str(exc)) from None
            yield path, number, record


def partition_files(partition: Path) -> list[Path]:
    """The data files of one complete partition folder, sorted."""
    partition = Path(partition)
    if not (partition / "_SUCCESS").exists():
        raise FileNotFoundError("partition %s is incomplete (no _SUCCESS)" % partition)
    return sorted(
        path for path in partition.iterdir()
        if path.is_file() and not path.name.startswith(("_", "."))
    )


def partition_day(path: Path) -> datetime.date:
    """The ``dt=YYYY-MM-DD`` day of the partition a file or folder is in."""
    for part in reversed(Path(path).parts):
        match = _DT.match(part)
        if match:
            return datetime.date.fromisoformat(match.group(1))
    raise ValueError("no dt=YYYY-MM-DD folder in %s" % path)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    number = 0
    try:
        with _open(path) as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.endswith(b"\n"):
                    raise BadRecord(str(path), number, "truncated file: last line has no newline")
                try:
                    yield number, raw[:-1].decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise BadRecord(str(path), number, "invalid UTF-8: %s" % exc) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise BadRecord(str(path), number + 1, "truncated or corrupt gzip: %s" % exc) from None


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")
