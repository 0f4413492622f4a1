"""Whether a message asks if an exercise is safe rather than reports that one hurt.

DIET confuses the two when a question about an exercise also names a sore area ("are clamshells
ok? hips are sore"): asking whether an exercise is OK is a safety question; saying that doing it
hurt ("the clams made my hip sore") is a report, and the exercise leaves the plan.
"""

from __future__ import annotations

import re

SAFETY_WORDS = re.compile(
    r"\b(?:ok|okay|alright|all right|safe|fine|allowed|good for|a good idea|too much|too soon"
    r"|too early)\b"
)
QUESTION_START = re.compile(r"^\s*(?:is|are|can|could|should|would|am|do|does)\b")
SENTENCE = re.compile(r"[^.!?]+[.!?]*")
# Something the exercise did: the message reports that it hurt.
HURT_REPORT = re.compile(
    r"\b(?:hurt|hurts|hurting|made|makes|gave|gives|painful|aggravated|aggravates|flared"
    r"|twinged|when i did|after doing|after i did|while doing|tried)\b"
)


def asks_if_exercise_is_safe(text: str) -> bool:
    """The text asks whether an exercise is OK or safe (a question holding a safety word) and
    does not say that one hurt."""
    lowered = text.lower().replace("’", "'")
    if HURT_REPORT.search(lowered):
        return False
    return any(
        SAFETY_WORDS.search(sentence)
        and (sentence.rstrip().endswith("?") or QUESTION_START.search(sentence))
        for sentence in SENTENCE.findall(lowered)
    )
