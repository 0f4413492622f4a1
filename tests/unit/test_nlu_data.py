"""Checks on the NLU training data and the held-out test split."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.stage import parse_stage

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"

INTENTS = {
    "greet", "goodbye", "affirm", "deny", "thanks", "bot_challenge", "out_of_scope",
    "ask_other_medical", "describe_pain", "inform_stage", "inform_body_area",
    "request_exercises", "ask_how_to", "request_more", "ask_causes", "ask_self_care",
    "ask_exercise_safety", "feedback_helpful", "feedback_not_helpful", "dont_know",
    "ask_warning_signs", "red_flag_emergency", "red_flag_see_soon", "red_flag_resolved",
    "message_too_long", "request_plan", "show_plan", "exercise_hurt", "request_reminder",
    "stop_reminders", "back_better", "back_same", "back_worse",
}  # fmt: skip
# decided by RedFlagScreen alone, so not in the held-out split DIET is scored on
SCREEN_ONLY_INTENTS = {"red_flag_emergency", "red_flag_see_soon", "message_too_long"}
BODY_AREAS = {"lower_back", "mid_back", "upper_back", "neck_shoulders", "hips_pelvis", "glutes"}
TOPICS = {
    "posture", "sitting", "sleep", "lifting", "gear", "heat_cold", "massage",
    "staying_active", "exercise_routine",
}  # fmt: skip
CANONICAL = {"body_area": BODY_AREAS, "self_care_topic": TOPICS}
ENTITIES = {"body_area", "stage", "exercise", "self_care_topic"}
OWN_FILES = [
    "chitchat.yml", "pain.yml", "exercises.yml", "self_care.yml", "feedback.yml", "plan.yml",
]  # fmt: skip
BIG_INTENTS = {
    "describe_pain", "inform_stage", "inform_body_area", "request_exercises", "ask_how_to",
    "ask_self_care",
}  # fmt: skip


def normalise(text: str) -> str:
    """Lower-case, drop punctuation and collapse spaces."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@cache
def training() -> TrainingData:
    return load_data(str(NLU_DIR))


@cache
def heldout() -> TrainingData:
    return load_data(str(HELDOUT))


def _intent_counts(data: TrainingData) -> Counter[str]:
    return Counter(m.get("intent") for m in data.intent_examples)


def test_heldout_not_in_training_data() -> None:
    trained = {normalise(m.get("text")) for m in training().intent_examples}
    leaked = [
        m.get("text") for m in heldout().intent_examples if normalise(m.get("text")) in trained
    ]
    assert leaked == []


def test_heldout_is_outside_data_dir() -> None:
    assert NLU_DIR not in HELDOUT.parents


@pytest.mark.parametrize("intent", sorted(_intent_counts(heldout())))
def test_heldout_intent_has_enough_training_examples(intent: str) -> None:
    assert _intent_counts(training())[intent] >= 20


@pytest.mark.parametrize("intent", sorted(_intent_counts(heldout())))
def test_heldout_size_per_intent(intent: str) -> None:
    assert 6 <= _intent_counts(heldout())[intent] <= 10


def test_heldout_covers_all_intents_diet_decides() -> None:
    expected = INTENTS - SCREEN_ONLY_INTENTS
    assert set(_intent_counts(heldout())) == expected


def test_only_known_intents() -> None:
    assert set(_intent_counts(training())) <= INTENTS
    assert set(_intent_counts(heldout())) <= INTENTS


@pytest.mark.parametrize("name", OWN_FILES)
def test_own_files_counts_and_version(name: str) -> None:
    path = NLU_DIR / name
    assert path.read_text().startswith('version: "3.1"')
    counts = _intent_counts(load_data(str(path)))
    for intent, count in counts.items():
        assert count >= (25 if intent in BIG_INTENTS else 20), intent


def test_no_example_in_two_intents() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for message in training().intent_examples:
        key = normalise(message.get("text"))
        intent = message.get("intent")
        if seen.setdefault(key, intent) != intent:
            clashes.append((message.get("text"), seen[key], intent))
    assert clashes == []


def _annotated(data: TrainingData) -> list[tuple[str, str, str]]:
    """(entity type, span text, value) for every annotation."""
    found = []
    for message in data.training_examples:
        text = message.get("text")
        for entity in message.get("entities") or []:
            span = text[entity["start"] : entity["end"]]
            found.append((entity["entity"], span, str(entity["value"])))
    return found


@pytest.mark.parametrize("source", ["training", "heldout"])
def test_entity_values_map_to_canonical_ids(source: str) -> None:
    data = training() if source == "training" else heldout()
    synonyms = training().entity_synonyms
    bad = []
    for kind, span, value in _annotated(data):
        if kind not in CANONICAL:
            continue
        resolved = value if value in CANONICAL[kind] else synonyms.get(value.lower())
        if resolved not in CANONICAL[kind]:
            bad.append((kind, span, value, resolved))
    assert bad == []


@pytest.mark.parametrize("source", ["training", "heldout"])
def test_stage_annotations_parse(source: str) -> None:
    data = training() if source == "training" else heldout()
    bad = [
        span for kind, span, _ in _annotated(data) if kind == "stage" and parse_stage(span) is None
    ]
    assert bad == []


def test_own_files_use_known_entities() -> None:
    for name in OWN_FILES:
        kinds = {kind for kind, _, _ in _annotated(load_data(str(NLU_DIR / name)))}
        assert kinds <= ENTITIES, name
    assert {kind for kind, _, _ in _annotated(heldout())} <= ENTITIES


def test_synonym_targets_are_canonical() -> None:
    synonyms = load_data(str(NLU_DIR / "synonyms.yml")).entity_synonyms
    assert set(synonyms.values()) <= BODY_AREAS | TOPICS
    assert "back" not in synonyms  # "back" alone is ambiguous: the bot asks which part


def test_own_examples_are_not_overridden_by_red_flag_screen() -> None:
    """RedFlagScreen must leave these examples alone: no reported sign, and no question
    about warning signs outside ask_warning_signs."""
    red_flags = pytest.importorskip("backcare.red_flags")
    detector = red_flags.default_detector()
    messages = [m for name in OWN_FILES for m in load_data(str(NLU_DIR / name)).intent_examples]
    messages += heldout().intent_examples
    overridden = []
    for message in messages:
        screening = detector.screen(message.get("text"))
        asks = screening.asks_about_warning_signs and message.get("intent") != "ask_warning_signs"
        if screening.escalate or asks:
            overridden.append((message.get("intent"), message.get("text")))
    assert overridden == []
