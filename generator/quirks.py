"""Valid but unusual lines: the corners of the contract that real fleets hit.

Each quirk changes how a valid event is written, never whether it is valid:
CRLF endings, unknown fields, ``null`` optional fields, integers written as
floats, spaced or ASCII-escaped JSON, non-ASCII text (including U+2028, which
is not a line break in JSON Lines), far time-zone offsets, and times exactly
on the edges of the acceptance window.
"""

from __future__ import annotations

import json
import logging
import random
from typing import Any

import orjson

from generator import timestamps as ts
from mapreduce.contract import EARLY_ALLOWANCE_MS, WINDOW_BEFORE_MS

logger = logging.getLogger(__name__)

NAMES = ("Café Zürich", "Bäckerei Müller", "東京ストア 渋谷", "Señor Taco 🌮", "Kiosk\u2028Nord")
_MEMBER_TYPES = ("checkin", "purchase", "redeem")


def quirky(ev: dict[str, Any], ms: int, rng: random.Random, hour_start: int,
           edges: bool) -> tuple[bytes, int]:
    """``(line with newline, event ms)`` for ``ev`` written with one quirk.

    ``edges`` allows times on the window edges; copies landing in a later
    hour must not use them, since the lower edge moves with the hour.
    """
    kind = int(rng.random() * (9 if edges else 7))
    attrs = ev.get("attrs")
    event_type = ev["event_type"]
    if kind == 0:
        return orjson.dumps(ev) + b"\r\n", ms
    if kind == 1:
        ev["schema"] = 1
        ev["sdk"] = "kb-sdk/2.%d" % int(rng.random() * 9)
        if isinstance(attrs, dict):
            attrs["fw"] = "fw-1.%d" % int(rng.random() * 20)
    elif kind == 2:
        if event_type in ("heartbeat", "app_open") and rng.random() < 0.5:
            ev["attrs"] = None
        elif event_type == "purchase" and attrs.get("currency", "USD") == "USD":
            attrs["currency"] = None
        elif event_type not in _MEMBER_TYPES and "member_id" not in ev:
            ev["member_id"] = None
        else:
            ev["note"] = None
    elif kind == 3:
        for key in ("amount_cents", "points", "foot_traffic", "battery_pct"):
            if isinstance(attrs, dict) and isinstance(attrs.get(key), int):
                attrs[key] = float(attrs[key])
    elif kind == 4:
        text = json.dumps(ev)
        pad = " " * int(rng.random() * 3)
        return (pad + text + pad).encode("utf-8") + b"\n", ms
    elif kind == 5:
        if isinstance(attrs, dict):
            attrs["store_name"] = NAMES[int(rng.random() * len(NAMES))]
        else:
            ev["label"] = NAMES[int(rng.random() * len(NAMES))]
        ev = dict(reversed(list(ev.items())))
    elif kind == 6:
        ev["ts"] = ts.iso(ms, 840 if rng.random() < 0.5 else -720)
    elif kind == 7:
        ms = hour_start - WINDOW_BEFORE_MS
        ev["ts"] = ms if rng.random() < 0.5 else ts.iso(ms)
    else:
        ms = hour_start + ts.HOUR_MS + EARLY_ALLOWANCE_MS - 1
        ev["ts"] = ms if rng.random() < 0.5 else ts.iso(ms, 60)
    return orjson.dumps(ev) + b"\n", ms
