"""A long answer as messages that fit a messaging platform's limit, never cut mid-sentence.

Platforms cap one message (SMS and WhatsApp through Twilio 1,600 characters, Telegram 4,096,
Facebook Messenger 2,000, a Slack block 3,000). An answer that fits goes whole, so an
escalation is never split; a longer one is cut between paragraphs, else between lines, else
between sentences, and the parts keep their order. Only a single sentence longer than the limit
is cut, between words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# a full stop, question or exclamation mark (and a closing quote or bracket) followed by space
# and a capital, a digit or an opening quote: "e.g. the" is not a sentence end
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[])")

# how to split a piece that is too long, coarsest first, and how its pieces are joined again
_LEVELS: tuple[tuple[Callable[[str], list[str]], str], ...] = (
    (PARAGRAPH_BREAK.split, "\n\n"),
    (lambda text: text.split("\n"), "\n"),
    (SENTENCE_END.split, " "),
    (str.split, " "),
)


def split_message(text: str, limit: int) -> list[str]:
    """`text` as messages of at most `limit` characters, in order, each as full as it can be
    without breaking a paragraph, else a line, else a sentence. No message is empty."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    text = text.strip()
    return _split(text, limit, 0) if text else []


def _split(text: str, limit: int, level: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    if level == len(_LEVELS):  # one word longer than the limit
        return [text[start : start + limit] for start in range(0, len(text), limit)]
    pieces, separator = _LEVELS[level]
    messages: list[str] = []
    current = ""
    for piece in filter(None, (piece.strip() for piece in pieces(text))):
        joined = f"{current}{separator}{piece}" if current else piece
        if len(joined) <= limit:
            current = joined
            continue
        if current:
            messages.append(current)
        *whole, current = _split(piece, limit, level + 1)
        messages.extend(whole)
    if current:
        messages.append(current)
    return messages
