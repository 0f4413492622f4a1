"""End-to-end: a person always gets an answer, even when the action server is down or hung."""

from __future__ import annotations

import os
import signal
import time

from backcare.knowledge_base import load_knowledge_base
from backcare.recommender import recommend
from backcare.replies import ACTION_UNAVAILABLE, recommendation_reply
from launcher.settings import DEFAULTS
from launcher.stack import AssistantStack
from tests.e2e.replies import as_sent, bot_messages, texts

RECOMMENDATION = "my upper back hurts and I'm 20 weeks pregnant"
ANSWER_DEADLINE = 10  # seconds: the bound for an answer while the action server hangs


def recommended(answer: list[dict]) -> bool:
    """Whether the answer holds the recommendation RECOMMENDATION asks for, as the action
    server composes it."""
    kb = load_knowledge_base()
    expected = recommendation_reply(kb, recommend(kb, "trimester_2", ["upper_back"]))
    return as_sent(expected) in bot_messages(answer)


def test_a_stopped_action_server_gets_an_apology_then_help_once_it_is_back(
    assistant: AssistantStack, sender: str
) -> None:
    assistant.stop_server("actions")
    try:
        assert ACTION_UNAVAILABLE in texts(assistant.send(sender, RECOMMENDATION))
    finally:
        assistant.start_action_server()
    answer = assistant.send(sender, RECOMMENDATION)
    assert ACTION_UNAVAILABLE not in texts(answer)
    assert recommended(answer)


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
    answer = assistant.send(f"{sender}-after", RECOMMENDATION)
    assert recommended(answer) and ACTION_UNAVAILABLE not in texts(answer)
