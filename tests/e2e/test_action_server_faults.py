"""End-to-end: a person always gets an answer, even when the action server is down or hung."""

from __future__ import annotations

import os
import signal
import time

from backcare.replies import ACTION_UNAVAILABLE
from launcher.settings import DEFAULTS
from launcher.stack import AssistantStack
from tests.e2e.replies import texts

RECOMMENDATION = "my upper back hurts and I'm 20 weeks pregnant"
ANSWER_DEADLINE = 10  # seconds: the bound for an answer while the action server hangs


def test_a_stopped_action_server_gets_an_apology_then_help_once_it_is_back(
    assistant: AssistantStack, sender: str
) -> None:
    assistant.stop_server("actions")
    try:
        assert ACTION_UNAVAILABLE in texts(assistant.send(sender, RECOMMENDATION))
    finally:
        assistant.start_action_server()
    answer = texts(assistant.send(sender, RECOMMENDATION))
    assert ACTION_UNAVAILABLE not in answer
    assert "upper back" in answer.lower()


def test_a_hung_action_server_gets_an_apology_within_the_deadline(
    assistant: AssistantStack, sender: str
) -> None:
    assert float(DEFAULTS["ACTION_TIMEOUT_SECONDS"]) < ANSWER_DEADLINE
    actions = assistant.processes["actions"].process
    os.killpg(actions.pid, signal.SIGSTOP)
    try:
        sent = time.monotonic()
        answer = texts(assistant.send(sender, RECOMMENDATION, timeout=30))
        waited = time.monotonic() - sent
    finally:
        os.killpg(actions.pid, signal.SIGCONT)
    assert ACTION_UNAVAILABLE in answer
    assert waited < ANSWER_DEADLINE, f"the person waited {waited:.1f} s"
    answer = texts(assistant.send(f"{sender}-after", RECOMMENDATION))
    assert "upper back" in answer.lower() and ACTION_UNAVAILABLE not in answer
