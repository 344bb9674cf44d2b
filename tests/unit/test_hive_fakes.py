"""A small in-memory stand-in for a PyHive cursor and connection, used by the Hive unit tests."""

from __future__ import annotations

from typing import Any


class FakeCursor:
    """Records every ``execute`` call and serves queued result sets in order."""

    def __init__(self, results: list[tuple[list[str], list[tuple]]] | None = None):
        self.executed: list[tuple[str, Any]] = []
        self._results = list(results or [])
        self.description: list[tuple] | None = None
        self._rows: list[tuple] = []
        self.closed = False

    def execute(self, sql: str, params: Any = None) -> None:
        self.executed.append((sql, params))
        if self._results:
            columns, self._rows = self._results.pop(0)
            self.description = [(c, "STRING_TYPE", None, None, None, None, True) for c in columns]
        else:
            self.description, self._rows = None, []

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def close(self) -> None:
        self.closed = True

    @property
    def statements(self) -> list[str]:
        return [sql for sql, _ in self.executed]


class FakeConnection:
    """Hands out one shared ``FakeCursor``."""

    def __init__(self, cursor: FakeCursor | None = None):
        self.cursor_obj = cursor or FakeCursor()
        self.closed = False

    def cursor(self) -> FakeCursor:
        return self.cursor_obj

    def close(self) -> None:
        self.closed = True


def test_fake_cursor_serves_results_in_order_and_records_calls():
    cursor = FakeCursor([(["a"], [(1,)]), (["b"], [(2,), (3,)])])

    cursor.execute("q1", {"x": 1})
    first = cursor.fetchall()
    cursor.execute("q2")
    second = cursor.fetchall()
    cursor.execute("q3")

    assert (first, second) == ([(1,)], [(2,), (3,)])
    assert cursor.executed == [("q1", {"x": 1}), ("q2", None), ("q3", None)]
    assert cursor.description is None


def test_fake_connection_shares_its_cursor():
    connection = FakeConnection()

    assert connection.cursor() is connection.cursor()
