"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pytest

from backcare.red_flags import RedFlagDetector, default_detector


@pytest.fixture(scope="session")
def detector() -> RedFlagDetector:
    """The red-flag detector built from the packaged phrase list."""
    return default_detector()
