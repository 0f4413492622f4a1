"""Find the body areas a message names, deterministically, with everyday words and typos.

The vocabulary is the body-area part of the NLU synonyms (`data/nlu/synonyms.yml`), so DIET's
synonym mapping and this lexicon read one table. Words match case-insensitively, with "my",
"the", "her"... interchangeable, a plural "s" ignored and one typo allowed in words of five
letters or more. An area that is named only to be denied ("my upper back, not lower", "not
my hips") is left out, so a correction replaces the area instead of adding to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from backcare.knowledge_base import AREAS, load_knowledge_base
from backcare.text import edit_distance

SYNONYMS_PATH = Path(__file__).resolve().parent.parent / "data" / "nlu" / "synonyms.yml"

DETERMINERS = frozenset({"my", "the", "her", "your", "his", "our", "their", "me"})
NEGATIONS = frozenset({"not", "no", "nt", "isnt", "never", "without"})
# "upper back, not lower": a bare modifier after a negation denies the area it would complete.
MODIFIER_AREAS = {
    "lower": "lower_back",
    "low": "lower_back",
    "upper": "upper_back",
    "top": "upper_back",
    "mid": "mid_back",
    "middle": "mid_back",
}
MIN_FUZZY_LENGTH = 5
_TOKEN = re.compile(r"[a-z0-9&]+")
BACK_AREAS = frozenset({"lower_back", "mid_back", "upper_back"})
# Sciatica starts in the low back and runs through the buttock (glutes, its synonym) into the
# leg, so it names the low back too.
ALSO_LOW_BACK = frozenset({"sciatica", "sciatic"})
# "My back hurts", "backache", "wrecking my back": the back with no part named is the low
# back, where the guides say pregnancy and postpartum back pain is by far the most common (the
# reply names the area, so "I meant my upper back" is one message away). "Lie on my back",
# "back to work" and "the back of my leg" are not about back pain.
GENERIC_BACK = re.compile(
    r"\bback\s*(?:ache|aches|aching|pain|pains|hurts?|hurting|spasms?|twinges?|problems?)\b"
    r"|\b(?:my|her)\s+back\s*(?:and|&|,|/)|\bbackaches?\b|\bback is\b|\bback'?s\b"
    r"|\bback (?:feels|has been|gets|was|went)\b|\b(?:my|her)\s+(?:whole\s+|entire\s+)?spine\b"
    r"|\b(?:whole|entire)\s+back\b|\bside\s+of\s+(?:my|her)\s+back\b"
    r"|\bback\s+(?:\w+\s+){0,2}(?:aches?|aching|achy|hurts?|hurting|sore|killing|kills|painful"
    r"|stiff|tight|twinges?|spasms?)\b|\bput\s+(?:my|her)\s+back\s+out\b"
    r"|\b(?:sore|achy|aching|bad|painful|stiff|tight|wrecked|killing|hurt|hurting|wrecking"
    r"|wreck|destroying|destroyed|kills|killed|does|do|for|in|with)\s+(?:my|her|the)?\s*back\b"
    r"(?!\s*(?:of|to|on|in|from|home|up|down|together|then))"
)


@dataclass(frozen=True)
class AreaMention:
    """One area named in a text, with the character span of the words that named it."""

    area: str
    start: int
    end: int


@lru_cache(maxsize=1)
def area_phrases(path: Path = SYNONYMS_PATH) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(area id, phrase tokens) pairs, longest phrases first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    phrases: list[tuple[str, tuple[str, ...]]] = []
    for entry in data.get("nlu") or []:
        area = entry.get("synonym")
        if area not in AREAS:
            continue
        examples = [line[2:].strip() for line in entry["examples"].splitlines() if line.strip()]
        for example in [area.replace("_", " "), *examples]:
            tokens = tuple(_TOKEN.findall(example.lower().replace("-", " ")))
            if tokens:
                phrases.append((area, tokens))
    phrases.sort(key=lambda item: -len(item[1]))
    return tuple(phrases)


@lru_cache(maxsize=1 << 16)
def _same_word(word: str, wanted: str) -> bool:
    """Whether a message word stands for a vocabulary word (cached: it runs on every message
    for every phrase position)."""
    if word == wanted or (word in DETERMINERS and wanted in DETERMINERS):
        return True
    if word.rstrip("s") == wanted.rstrip("s") and len(wanted) > 3:
        return True
    # one typo in a longer word, never in its first letter ("wraps" is not "traps")
    if (
        len(wanted) >= MIN_FUZZY_LENGTH
        and abs(len(word) - len(wanted)) <= 1
        and word[:1] == wanted[:1]
    ):
        return edit_distance(word, wanted) <= 1
    return False


@lru_cache(maxsize=1)
def _exercise_phrases() -> tuple[tuple[str, ...], ...]:
    """Exercise names and aliases as tokens: "pelvic tilt" names an exercise, not the pelvis."""
    kb = load_knowledge_base()
    phrases = {
        tuple(_TOKEN.findall(phrase.lower().replace("-", " ")))
        for exercise in kb.exercises.values()
        for phrase in (exercise.name, *exercise.aliases)
    }
    return tuple(sorted((p for p in phrases if p), key=len, reverse=True))


# "My main gripe is my back", "is a ball good for your back?": a person's back in a message
# about pain or care (not "lying on my back").
PERSONS_BACK = re.compile(r"\b(?:my|her|your)\s+back\b(?!\s*(?:to|home|then))")
BACK_CARE_WORDS = re.compile(
    r"\b(?:ache|aches|achy|aching|hurt|hurts|hurting|sore|pain|painful|stiff|tight|gripe|issue"
    r"|problem|stretch|stretches|exercise|exercises|good for|help|helps|support|killing|wrecked"
    r"|hot water bottle|heat pad|heat|ice|massage|pillow|belt|tens|machine|brace|tape|taping|cream"
    r"|gel|rub|patch|patches)\b"
)


def find_areas(text: str) -> list[AreaMention]:
    """The areas the text names, in order of first mention, denied ones left out."""
    lowered = text.lower().replace("’", "'").replace("n't", " nt").replace("-", " ")
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(lowered)]
    words = [word for word, _, _ in tokens]
    taken = [False] * len(words)
    starts = _starts(words)
    for phrase in _exercise_phrases():
        size = len(phrase)
        for i in starts(phrase[0]):
            if i + size > len(words):
                continue
            if tuple(words[i : i + size]) == phrase or (
                size > 1 and all(_same_word(words[i + k], phrase[k]) for k in range(size))
            ):
                for k in range(size):
                    taken[i + k] = True
    found: dict[str, AreaMention] = {}
    denied: set[str] = set()
    for area, phrase in area_phrases():
        size = len(phrase)
        for i in starts(phrase[0]):
            if i + size > len(words) or any(taken[i : i + size]):
                continue
            if all(_same_word(words[i + k], phrase[k]) for k in range(size)):
                for k in range(size):
                    taken[i + k] = True
                if _negated(words, i):
                    denied.add(area)
                elif area not in found:
                    found[area] = AreaMention(area, tokens[i][1], tokens[i + size - 1][2])
    for i, word in enumerate(words[:-1]):
        if word in NEGATIONS:
            following = (
                words[i + 1]
                if words[i + 1] not in DETERMINERS
                else words[min(i + 2, len(words) - 1)]
            )
            if following in MODIFIER_AREAS and found:
                denied.add(MODIFIER_AREAS[following])
    sciatica = next((i for i, word in enumerate(words) if word in ALSO_LOW_BACK), None)
    if sciatica is not None and "lower_back" not in found and "lower_back" not in denied:
        _, start, end = tokens[sciatica]
        found["lower_back"] = AreaMention("lower_back", start, end)
    if not (BACK_AREAS & (set(found) | denied)):
        lying_on = re.compile(
            r"\b(?:lie|lying|lay|laying|sleep|sleeping|flat|rest|resting)\s+on\s+"
            r"(?:(?:my|her|your|the)\s*)?$"
        )
        backs = [*GENERIC_BACK.finditer(lowered)]
        if BACK_CARE_WORDS.search(lowered):
            backs += PERSONS_BACK.finditer(lowered)
        generic = next((m for m in backs if not lying_on.search(lowered[: m.start()])), None)
        if generic:
            found["lower_back"] = AreaMention("lower_back", generic.start(), generic.end())
    kept = [mention for area, mention in found.items() if area not in denied]
    return sorted(kept, key=lambda mention: mention.start)


def _starts(words: list[str]) -> Callable[[str], list[int]]:
    """Positions where a phrase's first word can match, per first word: phrases are only tried
    there, instead of at every position (this runs on every message)."""
    cache: dict[str, list[int]] = {}

    def positions(first: str) -> list[int]:
        if first not in cache:
            cache[first] = [i for i, word in enumerate(words) if _same_word(word, first)]
        return cache[first]

    return positions


def _negated(words: list[str], start: int) -> bool:
    """'not my lower back', 'no hip pain': a negation right before the phrase."""
    i = start - 1
    while i >= 0 and words[i] in DETERMINERS:
        i -= 1
    return i >= 0 and words[i] in NEGATIONS and start - i <= 2
