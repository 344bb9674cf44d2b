"""Synthetic device-log landings for KickBack, per the device-log-v1 contract.

``generate_landing`` writes realistic, deterministic landings (duplicates,
late events, clock skew, bad lines of every rejection reason) and returns a
``Manifest`` of what every line is meant to be.
"""

from generator.landing import generate_landing
from generator.manifest import FileEntry, HourManifest, Manifest, read_hour_manifest
from generator.outcomes import OUTCOMES, REJECT_REASONS

__all__ = [
    "OUTCOMES",
    "REJECT_REASONS",
    "FileEntry",
    "HourManifest",
    "Manifest",
    "generate_landing",
    "read_hour_manifest",
]
