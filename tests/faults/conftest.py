"""Fixtures for the fault-and-input suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.session.helpers import write_settings


@pytest.fixture
def settings_home(lv_home) -> Path:
    """LEVELVOICE_HOME with a fixed time zone in its settings."""
    write_settings(lv_home)
    return lv_home
