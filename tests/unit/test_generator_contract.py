"""The generator's lines against an independent reading of the contract.

``classify`` below is a small, separate implementation of
/work/shared/spec/device-log-v1.md (json + the window rule), written from the
contract alone. Every test here checks that what the generator *meant* a
line to be is what the contract makes of it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from generator import generate_landing, read_hour_manifest
from generator.badlines import BadLineFactory
from generator.events import EventFactory
from generator.quirks import quirky
from generator.world import build_world

DAY = dt.date(2026, 11, 27)
HOUR_MS = 3_600_000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
DEVICE_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
DEVICE_TYPES = {"phone", "pos", "beacon", "sensor"}
EVENT_TYPES = {"app_open", "heartbeat", "checkin", "purchase", "redeem", "reading"}
MEMBER_TYPES = {"checkin", "purchase", "redeem"}
REQUIRED_ATTRS = {"purchase": ("merchant_id", "amount_cents", "points"),
                  "redeem": ("points",), "checkin": ("store_id",)}
METRICS = ("temperature_c", "humidity_pct", "foot_traffic")


def _reject_constant(name: str) -> None:
    raise ValueError("not JSON: %s" % name)


def _is_int(x: object) -> bool:
    return (isinstance(x, int) and not isinstance(x, bool)) or (
        isinstance(x, float) and x.is_integer())


def _is_num(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _bad_attrs(event_type: str, attrs: dict) -> bool:
    def opt_str(key: str) -> bool:
        return attrs.get(key) is not None and not isinstance(attrs[key], str)

    def pct(key: str) -> bool:
        x = attrs.get(key)
        return x is not None and not (_is_num(x) and 0 <= x <= 100)

    if event_type == "purchase":
        cur = attrs.get("currency")
        return (not isinstance(attrs["merchant_id"], str)
                or not (_is_int(attrs["amount_cents"]) and attrs["amount_cents"] >= 0)
                or not (_is_int(attrs["points"]) and attrs["points"] >= 0)
                or (cur is not None and not (isinstance(cur, str) and re.fullmatch("[A-Z]{3}", cur))))
    if event_type == "redeem":
        return (not (_is_int(attrs["points"]) and attrs["points"] > 0)
                or opt_str("merchant_id"))
    if event_type == "checkin":
        return not isinstance(attrs["store_id"], str)
    if event_type == "heartbeat":
        return pct("battery_pct") or opt_str("app_version") or opt_str("os")
    if event_type == "app_open":
        return opt_str("app_version") or opt_str("os")
    t, h, f = (attrs.get(m) for m in METRICS)
    return ((t is not None and not _is_num(t)) or pct("humidity_pct")
            or (f is not None and not (_is_int(f) and f >= 0)))


def _event_ms(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or not ISO_RE.fullmatch(value):
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when - EPOCH) // dt.timedelta(milliseconds=1)


def classify(raw: bytes, landing_start_ms: int) -> tuple[str, dict | None]:
    """``(outcome, event)`` the contract gives one line (no newline); blank -> 'blank'."""
    line = raw[:-1] if raw.endswith(b"\r") else raw
    if not raw.strip(b" \t\r\n"):
        return "blank", None
    if len(line) > 65_536:
        return "oversize", None
    try:
        obj = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
    except ValueError:
        return "malformed", None
    if not isinstance(obj, dict):
        return "malformed", None
    for key in ("event_id", "device_id", "device_type", "event_type", "ts"):
        if obj.get(key) is None:
            return "missing_field", None
    event_type = obj["event_type"]
    known = isinstance(event_type, str) and event_type in EVENT_TYPES
    if known and event_type in MEMBER_TYPES and obj.get("member_id") is None:
        return "missing_field", None
    attrs = {} if obj.get("attrs") is None else obj["attrs"]
    if known and isinstance(attrs, dict):
        if any(attrs.get(k) is None for k in REQUIRED_ATTRS.get(event_type, ())):
            return "missing_field", None
        if event_type == "reading" and all(attrs.get(m) is None for m in METRICS):
            return "missing_field", None
    member = obj.get("member_id")
    if (not isinstance(obj["event_id"], str) or not ID_RE.fullmatch(obj["event_id"])
            or not isinstance(obj["device_id"], str) or not DEVICE_RE.fullmatch(obj["device_id"])
            or obj["device_type"] not in DEVICE_TYPES or not known
            or (member is not None and not (isinstance(member, str) and ID_RE.fullmatch(member)))
            or isinstance(obj["ts"], bool) or not isinstance(obj["ts"], (str, int, float))
            or not isinstance(attrs, dict) or _bad_attrs(event_type, attrs)):
        return "bad_value", None
    ms = _event_ms(obj["ts"])
    if ms is None or not (landing_start_ms - 7 * 24 * HOUR_MS <= ms
                          < landing_start_ms + HOUR_MS + 15 * 60_000):
        return "bad_timestamp", None
    obj["_ms"] = ms
    return "valid", obj


def hour_start_ms(day: dt.date, hour: int) -> int:
    """Epoch ms of ``day`` at ``hour``:00 UTC."""
    return int((dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.timezone.utc)
                - EPOCH).total_seconds() * 1000)


def read_lines(path: Path) -> list[bytes]:
    """A part file's lines, without their newline."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    assert data == b"" or data.endswith(b"\n")
    return data.split(b"\n")[:-1]


def audit(root: Path, day: dt.date, hours: list[int]) -> dict[int, dict]:
    """Replay the landing hours in order and tally what the contract makes of them."""
    seen: dict[str, int] = {}
    result = {}
    for hour in hours:
        folder = root / ("dt=%s" % day.isoformat()) / ("hour=%02d" % hour)
        start = hour_start_ms(day, hour)
        outcomes: Counter = Counter()
        first_hours: Counter = Counter()
        by_type: Counter = Counter()
        late = earned = redeemed = 0
        for path in sorted(folder.glob("part-*.jsonl*")):
            for raw in read_lines(path):
                outcome, event = classify(raw, start)
                if outcome == "valid":
                    if event["event_id"] in seen:
                        outcome = "duplicate"
                        if seen[event["event_id"]] != hour:
                            first_hours[seen[event["event_id"]]] += 1
                    else:
                        seen[event["event_id"]] = hour
                        by_type[event["event_type"]] += 1
                        late += event["_ms"] < hour_start_ms(day, 0)
                        attrs = event.get("attrs") or {}
                        if event["event_type"] == "purchase":
                            earned += int(attrs["points"])
                        elif event["event_type"] == "redeem":
                            redeemed += int(attrs["points"])
                outcomes[outcome] += 1
        result[hour] = {"outcomes": outcomes, "first_hours": first_hours, "by_type": by_type,
                        "late": late, "earned": earned, "redeemed": redeemed}
    return result


# --- the checker itself --------------------------------------------------

START = hour_start_ms(DAY, 8)
GOOD = {"event_id": "e1", "device_id": "pos-00001", "device_type": "pos",
        "event_type": "purchase", "member_id": "m-0000001", "ts": "2026-11-27T08:30:00Z",
        "attrs": {"merchant_id": "merchant-0001", "amount_cents": 1250, "points": 12}}


def _line(**changes: object) -> bytes:
    ev = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if value is ...:
            del ev[key]
        else:
            ev[key] = value
    return json.dumps(ev).encode()


@pytest.mark.parametrize("raw, expected", [
    (_line(), "valid"),
    (_line() + b"\r", "valid"),
    (b"  \t\r", "blank"),
    (b"x" * 65_537, "oversize"),
    (b'{"a": "caf\xe9"}', "malformed"),
    (b"[1]", "malformed"),
    (_line(ts=...), "missing_field"),
    (_line(member_id=None), "missing_field"),
    (_line(attrs={"merchant_id": "m", "points": 1}), "missing_field"),
    (_line(device_type="laptop"), "bad_value"),
    (_line(ts=True), "bad_value"),
    (_line(attrs={"merchant_id": "m", "amount_cents": -1, "points": 1}), "bad_value"),
    (_line(ts="2026-11-27T08:30:00"), "bad_timestamp"),
    (_line(ts=START - 7 * 24 * HOUR_MS), "valid"),
    (_line(ts=START - 7 * 24 * HOUR_MS - 1), "bad_timestamp"),
    (_line(ts=START + HOUR_MS + 15 * 60_000 - 1), "valid"),
    (_line(ts=START + HOUR_MS + 15 * 60_000), "bad_timestamp"),
])
def test_checker_reads_the_contract(raw: bytes, expected: str) -> None:
    assert classify(raw, START)[0] == expected


# --- factories ------------------------------------------------------------

@pytest.fixture(scope="module")
def world():
    return build_world(7, members=300, devices=600)


@pytest.mark.parametrize("hour", [0, 12, 23])
def test_fresh_events_are_valid(world, hour: int) -> None:
    factory = EventFactory(world, random.Random(hour), DAY, hour, "t")
    start = hour_start_ms(DAY, hour)
    types = Counter()
    for _ in range(3000):
        ev, ms, _ = factory.event(late=len(types) % 2 == 0)
        outcome, parsed = classify(json.dumps(ev).encode(), start)
        assert outcome == "valid", ev
        assert parsed["_ms"] == ms
        types[(ev["device_type"], ev["event_type"])] += 1
    assert {t for t, _ in types} == {"phone", "pos", "beacon", "sensor"}


def test_quirky_lines_are_valid(world) -> None:
    rng = random.Random(3)
    factory = EventFactory(world, rng, DAY, 8, "t")
    for edges in (True, False):
        for _ in range(3000):
            ev, ms, _ = factory.event(late=rng.random() < 0.1)
            line, ms = quirky(ev, ms, rng, START, edges=edges)
            assert line.endswith(b"\n")
            outcome, parsed = classify(line[:-1], START)
            assert outcome == "valid", line
            assert parsed["_ms"] == ms


@pytest.mark.parametrize("reason", ["oversize", "malformed", "missing_field", "bad_value",
                                    "bad_timestamp"])
def test_bad_lines_have_exactly_their_reason(world, reason: str) -> None:
    bad = BadLineFactory(EventFactory(world, random.Random(11), DAY, 8, "b"))
    got = Counter(classify(bad.line(reason), START)[0] for _ in range(1500))
    assert got == Counter({reason: 1500})


# --- whole landings ---------------------------------------------------------

@pytest.mark.parametrize("gz, files", [(False, 1), (True, 3)])
def test_manifest_equals_contract_replay(tmp_path: Path, gz: bool, files: int) -> None:
    hours = list(range(24))
    manifest = generate_landing(tmp_path, DAY, hours, seed=5, members=400, devices=900,
                                events=12_000, bad_rate=0.08, duplicate_rate=0.2,
                                late_rate=0.1, gzip=gz, files_per_hour=files, progress=False)
    replay = audit(tmp_path, DAY, hours)
    cross = 0
    for hour in hours:
        hm = read_hour_manifest(tmp_path / "dt=2026-11-27" / ("hour=%02d" % hour))
        got = replay[hour]
        assert {k: v for k, v in hm.outcomes.items() if v} == dict(got["outcomes"]), hour
        assert hm.duplicates_by_first_hour == dict(got["first_hours"])
        assert hm.valid_by_event_type == dict(got["by_type"])
        assert (hm.late, hm.points_earned, hm.points_redeemed) == (
            got["late"], got["earned"], got["redeemed"])
        cross += sum(hm.duplicates_by_first_hour.values())
    counts = manifest.counts
    assert all(counts[reason] > 0 for reason in counts), counts
    assert cross > 0
    assert sum(h["late"] for h in replay.values()) > 0
