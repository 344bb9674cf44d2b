"""Seed derivation: stable, and different for different stream names."""

from __future__ import annotations

from generator.seeding import derive_seed, stream


def test_derive_seed_is_stable_and_distinct() -> None:
    assert derive_seed(42, "2026-11-27", 5) == derive_seed(42, "2026-11-27", 5)
    assert derive_seed(42, "2026-11-27", 5) != derive_seed(42, "2026-11-27", 6)
    assert derive_seed(42, 1, 23) != derive_seed(42, 12, 3)  # parts are separated
    assert 0 <= derive_seed("x") < 2**64


def test_stream_repeats() -> None:
    assert [stream(1, "a").random() for _ in range(2)] == [stream(1, "a").random()] * 2
