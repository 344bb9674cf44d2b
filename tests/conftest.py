"""Fixtures shared by unit and integration tests."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

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


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No KICKBACK_* variables but a private var dir; returns monkeypatch to set more."""
    for name in list(os.environ):
        if name.startswith("KICKBACK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KICKBACK_VAR_DIR", str(tmp_path / "var"))
    return monkeypatch
