"""The Hive DDL: rerunnable ``.sql`` files in ``hive/ddl``, applied in name order.

The files use two placeholders, ``${database}`` and ``${warehouse}``. They
are filled from configuration only, after validation (an identifier and a
quote-free URI), because names and locations cannot be bind parameters.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from hive.validate import check_database, check_warehouse_uri

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
_LEFTOVER = re.compile(r"\$\{")


class DdlError(ValueError):
    """A DDL file cannot be rendered."""


@dataclass(frozen=True)
class DdlFile:
    """One DDL file: its name (``10_events``) and its text."""

    name: str
    text: str


def load_ddl() -> list[DdlFile]:
    """Every DDL file of the package, in the order they must run."""
    folder = resources.files("hive") / "ddl"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return [DdlFile(entry.name[: -len(".sql")], entry.read_text(encoding="utf-8")) for entry in files]


def render(text: str, database: str, warehouse: str) -> str:
    """Fill ``${database}`` and ``${warehouse}`` in ``text`` with checked values."""
    values = {"database": check_database(database), "warehouse": check_warehouse_uri(warehouse)}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise DdlError("unknown placeholder ${%s}" % name)
        return values[name]

    rendered = _PLACEHOLDER.sub(fill, text)
    if _LEFTOVER.search(rendered):
        raise DdlError("malformed placeholder left in DDL")
    return rendered


def statements(text: str) -> list[str]:
    """Split DDL text into statements: full-line ``--`` comments dropped, ``;`` at a line end."""
    result, current = [], []
    for line in text.splitlines():
        if line.lstrip().startswith("--"):
            continue
        stripped = line.rstrip()
        if stripped.endswith(";"):
            current.append(stripped[:-1])
            result.append("\n".join(current).strip())
            current = []
        else:
            current.append(line)
    tail = "\n".join(current).strip()
    if tail:
        result.append(tail)
    return [statement for statement in result if statement]


def apply_ddl(cursor: Any, database: str, warehouse: str) -> list[str]:
    """Run every DDL statement (each is ``IF NOT EXISTS``); return the file names applied."""
    applied = []
    for ddl in load_ddl():
        for statement in statements(render(ddl.text, database, warehouse)):
            logger.debug("DDL %s: %s", ddl.name, statement)
            cursor.execute(statement)
        logger.info("applied %s to database %s", ddl.name, database)
        applied.append(ddl.name)
    return applied
