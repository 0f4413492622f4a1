"""The word lists the red-flag screen reads a mention's context by, from red_flag_words.yml.

Reading checks the file: every list the screen needs is there, nothing else is, and each holds
lower-case single tokens, so a typo in the data fails on load instead of silently screening less.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import yaml

WORDS_PATH = Path(__file__).with_name("red_flag_words.yml")


@dataclass(frozen=True)
class ContextWords:
    """One frozen set per list in red_flag_words.yml (its comments say what each is for)."""

    negation_lemmas: frozenset[str]
    pseudo_negation_next: frozenset[str]
    scope_break_lemmas: frozenset[str]
    clause_joiners: frozenset[str]
    gap_stop_lemmas: frozenset[str]
    first_person: frozenset[str]
    possessives: frozenset[str]
    first_person_subjects: frozenset[str]
    mine_as_subject: frozenset[str]
    third_person: frozenset[str]
    not_adults: frozenset[str]
    other_subjects: frozenset[str]
    pronouns: frozenset[str]
    on_behalf_person: frozenset[str]
    report_markers: frozenset[str]
    hypothetical_lemmas: frozenset[str]
    doubt_before_if: frozenset[str]
    question_starts: frozenset[str]
    report_openers: frozenset[str]
    past_report_verbs: frozenset[str]


def read_words(path: Path = WORDS_PATH) -> ContextWords:
    """Read and check the word lists; raises ValueError naming the list at fault."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    expected = [f.name for f in fields(ContextWords)]
    if not isinstance(data, dict) or set(data) != set(expected):
        found = set(data) if isinstance(data, dict) else set()
        missing, unknown = set(expected) - found, found - set(expected)
        raise ValueError(
            f"{path.name}: lists missing: {sorted(missing)}, unknown lists: {sorted(unknown)}"
        )
    for name in expected:
        words = data[name]
        if not isinstance(words, list) or not words:
            raise ValueError(f"{path.name}: '{name}' must be a non-empty list")
        bad = [w for w in words if not isinstance(w, str) or w != w.strip().lower() or " " in w]
        if bad or len(set(words)) != len(words):
            raise ValueError(f"{path.name}: '{name}' needs distinct lower-case tokens: {bad}")
    return ContextWords(**{name: frozenset(data[name]) for name in expected})


WORDS = read_words()
