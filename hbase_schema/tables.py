"""The HBase tables, declared once as data.

``table_specs`` returns ``{table: {family: options}}`` in exactly the shape
happybase's ``Connection.create_table(name, families)`` takes; table names
are unprefixed (the connection's ``table_prefix`` separates environments).
``LAYOUTS`` says, for each table, which pipeline dataset fills it, how its
row key is built and which family holds the dataset's columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from mapreduce import records

# HConstants.FOREVER: what HBase reports for a family without a TTL.
FOREVER = 2147483647
_DAY_S = 86400


@dataclass(frozen=True)
class Layout:
    """How one dataset maps onto one table."""

    table: str
    dataset: str
    # "summary", "daily" or "event": which keys.* function builds the row key.
    key_kind: str
    # The id column that the row key is built from.
    id_column: str
    # Family that holds one qualifier per remaining column.
    family: str
    columns: tuple[str, ...]
    # Dataset column whose JSON map is exploded into its own family, if any.
    exploded_column: str | None = None
    exploded_family: str | None = None

    @property
    def value_columns(self) -> tuple[str, ...]:
        """Columns stored as cells (the id column is in the row key)."""
        return tuple(column for column in self.columns if column != self.id_column)


LAYOUTS = {
    "member_summary": Layout(
        "member_summary", "member_summary", "summary", "member_id", "s",
        records.MEMBER_SUMMARY_COLUMNS, exploded_column="devices", exploded_family="d",
    ),
    "member_daily": Layout(
        "member_daily", "member_daily", "daily", "member_id", "r",
        records.MEMBER_DAILY_COLUMNS,
    ),
    "member_events": Layout(
        "member_events", "member_events", "event", "member_id", "e",
        records.MEMBER_EVENT_COLUMNS,
    ),
    "device_summary": Layout(
        "device_summary", "device_summary", "summary", "device_id", "s",
        records.DEVICE_SUMMARY_COLUMNS,
    ),
    "device_daily": Layout(
        "device_daily", "device_daily", "daily", "device_id", "r",
        records.DEVICE_DAILY_COLUMNS,
    ),
}

TABLES = tuple(LAYOUTS)


def family_options(ttl_days: int | None) -> dict[str, object]:
    """Options of one column family: one version, row bloom filter, GZ."""
    return {
        "max_versions": 1,
        "time_to_live": FOREVER if ttl_days is None else ttl_days * _DAY_S,
        "bloom_filter_type": "ROW",
        "compression": "GZ",
    }


def table_specs(daily_ttl_days: int, events_ttl_days: int) -> dict[str, dict[str, dict]]:
    """Every table's families, from the TTL settings."""
    if daily_ttl_days < 1 or events_ttl_days < 1:
        raise ValueError("TTLs must be at least one day")
    ttl_by_kind = {"summary": None, "daily": daily_ttl_days, "event": events_ttl_days}
    specs: dict[str, dict[str, dict]] = {}
    for name, layout in LAYOUTS.items():
        options = family_options(ttl_by_kind[layout.key_kind])
        families = {layout.family: dict(options)}
        if layout.exploded_family:
            families[layout.exploded_family] = dict(options)
        specs[name] = families
    return specs
