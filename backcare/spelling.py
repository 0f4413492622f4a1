"""Correct misspelled keywords in a message (the red-flag screen's sign words)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from backcare.text import edit_distance

MIN_CORRECTION_LENGTH = 5


class SpellingCorrector:
    """Maps misspelled keywords to the keyword they were meant to be.

    Explicit misspellings first; otherwise a word of at least MIN_CORRECTION_LENGTH letters
    that is not a known English word is replaced by the keyword one edit away (two for
    keywords of 8+ letters), found through a symmetric single-deletion index.
    """

    def __init__(
        self, keywords: Iterable[str], is_known: Callable[[str], bool], explicit: dict[str, str]
    ) -> None:
        self._explicit = explicit
        self._is_known = is_known
        self._keywords = frozenset(w for w in keywords if len(w) >= MIN_CORRECTION_LENGTH)
        self._index: dict[str, set[str]] = {}
        for keyword in self._keywords:
            for variant in _deletions(keyword):
                self._index.setdefault(variant, set()).add(keyword)
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """The corrected word, or `word` itself."""
        if word in self._explicit:
            return self._explicit[word]
        if len(word) < MIN_CORRECTION_LENGTH or not word.isalpha() or word in self._keywords:
            return word
        cached = self._cache.get(word)
        if cached is None:
            cached = word if self._is_known(word) else self._nearest_keyword(word)
            self._cache[word] = cached
        return cached

    def _nearest_keyword(self, word: str) -> str:
        candidates: set[str] = set()
        for variant in _deletions(word):
            candidates |= self._index.get(variant, set())
        scored = sorted((edit_distance(word, c), c) for c in candidates)
        if scored and scored[0][0] <= (1 if len(scored[0][1]) < 8 else 2):
            return scored[0][1]
        return word


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}
