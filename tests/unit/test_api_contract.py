"""Contract fuzzing with schemathesis, in-process (WSGI) over the fake HBase.

Every generated request, valid and invalid per the OpenAPI document that
the app serves, must get a response the document describes (status, content
type, headers, body schema), never a 500, and a schema-valid request must
not be rejected. Two constraints JSON Schema cannot state are made to hold
in the valid cases instead: a page_token is opaque (only the server issues
one; tampering is tested in test_api_paging.py), and start must not come
after end. Invalid cases whose query serializes like a valid one (an empty
list or object sends nothing; a one-item list sends the item) are dropped.
"""

from __future__ import annotations

import datetime

import schemathesis
from api_samples import AUTH, api_config, sample_hbase
from fake_hbase import FakeConnectionPool
from hypothesis import HealthCheck, settings

from api import create_app

APP = create_app(api_config(FakeConnectionPool(sample_hbase())))
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.hook
def map_case(context, case):
    """In valid cases: no invented page_token, and start before end."""
    if case.meta is None or case.meta.generation.mode.is_negative or not case.query:
        return case
    case.query.pop("page_token", None)
    start, end = _parse(case.query.get("start")), _parse(case.query.get("end"))
    if start is not None and end is not None and start >= end:
        del case.query["end"]
    return case


@schema.hook
def filter_case(context, case):
    """Drop invalid cases that a query string cannot tell from valid ones."""
    if case.meta is None or not case.meta.generation.mode.is_negative or not case.query:
        return True
    return not any(
        isinstance(value, (list, dict)) and len(value) <= 1 for value in case.query.values()
    )


def _parse(value):
    if not isinstance(value, str):
        return None
    for parse in (datetime.datetime.fromisoformat, datetime.date.fromisoformat):
        try:
            parsed = parse(value)
        except ValueError:
            continue
        if isinstance(parsed, datetime.datetime) and parsed.tzinfo is not None:
            return parsed.timestamp()
        if type(parsed) is datetime.date:
            return parsed.toordinal() * 86400.0
    return None


@schema.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_every_response_matches_the_spec(case):
    response = case.call_and_validate(headers=AUTH)
    assert response.status_code != 500
