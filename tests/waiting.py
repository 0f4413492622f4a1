"""Waiting for something a server does on its own time (imported by the e2e and cluster tests)."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], object], timeout: float, step: float = 0.5) -> bool:
    """Whether `condition()` became true within `timeout` seconds (asked every `step` s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())
