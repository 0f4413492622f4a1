"""One real cluster for these tests (launcher.cluster.scratch_cluster): PostgreSQL, Redis, two
action servers, two Rasa replicas and nginx, on free loopback ports, with its data in a
throwaway folder, supervised as `make cluster` supervises it, and stopped at the end."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from launcher.cluster import ESSENTIAL, Cluster, scratch_cluster
from launcher.model import train_if_needed

CLUSTER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here starts servers: mark them e2e (so `pytest -m "not e2e"` stays fast)."""
    for item in items:
        if CLUSTER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.cluster)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    directory = Path(tempfile.mkdtemp(prefix="backcare-cluster-test-"))
    running = scratch_cluster(train_if_needed(), directory)
    supervision = threading.Thread(
        target=running.supervise, kwargs={"essential": ESSENTIAL}, daemon=True
    )
    try:
        running.start()
        supervision.start()
        yield running
    finally:
        running.stop()
        supervision.join(timeout=5)
        shutil.rmtree(directory, ignore_errors=True)
