"""Seed derivation: every random stream of the generator comes from here.

A stream is named by the run seed plus a few labels (day, hour, purpose), and
its seed is a hash of that name. Streams are therefore independent of each
other and of the order in which they are used, which is what lets any hour
(or any hour's retry batch) be generated on its own and still come out byte
for byte the same.
"""

from __future__ import annotations

import hashlib
import logging
import random

logger = logging.getLogger(__name__)

# Bump when a change to the generator alters its output for the same arguments.
STREAM_VERSION = "kickback-generator/1"


def derive_seed(*parts: object) -> int:
    """A 64-bit seed from a stream name made of ``parts``."""
    name = "\x1f".join([STREAM_VERSION, *(str(part) for part in parts)])
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


def stream(*parts: object) -> random.Random:
    """A ``random.Random`` seeded from the stream name ``parts``."""
    return random.Random(derive_seed(*parts))
