"""Buttons on channels that cannot show them (SMS and WhatsApp through Twilio): the options as a
numbered list under the text, and a typed reply ("2", "2.", "lower back", "yes") read back as
the option it picks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from backcare.replies import REPLY_WITH_A_NUMBER

# a reply longer than this is a message of its own, not a pick (the longest title is ~40)
MAX_CHOICE_CHARS = 60
_NUMBER = re.compile(r"#?\s*(\d{1,2})\s*[.)]?")
_WORD = re.compile(r"[\w']+")


def with_numbered_options(text: str, titles: Sequence[str]) -> str:
    """`text` followed by "Reply with a number:" and the options, one a line, from 1."""
    if not titles:
        return text
    options = [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
    listing = "\n".join([REPLY_WITH_A_NUMBER, *options])
    return f"{text}\n\n{listing}" if text else listing


def may_pick_an_option(reply: str) -> bool:
    """Whether `reply` is short enough to be a pick and is not already a button payload, so
    looking up the last answer's buttons is worth it."""
    reply = reply.strip()
    return 0 < len(reply) <= MAX_CHOICE_CHARS and not reply.startswith("/")


def chosen_option(reply: str, titles: Sequence[str], numbered: bool) -> int | None:
    """The index of the option `reply` picks among `titles`, or None when it picks none.

    Always: the reply is a title (case, punctuation and spacing aside). With `numbered` (the
    options were shown as a numbered list) also: a number from 1 to len(titles), or words that
    all belong to exactly one title ("yes" for "Yes, it's happening now", "neck" for "Neck and
    shoulders"). A number out of range or words that fit several titles pick nothing, so the
    reply goes to the assistant as the person wrote it."""
    reply_words = _words(reply)
    title_words = [_words(title) for title in titles]
    if reply_words and reply_words in title_words:
        return title_words.index(reply_words)
    if not numbered or not reply_words:
        return None
    number = _NUMBER.fullmatch(reply.strip())
    if number:
        index = int(number.group(1)) - 1
        return index if 0 <= index < len(titles) else None
    fits = [index for index, words in enumerate(title_words) if set(reply_words) <= set(words)]
    return fits[0] if len(fits) == 1 else None


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("\u2019", "'"))
