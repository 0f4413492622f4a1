"""Talking to the cluster and reading what it stored (imported by the cluster tests)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg2

from launcher.cluster import DATABASE, DB_USER, Cluster
from launcher.stack import http_get

REQUEST_TIMEOUT = 90.0


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


def replica_serving(cluster: Cluster, index: int) -> bool:
    url = cluster.replica_urls[index]
    return http_get(f"{url}/status?token={cluster.api_token}")[0] == 200
