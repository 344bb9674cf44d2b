"""Rendering event times: exact round trips in every device format."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from generator import timestamps as ts

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _parse(value: object) -> int:
    if isinstance(value, int):
        return value
    when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return (when - EPOCH) // dt.timedelta(milliseconds=1)


def test_day_start() -> None:
    assert ts.day_start_ms(dt.date(1970, 1, 2)) == ts.DAY_MS
    assert ts.day_start_ms(dt.date(2026, 11, 27)) == 1795737600000


@pytest.mark.parametrize("ms, offset, expected", [
    (1795767300123, 0, "2026-11-27T08:15:00.123Z"),
    (1795767300123, 330, "2026-11-27T13:45:00.123+05:30"),
    (1795767300123, -600, "2026-11-26T22:15:00.123-10:00"),
    (-1, 0, "1969-12-31T23:59:59.999Z"),
])
def test_iso(ms: int, offset: int, expected: str) -> None:
    assert ts.iso(ms, offset) == expected


def test_render_formats() -> None:
    ms = 1795767300123
    assert ts.render(ms, ts.EPOCH_MS, 60) == ms
    assert ts.render(ms, ts.ISO_Z_MS, 60) == "2026-11-27T08:15:00.123Z"
    assert ts.render(ms, ts.ISO_LOCAL_MS, 60) == "2026-11-27T09:15:00.123+01:00"
    assert ts.render(ms, ts.ISO_LOCAL_S, 60) == "2026-11-27T09:15:00+01:00"
    assert ts.render(ms, ts.ISO_UTC_OFFSET_MS, 60) == "2026-11-27T08:15:00.123+00:00"


def test_round_trip_everywhere() -> None:
    rng = random.Random(0)
    for _ in range(5000):
        ms = rng.randrange(0, 4_000_000_000_000)
        offset = rng.choice((0, 60, -300, 330, 545, 840, -720))
        for fmt in ts.FORMATS:
            expected = ms - ms % 1000 if ts.drops_millis(fmt) else ms
            assert _parse(ts.render(ms, fmt, offset)) == expected
