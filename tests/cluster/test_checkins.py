"""A check-in pending when both Rasa replicas restart is sent once (launcher/reminders.py).

Each replica schedules it again from PostgreSQL when it starts, so both fire it at the same
moment; the conversation's lock in Redis lets one through first, and the other then finds it
fired in the database. Check-in times are whole minutes and both replicas must be back before
it falls due: the test takes two to three minutes.
"""

from __future__ import annotations

import signal
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from actions.checkins import CHECKIN_INTENT
from backcare.knowledge_base import load_knowledge_base
from backcare.reminders import RESTORED_LAG
from backcare.replies import checkin_reply
from launcher.cluster import Cluster
from launcher.reminders import RESTORED_LOG
from tests.e2e.test_checkin_restart import choice, whole_minute_after
from tests.waiting import wait_until

from .support import post, replica_serving, stored_events

RESTART_BUDGET = timedelta(seconds=120)  # both replicas loading the model at once, on 2 cores


def restorations(log: Path) -> list[str]:
    """The log lines of a replica's start-ups that say how many reminders it scheduled again."""
    return [line for line in log.read_text("utf-8").splitlines() if RESTORED_LOG in line]


def test_a_checkin_pending_in_both_replicas_is_sent_once(cluster: Cluster) -> None:
    sender = f"checkin-{uuid.uuid4().hex[:8]}"
    due = whole_minute_after(datetime.now().astimezone() + RESTART_BUDGET)
    assert "Which suits you?" in post(cluster.url, sender, "remind me").text
    assert "Done: I'll check in on" in post(cluster.url, sender, choice(due)).text
    logs = [cluster.processes[name].log_path for name in cluster.replica_names]
    before = [len(restorations(log)) for log in logs]

    for name in cluster.replica_names:  # the supervisor starts each again
        cluster.processes[name].signal(signal.SIGTERM)
    for index in range(len(logs)):
        assert wait_until(lambda i=index: not replica_serving(cluster, i), timeout=30)
    for index, log in enumerate(logs):
        assert wait_until(lambda i=index: replica_serving(cluster, i), timeout=240)
        # each replica holds the check-in again
        assert wait_until(lambda i=index, log=log: len(restorations(log)) > before[i], timeout=30)
        assert restorations(log)[-1].endswith(f"{RESTORED_LOG}: 1 (0 past due).")
    assert datetime.now().astimezone() < due, "the replicas took too long to come back"

    def fired() -> list[dict]:
        return [
            event
            for event in stored_events(cluster, sender)
            if event["event"] == "user" and event["parse_data"]["intent"]["name"] == CHECKIN_INTENT
        ]

    wait = (due - datetime.now().astimezone() + RESTORED_LAG).total_seconds() + 30
    assert wait_until(fired, timeout=wait)
    time.sleep(5)  # the other replica's copy has run by now
    events = stored_events(cluster, sender)
    assert len(fired()) == 1
    checkin = checkin_reply(load_knowledge_base()).text
    assert [event.get("text") for event in events if event["event"] == "bot"].count(checkin) == 1
    # the check-in scheduled the next one, once
    assert [event["event"] for event in events].count("reminder") == 2
