"""The warning signs and their phrasings, read from red_flag_phrases.yml and checked.

The file's header describes the pattern language and every key; reading rejects unknown keys
and signs without a label, a known urgency, sources or phrases, so the screen never runs on
half-read data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from backcare.urgency import Urgency

PHRASES_PATH = Path(__file__).with_name("red_flag_phrases.yml")
TOP_LEVEL_KEYS = {
    "lemma_overrides",
    "misspellings",
    "real_words",
    "signs",
    "warning_sign_questions",
    "worry_questions",
    "curiosity_questions",
}
SIGN_KEYS = {
    "id",
    "label",
    "list_label",
    "urgency",
    "sources",
    "phrases",
    "concepts",
    "message_concepts",
    "except",
    "event",
    "writer_may_be_object",
    "pronouns_mean_baby",
}


@dataclass(frozen=True)
class RedFlagSign:
    """One warning sign; `label` is the plain wording used in replies."""

    id: str
    label: str
    urgency: Urgency


@dataclass(frozen=True)
class SignEntry:
    """A sign with the patterns that find it (see the header of red_flag_phrases.yml).

    Each concept is a pair of pattern lists: the sign fires when a pattern of each stands
    close together in one sentence; for a message concept, anywhere in the message.
    """

    sign: RedFlagSign
    list_label: str
    phrases: tuple[str, ...]
    exceptions: tuple[str, ...]
    concepts: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    message_concepts: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    event: bool
    writer_may_be_object: bool
    pronouns_mean_baby: bool


@dataclass(frozen=True)
class PhraseBook:
    """Everything in red_flag_phrases.yml."""

    signs: tuple[SignEntry, ...]
    lemma_overrides: dict[str, str]
    misspellings: dict[str, str]
    real_words: frozenset[str]
    warning_sign_questions: tuple[str, ...]
    worry_questions: tuple[str, ...] = ()
    curiosity_questions: tuple[str, ...] = ()


def read_phrase_book(path: Path = PHRASES_PATH) -> PhraseBook:
    """Read and check the sign data; raises ValueError naming the sign at fault."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not set(data) <= TOP_LEVEL_KEYS or "signs" not in data:
        raise ValueError(f"{path.name}: expected 'signs' and only {sorted(TOP_LEVEL_KEYS)}")
    return PhraseBook(
        signs=tuple(_sign_entry(path, raw) for raw in data["signs"]),
        lemma_overrides=dict(data.get("lemma_overrides") or {}),
        misspellings=dict(data.get("misspellings") or {}),
        real_words=frozenset(data.get("real_words") or []),
        warning_sign_questions=tuple(data.get("warning_sign_questions") or []),
        worry_questions=tuple(data.get("worry_questions") or []),
        curiosity_questions=tuple(data.get("curiosity_questions") or []),
    )


def _sign_entry(path: Path, raw: Any) -> SignEntry:
    sign_id = raw.get("id") if isinstance(raw, dict) else None
    where = f"{path.name}: sign {sign_id!r}"
    if not isinstance(sign_id, str) or not sign_id:
        raise ValueError(f"{where}: every sign needs an id")
    unknown = set(raw) - SIGN_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ValueError(f"{where}: needs a label")
    try:
        urgency = Urgency(raw.get("urgency"))
    except ValueError:
        raise ValueError(f"{where}: urgency must be one of {[u.value for u in Urgency]}") from None
    if not raw.get("sources") or not raw.get("phrases"):
        raise ValueError(f"{where}: needs sources and phrases")
    flags = {
        key: raw.get(key, False) for key in ("event", "writer_may_be_object", "pronouns_mean_baby")
    }
    if not all(isinstance(value, bool) for value in flags.values()):
        raise ValueError(f"{where}: {', '.join(flags)} must be true or false")
    return SignEntry(
        sign=RedFlagSign(sign_id, label, urgency),
        list_label=raw.get("list_label") or label,
        phrases=tuple(raw["phrases"]),
        exceptions=tuple(raw.get("except") or []),
        concepts=_concepts(raw.get("concepts")),
        message_concepts=_concepts(raw.get("message_concepts")),
        **flags,
    )


def _concepts(raw: Any) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Concept pairs, each part a pattern or a list of patterns."""
    return tuple((_patterns(part_a), _patterns(part_b)) for part_a, part_b in raw or [])


def _patterns(part: str | list[str]) -> tuple[str, ...]:
    """One concept part: a pattern or a list of patterns."""
    return (part,) if isinstance(part, str) else tuple(part)
