"""Fixtures shared by unit and integration tests."""

from __future__ import annotations

import pytest

from kickback.config import Settings


@pytest.fixture
def tmp_settings(tmp_path) -> Settings:
    """Settings whose every local path is under a fresh temporary folder."""
    return Settings.load(
        env={},
        var_dir=tmp_path / "var",
        landing_dir=tmp_path / "landing",
        warehouse_dir=tmp_path / "warehouse",
    )
