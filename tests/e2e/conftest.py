"""A real action server, Rasa server and widget file server on free ports, with a throwaway
SQLite tracker store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from launcher.model import train_if_needed
from launcher.stack import AssistantStack, scratch_stack

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here starts servers: mark them all e2e, so `pytest -m "not e2e"` is fast."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistantStack]:
    tracker_db = tmp_path_factory.mktemp("tracker-store") / "tracker.db"
    stack = scratch_stack(train_if_needed(), tracker_db, serve_web=True)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def sender() -> str:
    """A fresh conversation id for each test."""
    return f"e2e-{uuid.uuid4().hex[:12]}"
