"""One real cluster for these tests (launcher.cluster.scratch_cluster): PostgreSQL, Redis, two
action servers, two Rasa replicas and nginx, on free loopback ports, with its data in a
throwaway folder, supervised as `make cluster` supervises it, and stopped at the end."""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from launcher.cluster import DATABASE, DB_USER, ESSENTIAL, Cluster, scratch_cluster
from launcher.model import train_if_needed
from launcher.stack import http_get

CLUSTER_DIR = Path(__file__).resolve().parent
REQUEST_TIMEOUT = 90.0


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


@dataclass
class Answer:
    """One HTTP answer: its status, the bot's messages and the upstream nginx chose."""

    status: int
    messages: list[dict]
    upstream: str = ""

    @property
    def text(self) -> str:
        return "\n".join(message.get("text", "") for message in self.messages)

    @property
    def replica_port(self) -> int | None:
        """The port of the replica that answered (the last one nginx tried)."""
        return int(self.upstream.split(",")[-1].rsplit(":", 1)[1]) if self.upstream else None


def post(base_url: str, sender: str, text: str, timeout: float = REQUEST_TIMEOUT) -> Answer:
    """Send one message to the REST channel at `base_url` (nginx or one replica)."""
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            upstream = response.headers.get("X-Upstream", "")
            return Answer(response.status, json.loads(response.read()), upstream)
    except urllib.error.HTTPError as error:
        return Answer(error.code, [], error.headers.get("X-Upstream", ""))
    except OSError:
        return Answer(0, [])


def in_parallel(calls: list, workers: int | None = None) -> list:  # noqa: ANN001
    """Run the zero-argument `calls` at the same time; their results in order."""
    with ThreadPoolExecutor(max_workers=workers or len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def stored_events(cluster: Cluster, sender: str) -> list[dict]:
    """The conversation's events as PostgreSQL holds them, in the order they were written."""
    connection = psycopg2.connect(
        host=cluster.host,
        port=cluster.postgres_port,
        user=DB_USER,
        password=cluster.db_password,
        dbname=DATABASE,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(data) for (data,) in cursor.fetchall()]
    finally:
        connection.close()


def user_texts(events: list[dict]) -> list[str]:
    return [event["text"] for event in events if event["event"] == "user"]


def slots(events: list[dict]) -> dict:
    """The slot values at the end of the stored conversation."""
    values = {}
    for event in events:
        if event["event"] == "slot":
            values[event["name"]] = event["value"]
    return values


def wait_until(condition, timeout: float, step: float = 0.5) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def replica_serving(cluster: Cluster, index: int) -> bool:
    url = cluster.replica_urls[index]
    return http_get(f"{url}/status?token={cluster.api_token}")[0] == 200
