"""Many conversations at once (issue 9): no errors, no cross-talk, every tracker complete.

Each conversation has its own stage and body area and starts at the same moment as the others.
Its recommendation must name its own area and stage, its stored slots must be its own, and its
tracker must hold every message it sent, in order. Speed is not asserted here (see
bench/performance.py).
"""

from __future__ import annotations

import itertools
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from backcare.knowledge_base import STAGES, load_knowledge_base
from backcare.replies import STAGE_PHRASES, describe_areas
from launcher.stack import AssistantStack
from tests.e2e.replies import texts

# How a person names each stage and area (phrasings the e2e and field tests show are understood).
STAGE_WORDS = {
    "trimester_1": "I'm 10 weeks pregnant",
    "trimester_2": "I'm in my second trimester",
    "trimester_3": "I'm 32 weeks pregnant",
    "postpartum": "I had my baby 6 weeks ago",
}
AREA_WORDS = {
    "lower_back": "my lower back hurts",
    "mid_back": "my mid back hurts",
    "upper_back": "my upper back hurts",
    "neck_shoulders": "my neck and shoulders hurt",
    "hips_pelvis": "my hips hurt",
    "glutes": "my glutes hurt",
}
REQUEST_TIMEOUT = 120  # seconds for one message, however many are queued before it


@dataclass(frozen=True)
class Conversation:
    sender: str
    stage: str
    area: str

    @property
    def messages(self) -> list[str]:
        return [
            "hi",
            f"{AREA_WORDS[self.area]} and {STAGE_WORDS[self.stage]}",
            "more exercises",
            "thanks",
        ]

    @property
    def recommendation_heading(self) -> str:
        """How the first recommendation names this conversation's area and stage."""
        return f"for your {describe_areas([self.area])} {STAGE_PHRASES[self.stage]}:"


def covered_pairs() -> list[tuple[str, str]]:
    """(stage, area) pairs the guides give exercises for, so the answer names both."""
    kb = load_knowledge_base()
    return [
        (stage, area)
        for stage, area in itertools.product(STAGES, AREA_WORDS)
        if (area, stage) not in kb.uncovered
    ]


def converse(
    assistant: AssistantStack, conversation: Conversation, start: threading.Barrier
) -> list[str]:
    """Send the conversation's messages one after the other; the answers' texts."""
    start.wait(timeout=60)
    return [
        texts(assistant.send(conversation.sender, text, timeout=REQUEST_TIMEOUT))
        for text in conversation.messages
    ]


@pytest.mark.parametrize("count", [20, 50])
def test_concurrent_conversations_keep_to_themselves(assistant: AssistantStack, count: int) -> None:
    pairs = covered_pairs()
    assert len({stage for stage, _ in pairs}) == len(STAGES) and len(pairs) >= 12
    run = uuid.uuid4().hex[:6]
    conversations = [
        Conversation(f"load-{run}-{number}", *pairs[number % len(pairs)]) for number in range(count)
    ]
    start = threading.Barrier(count)
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(converse, assistant, c, start) for c in conversations]
        answers = [future.result(timeout=REQUEST_TIMEOUT * 5) for future in futures]

    for conversation, replies in zip(conversations, answers, strict=True):
        assert all(replies), f"{conversation.sender} got an empty answer: {replies}"
        recommendation = replies[1]
        assert conversation.recommendation_heading in recommendation, (
            f"{conversation.sender} ({conversation.stage}, {conversation.area}) got: "
            f"{recommendation}"
        )
        others = {
            f"for your {describe_areas([area])}" for area in AREA_WORDS if area != conversation.area
        }
        assert not any(other in recommendation for other in others)

    for conversation in conversations:
        tracker = assistant.tracker(conversation.sender)
        said = [event["text"] for event in tracker["events"] if event["event"] == "user"]
        assert said == conversation.messages
        assert tracker["slots"]["stage"] == conversation.stage
        assert tracker["slots"]["body_areas"] == [conversation.area]
        answered = [event for event in tracker["events"] if event["event"] == "bot"]
        assert len(answered) >= len(conversation.messages)
