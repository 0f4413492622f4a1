"""Find the exercise a message refers to, by id, name or alias, tolerating small typos."""

from __future__ import annotations

import re

from backcare.knowledge_base import Exercise, KnowledgeBase
from backcare.text import edit_distance

_APOSTROPHES = re.compile(r"['\u2018\u2019`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def find_exercise(kb: KnowledgeBase, text: str) -> Exercise | None:
    """The exercise named in `text` (exactly, or with a small typo), or None.

    The longest phrase found word-for-word wins; otherwise the closest phrase within the
    allowed number of edits. Short single words must match exactly to avoid false hits.
    """
    words = normalise(text).split()
    phrases = _phrases(kb)
    exact = [
        (len(phrase.split()), exercise_id)
        for phrase, exercise_id in phrases.items()
        if _contains(words, phrase.split())
    ]
    if exact:
        return kb.exercises[max(exact, key=lambda match: match[0])[1]]
    fuzzy = []
    for phrase, exercise_id in phrases.items():
        allowed = _allowed_edits(phrase)
        if not allowed:
            continue
        size = len(phrase.split())
        for start in range(len(words) - size + 1):
            distance = edit_distance(" ".join(words[start : start + size]), phrase)
            if distance <= allowed:
                fuzzy.append((distance, -size, exercise_id))
    return kb.exercises[min(fuzzy)[2]] if fuzzy else None


def normalise(text: str) -> str:
    """Lower-case words without apostrophes or punctuation, with plurals reduced."""
    text = _APOSTROPHES.sub("", text.lower())
    return " ".join(_singular(word) for word in _NON_WORD.sub(" ", text).split())


def _phrases(kb: KnowledgeBase) -> dict[str, str]:
    """Normalised id, name and aliases -> exercise id."""
    phrases = {}
    for exercise in kb.exercises.values():
        for phrase in (exercise.id.replace("_", " "), exercise.name, *exercise.aliases):
            phrases[normalise(phrase)] = exercise.id
    return phrases


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _contains(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return any(words[start : start + size] == phrase for start in range(len(words) - size + 1))


def _allowed_edits(phrase: str) -> int:
    """No typos in short single words (e.g. 'walking' vs 'talking'); one or two otherwise."""
    if " " not in phrase and len(phrase) < 9:
        return 0
    return 1 if len(phrase) < 12 else 2
