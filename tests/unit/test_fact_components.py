"""The components that make stage and area facts win: BodyAreaExtractor, PainIntentResolver."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from components.body_area_extractor import BodyAreaExtractor
from components.pain_intent_resolver import PainIntentResolver
from tests.unit.component_support import create


@pytest.fixture()
def extractor(tmp_path: Any) -> BodyAreaExtractor:
    return create(BodyAreaExtractor, tmp_path)


@pytest.fixture()
def resolver(tmp_path: Any) -> PainIntentResolver:
    return create(PainIntentResolver, tmp_path)


def _areas(message: Message) -> list[str]:
    return [e["value"] for e in message.get("entities") if e["entity"] == "body_area"]


def test_lexicon_areas_replace_diets(extractor: BodyAreaExtractor) -> None:
    diet = {"entity": "body_area", "value": "lower_back", "start": 30, "end": 35}
    message = Message(data={"text": "sorry, I meant my upper back, not lower", "entities": [diet]})
    extractor.process([message])
    assert _areas(message) == ["upper_back"]
    (entity,) = message.get("entities")
    assert entity["extractor"] == "BodyAreaExtractor" and entity["start"] == 18


def test_diet_areas_stay_when_the_lexicon_finds_none(extractor: BodyAreaExtractor) -> None:
    diet = {"entity": "body_area", "value": "neck_shoulders", "start": 0, "end": 6}
    stray = {"entity": "body_area", "value": "topper", "start": 10, "end": 16}
    other = {"entity": "stage", "value": "trimester_2", "start": 20, "end": 28}
    message = Message(
        data={"text": "scruff and topper at 20 weeks", "entities": [diet, stray, other]}
    )
    extractor.process([message])
    assert message.get("entities") == [diet, other]


@pytest.mark.parametrize(
    "intent", ["nlu_fallback", "out_of_scope", "greet", "affirm", "deny", "red_flag_resolved"]
)
def test_facts_turn_a_fallback_into_describe_pain(
    resolver: PainIntentResolver, intent: str
) -> None:
    message = Message(
        data={
            "text": "31w my bum",
            "intent": {"name": intent, "confidence": 0.3},
            "intent_ranking": [{"name": intent, "confidence": 0.3}],
            "entities": [{"entity": "body_area", "value": "glutes"}],
        }
    )
    resolver.process([message])
    assert message.get("intent") == {"name": "describe_pain", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "describe_pain"


def test_questions_and_messages_without_facts_are_left_alone(resolver: PainIntentResolver) -> None:
    asked = Message(
        data={
            "text": "how do I do clams at 20 weeks",
            "intent": {"name": "ask_how_to", "confidence": 0.9},
            "entities": [{"entity": "stage", "value": "trimester_2"}],
        }
    )
    unclear = Message(data={"text": "asdf", "intent": {"name": "nlu_fallback", "confidence": 0.4}})
    resolver.process([asked, unclear])
    assert asked.get("intent")["name"] == "ask_how_to"
    assert unclear.get("intent")["name"] == "nlu_fallback"


@pytest.mark.parametrize(("intent", "confidence"), [("nlu_fallback", 0.4), ("greet", 0.3)])
def test_an_unsure_question_whether_a_named_exercise_is_safe_is_a_safety_question(
    resolver: PainIntentResolver, intent: str, confidence: float
) -> None:
    message = Message(
        data={
            "text": "are glute bridges ok at 22 weeks?",
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
            "entities": [
                {"entity": "exercise", "value": "glute_bridge"},
                {"entity": "stage", "value": "trimester_2"},
            ],
        }
    )
    resolver.process([message])
    assert message.get("intent") == {"name": "ask_exercise_safety", "confidence": 1.0}


def test_a_medicine_question_stays_a_medical_question(resolver: PainIntentResolver) -> None:
    def ask(text: str) -> str:
        message = Message(
            data={
                "text": text,
                "intent": {"name": "ask_other_medical", "confidence": 0.7},
                "entities": [{"entity": "stage", "value": "trimester_3"}],
            }
        )
        resolver.process([message])
        return message.get("intent")["name"]

    assert ask("is paracetamol ok at 30 weeks for my back?") == "ask_other_medical"
    assert ask("30 weeks, my neck is stiff from looking down, what helps?") == "describe_pain"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # asking whether an exercise is OK, with a sore area named, is a safety question
        ("are bridges ok? lower back is a bit achy", "ask_exercise_safety"),
        ("cat cow alright to do with a stiff neck?", "ask_exercise_safety"),
        ("is it safe to keep doing clams, hips are sore", "ask_exercise_safety"),
        # saying that doing it hurt is the report that drops it from the plan
        ("the clams made my hip sore", "exercise_hurt"),
        ("are bridges ok? they hurt my back yesterday", "exercise_hurt"),
        ("did the wall angels, shoulder felt fine but then it hurt", "exercise_hurt"),
    ],
)
def test_a_safety_question_is_not_a_report_that_an_exercise_hurt(
    resolver: PainIntentResolver, text: str, expected: str
) -> None:
    message = Message(
        data={
            "text": text,
            "intent": {"name": "exercise_hurt", "confidence": 0.6},
            "intent_ranking": [
                {"name": "exercise_hurt", "confidence": 0.6},
                {"name": "ask_exercise_safety", "confidence": 0.3},
            ],
            "entities": [{"entity": "body_area", "value": "hips_pelvis"}],
        }
    )
    resolver.process([message])
    assert message.get("intent")["name"] == expected
    ranking = [ranked["name"] for ranked in message.get("intent_ranking")]
    assert ranking[0] == expected and len(ranking) == len(set(ranking)) == 2
