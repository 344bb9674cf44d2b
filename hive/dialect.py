"""SQLAlchemy for analysts: PyHive's Hive dialect, answering Hive 4's "not found" errors.

Two URLs reach the same HiveServer2 (docs/hive.md, "SQLAlchemy and pandas"):

- ``hive://<user>@<host>:<port>/<database>``: PyHive 0.7's own dialect.
  Queries, ``pandas.read_sql_query``, ``get_table_names``, ``get_columns``,
  ``Table(..., autoload_with=engine)`` and ``has_table`` on a table that
  exists all work on Hive 4.
- ``kickback+hive://<user>@<host>:<port>/<database>``: this module's
  subclass (registered by the ``sqlalchemy.dialects`` entry point in
  setup.py). The same, and ``has_table`` answers False for a missing table
  (or a table of a missing database) instead of raising, and reflecting one
  raises ``NoSuchTableError``.

PyHive decides "missing" by matching ``Table not found <table as given>``.
Hive 4 names the table with its database even when the statement did not
(``Table not found kickback.nope``), and a missing database reads
``Database does not exist: <db>``, so with PyHive alone
``has_table("nope")`` raises ``OperationalError``.
"""

from __future__ import annotations

import re
from typing import Any

from pyhive import hive
from pyhive.sqlalchemy_hive import HiveDialect
from sqlalchemy import exc

# Hive 4.0.1: "SemanticException [Error 10001]: Table not found kickback.nope"
# and "SemanticException [Error 10072]: Database does not exist: nosuchdb".
_MISSING = re.compile(
    r"SemanticException.*?(?:Table not found '?(?P<table>[\w.`]+)'?"
    r"|Database does not exist: '?(?P<database>[\w`]+)'?)"
)


def names_missing(message: str, table_name: str, schema: str | None = None) -> bool:
    """Whether a Hive error ``message`` says that ``[schema.]table_name`` or its database does not exist."""
    match = _MISSING.search(message)
    if match is None:
        return False
    if match.group("database") is not None:
        wanted_db = schema.lower() if schema else None
        found_db = match.group("database").replace("`", "").lower()
        return wanted_db is None or found_db == wanted_db
    found = match.group("table").replace("`", "").lower()
    table = table_name.lower()
    if schema:
        return found == "%s.%s" % (schema.lower(), table)
    # Unqualified: Hive adds the current database.
    return found == table or found.endswith("." + table)


class KickbackHiveDialect(HiveDialect):
    """PyHive's ``HiveDialect``; a table that Hive 4 reports missing is ``NoSuchTableError``."""

    supports_statement_cache = False

    # SQLAlchemy 2 looks for import_dbapi in the class itself; an inherited
    # one would make it fall back to PyHive's dbapi() with a deprecation warning.
    @classmethod
    def import_dbapi(cls) -> Any:
        return hive

    def _get_table_columns(self, connection: Any, table_name: str, schema: str | None) -> Any:
        try:
            return super()._get_table_columns(connection, table_name, schema)
        except exc.OperationalError as error:
            if names_missing(str(error), table_name, schema):
                raise exc.NoSuchTableError("%s.%s" % (schema, table_name) if schema else table_name) from error
            raise
