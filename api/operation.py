"""A view's operation: what it takes and answers, applied on every call.

``@operation(path=..., query=..., body=..., ok=...)`` declares a view's
schemas once, and those same schema instances do the work when it runs:
the path values, the query string and the JSON body are loaded through
them (``api.parsing``; a 400 problem on failure) and passed to the view as
keyword arguments, and what the view returns is dumped through ``ok``
(with an ETag and Cache-Control when ``cached``). A view is its lookup and
nothing else, and ``api.openapi`` documents what runs, from the same
declaration. Body fields are passed by name like the others, so a view
reads ``def batch_get(ids)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from marshmallow import Schema

from api.caching import cached_json
from api.parsing import parse_body, parse_path, parse_query

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "openapi_operation"


@dataclass(frozen=True)
class Operation:
    """What one view takes and answers."""

    ok: Schema | None = None
    ok_mimetype: str = "application/json"
    path: Schema | None = None
    query: Schema | None = None
    body: Schema | None = None
    protected: bool = True
    not_found: bool = False
    cached: bool = False
    reads_hbase: bool = True

    def arguments(self, path_values: dict[str, str]) -> dict[str, Any]:
        """The view's keyword arguments: path, query and body, each loaded by its schema."""
        found: dict[str, Any] = {}
        if self.path is not None:
            found.update(parse_path(self.path, **path_values))
        if self.query is not None:
            found.update(parse_query(self.query))
        if self.body is not None:
            found.update(parse_body(self.body))
        return found

    def answer(self, result: Any) -> Any:
        """What the view returned, dumped through ``ok``."""
        if self.ok is None:
            return result
        payload = self.ok.dump(result)
        return cached_json(payload) if self.cached else payload


def operation(**kwargs: Any) -> Callable[[F], F]:
    """Declare a view's inputs and outputs (see ``Operation``) and apply them on every call."""
    declared = Operation(**kwargs)
    _check_names(declared)

    def bind(view: F) -> F:
        @functools.wraps(view)
        def run(**path_values: str) -> Any:
            return declared.answer(view(**declared.arguments(path_values)))

        setattr(run, ATTRIBUTE, declared)
        return run  # type: ignore[return-value]

    return bind


def declared_operation(view: Callable[..., Any]) -> Operation | None:
    """The operation a view was declared with, if any."""
    return getattr(view, ATTRIBUTE, None)


def _check_names(declared: Operation) -> None:
    seen: set[str] = set()
    for schema in (declared.path, declared.query, declared.body):
        names = set() if schema is None else {field.attribute or name for name, field in schema.load_fields.items()}
        if names & seen:
            raise ValueError("an operation's path, query and body share the names %s" % sorted(names & seen))
        seen |= names
