"""Fixtures shared by unit and integration tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings as hypothesis_settings

from kickback.config import Settings

# The machine is small and shared: never fail a property test on wall time.
hypothesis_settings.register_profile(
    "kickback", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("kickback")


@pytest.fixture
def tmp_settings(tmp_path) -> Settings:
    """Settings whose every local path is under a fresh temporary folder."""
    return Settings.load(
        env={},
        var_dir=tmp_path / "var",
        landing_dir=tmp_path / "landing",
        warehouse_dir=tmp_path / "warehouse",
    )
