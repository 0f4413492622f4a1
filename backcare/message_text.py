"""What the NLU pipeline reads of a message: invisible characters removed, length limited.

Two documented limits (README, "Input limits"), fixed here rather than read from the
environment so that every deployment, test and evaluation reads messages the same way:

- NLU_MAX_CHARS: the tokenizer, featurizers and DIET read at most this much. DIET's cost grows
  faster than the length (on the 2-core reference machine: 2,000 characters about 0.16 s,
  5,000 about 0.9 s, 10,000 about 4.6 s, 20,000 about 31 s), and a longer text adds nothing to
  finding the intent. The longest field message is about 600 characters.
- SCREEN_MAX_CHARS: the red-flag screen reads this much, so a sign at the end of a long message
  still escalates. Its cost grows with the length (about 0.35 s for 10,000 characters).
  A longer message is answered by asking the person to send it in parts.

Cleaning keeps a sign readable however it was typed or pasted: format characters (zero-width
spaces and joiners, soft hyphens, right-to-left and other direction overrides) are removed,
control characters become spaces, and NFKC folds look-alike letters (full-width, mathematical
bold) into plain ones.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

NLU_MAX_CHARS = 2_000
SCREEN_MAX_CHARS = 10_000
KEPT_CONTROLS = {"\n", "\r", "\t"}


@dataclass(frozen=True)
class PreparedText:
    nlu_text: str
    screen_text: str
    too_long_to_screen: bool


def prepare_text(text: str) -> PreparedText:
    """The cleaned text for the screen and, cut shorter, for the rest of the NLU pipeline."""
    screen_text = clean_text(cut_at_word(text, SCREEN_MAX_CHARS))
    return PreparedText(
        nlu_text=cut_at_word(screen_text, NLU_MAX_CHARS),
        screen_text=screen_text,
        too_long_to_screen=len(text) > SCREEN_MAX_CHARS,
    )


def clean_text(text: str) -> str:
    """Drop format characters and lone surrogates, turn control characters into spaces, and
    fold compatibility characters (NFKC)."""
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if category in ("Cf", "Cs"):
            continue
        kept.append(" " if category == "Cc" and character not in KEPT_CONTROLS else character)
    return unicodedata.normalize("NFKC", "".join(kept))


def cut_at_word(text: str, limit: int) -> str:
    """At most `limit` characters, ending at a word boundary when there is one."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if text[limit].isspace():
        return head
    words = head.rsplit(None, 1)
    return words[0] if len(words) == 2 else head
