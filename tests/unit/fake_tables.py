"""The KickBack tables in a ``FakeHBase``, and rows written the HBase loader's way.

``kickback_hbase`` creates every table from the table specs, as ``kickback
hbase create`` does. ``load_rows`` writes rows as the loader writes them:
each row's values are turned into the text a job writes, read back as the
loader reads a line, built by ``hbase_schema.rows.build_row`` and written by
``hbase_schema.writer.write_chunk``; so tests over them read the loader's
own keys, cells and timestamps.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from fake_hbase import FakeConnection, FakeConnectionPool, FakeHBase

from hbase_schema.rows import build_row
from hbase_schema.tables import LAYOUTS, table_specs
from hbase_schema.writer import write_chunk
from mapreduce import tsv
from mapreduce.merges import dumps_json

# The salt buckets rows are written with (the loader's default too).
BUCKETS = 16


def kickback_hbase(table_prefix: str | None = None) -> FakeHBase:
    """A FakeHBase with every KickBack table, created from the table specs."""
    hbase = FakeHBase()
    connection = FakeConnection(hbase, table_prefix)
    connection.open()
    for name, families in table_specs(400, 90).items():
        connection.create_table(name, families)
    return hbase


def load_rows(hbase: FakeHBase, dataset: str, rows: Iterable[dict[str, Any]],
              day: datetime.date | None = None, table_prefix: str | None = None) -> None:
    """Write rows of ``dataset`` the HBase loader's way; ``day`` is a daily partition's dt.

    Each row gives every column of the dataset as a Python value; it becomes
    the text a job writes (``tsv.encode_row``, nested values ``dumps_json``),
    read back as the loader reads the line, then ``build_row`` makes the row
    and ``write_chunk`` writes it.
    """
    layout = LAYOUTS[dataset]
    built = [build_row(layout, _as_read_by_the_loader(layout.columns, values), day, BUCKETS)
             for values in rows]
    write_chunk(FakeConnectionPool(hbase, 1, table_prefix), layout.table, built)


def _as_read_by_the_loader(columns: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
    if set(values) != set(columns):
        raise ValueError("row needs exactly the columns %s; missing %s, unknown %s" % (
            columns, sorted(set(columns) - set(values)), sorted(set(values) - set(columns))))
    line = tsv.encode_row(dumps_json(values[column]) if isinstance(values[column], (dict, list))
                          else values[column] for column in columns)
    return tsv.decode_record(line, columns)


def put_raw_cells(hbase: FakeHBase, table: str, key: bytes, cells: dict[bytes, bytes]) -> None:
    """Write cells as given, bypassing the loader: only for data it would never write."""
    connection = FakeConnection(hbase)
    connection.open()
    connection.table(table).put(key, cells)
