"""Faults in the cluster: a Rasa replica killed mid-run, PostgreSQL restarted mid-run, and a
database or Redis that is wrong or away when a Rasa server starts."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import uuid

import pytest
from rasa.utils.endpoints import EndpointConfig

from backcare.replies import AREA_PHRASES, MESSAGE_FAILED
from launcher.cluster import Cluster
from launcher.settings import REPO_ROOT
from launcher.stack import free_port, http_get, rasa_server_command
from launcher.stores import StoreUnavailable, check_lock_store, check_tracker_store
from tests.waiting import wait_until

from .support import (
    Answer,
    in_parallel,
    post,
    replica_serving,
    slots,
    stored_events,
    user_texts,
)

AREAS = ("lower_back", "upper_back", "neck_shoulders")
LATER_TURNS = [
    "more exercises",
    "why does it hurt?",
    "any tips for sleeping?",
    "more exercises",
    "how do I do wall angels?",
    "thanks",
]
RETRY_FOR = 90.0  # a message whose replica died mid-answer waits out its lock (20 s) at most


def opening(area: str) -> list[str]:
    return ["hi", f"my {AREA_PHRASES[area]} hurts and I'm 20 weeks pregnant"]


def send_until_answered(url: str, sender: str, text: str) -> tuple[Answer, int]:
    """Send like a person whose message got no answer: again, a second later. The answer and
    how many tries failed first."""
    failed = 0
    deadline = time.monotonic() + RETRY_FOR
    while True:
        answer = post(url, sender, text)
        if answer.status == 200 and answer.messages and answer.text != MESSAGE_FAILED:
            return answer, failed
        failed += 1
        assert time.monotonic() < deadline, f"{sender}: no answer to {text!r}"
        time.sleep(1)


class Traffic:
    """Answers counted across conversations, to strike when the traffic is well under way."""

    def __init__(self, strike_after: int) -> None:
        self.answered = 0
        self.strike_after = strike_after
        self.under_way = threading.Event()
        self._lock = threading.Lock()

    def conversation(self, url: str, sender: str, messages: list[str]) -> list[tuple[Answer, int]]:
        results = []
        for text in messages:
            results.append(send_until_answered(url, sender, text))
            with self._lock:
                self.answered += 1
                if self.answered >= self.strike_after:
                    self.under_way.set()
        return results

    def strike(self, action) -> threading.Thread:  # noqa: ANN001
        """Run `action` in the background once the traffic is under way."""
        thread = threading.Thread(target=lambda: (self.under_way.wait(), action()), daemon=True)
        thread.start()
        return thread


def conversation(url: str, sender: str, messages: list[str]) -> list[tuple[Answer, int]]:
    return [send_until_answered(url, sender, text) for text in messages]


def start_conversations(cluster: Cluster, prefix: str, count: int) -> list[tuple[str, str]]:
    """`count` conversations that have told their area and stage; (sender, area) each."""
    plans = [(f"{prefix}-{uuid.uuid4().hex[:8]}-{n}", AREAS[n % len(AREAS)]) for n in range(count)]
    for answers in in_parallel(
        [lambda s=s, a=a: conversation(cluster.url, s, opening(a)) for s, a in plans]
    ):
        assert all(failed == 0 for _, failed in answers)
    return plans


def assert_stored_whole(cluster: Cluster, sender: str, area: str, sent: list[str]) -> None:
    """Every message is in the tracker, in order, with the area and stage still set. A message
    sent again after an error may be there twice, next to itself, if its first try was saved
    before the error."""
    events = stored_events(cluster, sender)
    stored = user_texts(events)
    deduplicated = [text for i, text in enumerate(stored) if i == 0 or text != stored[i - 1]]
    assert deduplicated == [text for i, text in enumerate(sent) if i == 0 or text != sent[i - 1]]
    assert slots(events)["body_areas"] == [area]
    assert slots(events)["stage"] == "trimester_2"


def test_a_killed_replica_is_routed_around_and_comes_back(cluster: Cluster) -> None:
    plans = start_conversations(cluster, "kill", 10)
    victim = cluster.processes[cluster.replica_names[0]]
    survivor_port = cluster.rasa_ports[1]
    traffic = Traffic(strike_after=len(plans))
    # the replica dies at once (SIGKILL to all its processes), in the middle of the traffic
    killer = traffic.strike(lambda: victim.signal(signal.SIGKILL))
    results = in_parallel(
        [lambda s=s: traffic.conversation(cluster.url, s, LATER_TURNS) for s, _ in plans]
    )
    killer.join()
    for (sender, area), answers in zip(plans, results, strict=True):
        # the slots carried over: "why does it hurt?" is answered for this person's area
        assert AREA_PHRASES[area] in answers[1][0].text.lower(), sender
        assert_stored_whole(cluster, sender, area, opening(area) + LATER_TURNS)
    last_answers = [answers[-1][0] for answers in results]
    assert {answer.replica_port for answer in last_answers} == {survivor_port}

    # the supervisor restarts it; once it serves, nginx sends it traffic again
    assert wait_until(lambda: replica_serving(cluster, 0), timeout=240)
    time.sleep(2.5)  # nginx retries a failed server after fail_timeout (2 s)
    sender = f"back-{uuid.uuid4().hex[:8]}"
    ports = {post(cluster.url, f"{sender}-{n}", "hi").replica_port for n in range(8)}
    assert cluster.rasa_ports[0] in ports


def test_a_postgresql_restart_mid_run_loses_no_turn(cluster: Cluster) -> None:
    plans = start_conversations(cluster, "pg", 10)
    postgres = cluster.processes["postgres"]
    first_pid = postgres.process.pid
    traffic = Traffic(strike_after=len(plans))
    # a "fast" shutdown (SIGINT): PostgreSQL cuts every connection; the supervisor restarts it
    restart = traffic.strike(lambda: postgres.signal(signal.SIGINT))
    results = in_parallel(
        [lambda s=s: traffic.conversation(cluster.url, s, LATER_TURNS) for s, _ in plans]
    )
    restart.join()
    assert postgres.process.pid != first_pid and postgres.is_running()
    for (sender, area), answers in zip(plans, results, strict=True):
        assert AREA_PHRASES[area] in answers[1][0].text.lower(), sender
        events = stored_events(cluster, sender)
        # no error reached anyone, so every turn is stored exactly once
        if all(failed == 0 for _, failed in answers):
            assert user_texts(events) == opening(area) + LATER_TURNS
        else:
            assert_stored_whole(cluster, sender, area, opening(area) + LATER_TURNS)
    logs = "".join(
        cluster.processes[name].log_path.read_text(encoding="utf-8")
        for name in cluster.replica_names
    )
    assert "Tracker store" in logs and "retrying" in logs  # the restart was felt, and ridden out


def start_rasa_with(cluster: Cluster, **overrides: str) -> tuple[int, str, int]:
    """Start a Rasa server with the cluster's settings and `overrides`; (exit code, output, its
    port). It must stop on its own before loading the model."""
    port = free_port()
    environment = {**cluster.environment(), **overrides}
    finished = subprocess.run(
        rasa_server_command(cluster.model_path, port, cluster.host),
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return finished.returncode, finished.stdout + finished.stderr, port


def test_a_wrong_database_password_stops_the_rasa_server_with_the_reason(
    cluster: Cluster,
) -> None:
    wrong = cluster.tracker_store_url.replace(cluster.db_password, "not-the-password")
    code, output, port = start_rasa_with(cluster, TRACKER_STORE_URL=wrong)
    assert code != 0
    assert "Cannot use the tracker store database" in output
    assert "password authentication failed" in output
    assert "not-the-password" not in output  # the URL is shown with the password hidden
    assert http_get(f"http://{cluster.host}:{port}/")[0] == 0


def test_an_unreachable_redis_stops_the_rasa_server_with_the_reason(cluster: Cluster) -> None:
    code, output, port = start_rasa_with(cluster, REDIS_PORT=str(free_port()))
    assert code != 0
    assert "Cannot use the Redis lock store" in output and "Connection refused" in output
    assert http_get(f"http://{cluster.host}:{port}/")[0] == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"db": "no_such_database"}, 'database "no_such_database" does not exist'),
        ({"port": "free"}, "Connection refused"),
    ],
)
def test_a_wrong_or_absent_database_is_reported(
    cluster: Cluster, change: dict[str, str], reason: str
) -> None:
    settings = {
        "dialect": "postgresql",
        "port": cluster.postgres_port,
        "db": "rasa",
        "username": "rasa",
        "password": cluster.db_password,
        **{key: free_port() if value == "free" else value for key, value in change.items()},
    }
    with pytest.raises(StoreUnavailable, match=reason):
        check_tracker_store(EndpointConfig(url=cluster.host, type="SQL", **settings))


def test_a_wrong_redis_password_is_reported(cluster: Cluster) -> None:
    config = EndpointConfig(
        url=cluster.host, type="redis", port=cluster.redis_port, password="wrong", db=1
    )
    with pytest.raises(StoreUnavailable, match="Cannot use the Redis lock store"):
        check_lock_store(config)
    right = EndpointConfig(
        url=cluster.host, type="redis", port=cluster.redis_port, password=cluster.redis_password
    )
    check_lock_store(right)
