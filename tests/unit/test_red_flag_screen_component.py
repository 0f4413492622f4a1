"""Tests for components.red_flag_screen.RedFlagScreen (the second opinion is trained here)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.red_flag_second_opinion import MAYBE_SIGN
from backcare.spacy_pipeline import load_nlp
from components.red_flag_screen import RedFlagScreen
from tests.unit.component_support import create
from tests.unit.red_flag_support import QUIET_BABY


@pytest.fixture()
def screen(tmp_path: Any) -> RedFlagScreen:
    return create(RedFlagScreen, tmp_path)


def _diet_message(
    text: str, ranking: list[tuple[str, float]], entities: list | None = None
) -> Message:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(
        data={
            "text": text,
            "intent": dict(intents[0]),
            "intent_ranking": intents,
            "entities": entities or [],
        }
    )


def _sign_entities(message: Message) -> list[dict]:
    return [e for e in message.get("entities") if e["entity"] == "red_flag_sign"]


def test_emergency_overrides_diet(screen: RedFlagScreen) -> None:
    message = _diet_message(
        "my back hurts and I'm bleeding", [("describe_pain", 0.92), ("ask_causes", 0.05)]
    )
    screen.process([message])
    assert message.get("intent") == {"name": "red_flag_emergency", "confidence": 1.0}
    assert message.get("intent_ranking") == [{"name": "red_flag_emergency", "confidence": 1.0}]
    [entity] = _sign_entities(message)
    assert entity["value"] == "bleeding"
    assert entity["extractor"] == "RedFlagScreen"
    assert message.get("text")[entity["start"] : entity["end"]] == "bleeding"


def _diet_entity(entity: str, value: str, start: int, end: int) -> dict:
    return {"entity": entity, "value": value, "start": start, "end": end, "extractor": "DIET"}


def test_see_soon_keeps_other_entities(screen: RedFlagScreen) -> None:
    area = _diet_entity("body_area", "lower_back", 3, 13)
    message = _diet_message(
        "my lower back hurts and I have a fever and a bad headache",
        [("describe_pain", 0.9)],
        [area],
    )
    screen.process([message])
    assert message.get("intent")["name"] == "red_flag_see_soon"
    text = message.get("text")
    start, end = text.index("fever"), len(text)
    assert message.get("entities") == [
        area,
        {
            "entity": "red_flag_sign",
            "value": "a fever or high temperature and a headache",
            "start": start,
            "end": end,
            "extractor": "RedFlagScreen",
        },
        {"entity": "red_flag_check", "value": "none", "extractor": "RedFlagScreen"},
    ]
    assert text[start:end] == "fever and a bad headache"


def test_several_signs_are_named_most_urgent_first(screen: RedFlagScreen) -> None:
    message = _diet_message("i have a fever and chest pain", [("describe_pain", 0.9)])
    screen.process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"
    [signs] = _sign_entities(message)
    assert signs["value"].startswith("chest pain and ")


def test_question_about_warning_signs(screen: RedFlagScreen) -> None:
    message = _diet_message(
        "when should I call my midwife?", [("ask_exercise_safety", 0.6), ("ask_causes", 0.3)]
    )
    screen.process([message])
    assert message.get("intent") == {"name": "ask_warning_signs", "confidence": 1.0}
    assert _sign_entities(message) == []


def test_asking_whether_to_worry_about_a_stated_pain_is_a_report(screen: RedFlagScreen) -> None:
    text = "31 weeks and my lower back aches all day. should I be worried?"
    entities = [
        _diet_entity("stage", "trimester_3", 0, 8),
        _diet_entity("body_area", "lower_back", 16, 26),
    ]
    ranking = [("ask_warning_signs", 0.7), ("describe_pain", 0.2), ("ask_causes", 0.1)]
    message = _diet_message(text, ranking, entities)
    screen.process([message])
    assert message.get("intent") == {"name": "describe_pain", "confidence": 0.2}
    assert _sign_entities(message) == []
    assert [e["value"] for e in message.get("entities") if e["entity"] == "worry_question"] == [
        "yes"
    ]


def test_asking_whether_to_worry_with_no_stage_or_area_gets_the_list(
    screen: RedFlagScreen,
) -> None:
    message = _diet_message("should I be worried?", [("describe_pain", 0.6), ("greet", 0.4)])
    screen.process([message])
    assert message.get("intent") == {"name": "ask_warning_signs", "confidence": 1.0}
    assert all(e["entity"] != "worry_question" for e in message.get("entities"))


def test_passthrough_without_signs(screen: RedFlagScreen) -> None:
    ranking = [("request_exercises", 0.8), ("describe_pain", 0.15)]
    message = _diet_message("can you suggest stretches for my hips", ranking)
    screen.process([message])
    assert message.get("intent") == {"name": "request_exercises", "confidence": 0.8}
    assert [i["name"] for i in message.get("intent_ranking")] == [
        "request_exercises",
        "describe_pain",
    ]


def test_diet_red_flag_guess_is_replaced(screen: RedFlagScreen) -> None:
    message = _diet_message(
        "no bleeding, just an ache in my lower back",
        [("red_flag_emergency", 0.7), ("describe_pain", 0.2), ("red_flag_see_soon", 0.05)],
    )
    screen.process([message])
    assert message.get("intent") == {"name": "describe_pain", "confidence": 0.2}
    assert [i["name"] for i in message.get("intent_ranking")] == ["describe_pain"]


def test_diet_red_flag_guess_without_alternative(screen: RedFlagScreen) -> None:
    message = _diet_message("hmm", [("red_flag_see_soon", 0.9)])
    screen.process([message])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.0}


def test_stale_screen_entities_are_removed(screen: RedFlagScreen) -> None:
    stale = [
        _diet_entity("red_flag_sign", "bleeding", 0, 5),
        _diet_entity("routine_sign", "pain at night", 6, 11),
        _diet_entity("red_flag_check", "none", 0, 11),
    ]
    message = _diet_message("hello there", [("greet", 0.99)], stale)
    screen.process([message])
    assert message.get("entities") == []


def test_uses_the_spacy_doc_when_present(screen: RedFlagScreen) -> None:
    text = "My waters have gone"
    message = _diet_message(text, [("inform_stage", 0.9)])
    message.set("text_spacy_doc", load_nlp()(text.lower()))
    screen.process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"


def test_fallback_classifier_keeps_the_red_flag(screen: RedFlagScreen) -> None:
    message = _diet_message(
        "I'm having contractions", [("describe_pain", 0.35), ("inform_stage", 0.33)]
    )
    screen.process([message])
    fallback = FallbackClassifier({"threshold": 0.4, "ambiguity_threshold": 0.1})
    fallback.process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"


def test_training_data_is_unchanged(screen: RedFlagScreen) -> None:
    data = TrainingData([Message(data={"text": "I'm bleeding", "intent": "red_flag_emergency"})])
    assert screen.process_training_data(data) is data


def test_routine_sign_is_an_entity_not_an_escalation(screen: RedFlagScreen) -> None:
    message = _diet_message(
        "my lower back has ached for 6 weeks now, 23 wks", [("describe_pain", 0.9)]
    )
    screen.process([message])
    assert message.get("intent") == {"name": "describe_pain", "confidence": 0.9}
    assert not _sign_entities(message)
    routine = [e for e in message.get("entities") if e["entity"] == "routine_sign"]
    assert [e["value"] for e in routine] == ["pain that has lasted for weeks or keeps coming back"]


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("I had some bleeding at 8 weeks", "happening_now"),
        ("I'm bleeding", "bleeding_amount"),
        ("24 weeks and bleeding", "none"),
    ],
)
def test_every_escalation_names_its_refining_question(
    screen: RedFlagScreen, text: str, check: str
) -> None:
    message = _diet_message(text, [("describe_pain", 0.9)])
    screen.process([message])
    checks = [e["value"] for e in message.get("entities") if e["entity"] == "red_flag_check"]
    assert checks == [check]


def test_a_question_about_another_condition_is_not_a_warning_sign_question(
    screen: RedFlagScreen,
) -> None:
    message = _diet_message(
        "does heartburn count as something I should see someone about?",
        [("ask_warning_signs", 0.6), ("ask_other_medical", 0.3)],
    )
    screen.process([message])
    assert message.get("intent") == {"name": "ask_other_medical", "confidence": 0.3}


def test_diets_guess_that_it_stopped_needs_words_that_say_so(screen: RedFlagScreen) -> None:
    greeting = _diet_message("hiii there", [("red_flag_resolved", 0.5), ("greet", 0.4)])
    answer = _diet_message("no, it stopped yesterday", [("red_flag_resolved", 0.9)])
    screen.process([greeting, answer])
    assert greeting.get("intent")["name"] == "greet"
    assert answer.get("intent")["name"] == "red_flag_resolved"


# --- the learned second opinion -----------------------------------------------------------------


@pytest.fixture(scope="module")
def trained_screen(tmp_path_factory: pytest.TempPathFactory) -> RedFlagScreen:
    """A screen trained and loaded as `rasa train` and `rasa run` do (a few NLU examples)."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("RedFlagScreen")
    config = RedFlagScreen.get_default_config()
    context = ExecutionContext(graph_schema=None)  # type: ignore[arg-type]
    untrained = RedFlagScreen.create(config, storage, resource, context)
    examples = [
        Message(data={"text": text, "intent": intent})
        for text, intent in [
            ("my lower back hurts", "describe_pain"),
            ("I'm bleeding", "red_flag_emergency"),
            ("I have a fever", "red_flag_see_soon"),
            ("hi there", "greet"),
        ]
    ]
    assert untrained.train(TrainingData(examples)) == resource
    return RedFlagScreen.load(config, storage, resource, context)


def _check(message: Message) -> str:
    [check] = [e["value"] for e in message.get("entities") if e["entity"] == "red_flag_check"]
    return check


def test_second_opinion_escalates_what_the_rules_miss(trained_screen: RedFlagScreen) -> None:
    message = _diet_message(QUIET_BABY, [("describe_pain", 0.95)])
    trained_screen.process([message])
    assert message.get("intent") == {"name": "red_flag_emergency", "confidence": 1.0}
    assert [e["value"] for e in _sign_entities(message)] == [MAYBE_SIGN]
    assert _check(message) == "maybe"


def test_rules_decide_before_the_second_opinion(trained_screen: RedFlagScreen) -> None:
    message = _diet_message(
        "33 weeks and my back aches, and this morning I noticed I'm bleeding a little",
        [("describe_pain", 0.95)],
    )
    trained_screen.process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"
    assert [e["value"] for e in _sign_entities(message)] == ["bleeding"]
    assert _check(message) != "maybe"


def test_ordinary_message_passes_the_second_opinion(trained_screen: RedFlagScreen) -> None:
    message = _diet_message(
        "26 weeks and my lower back aches after a long day on my feet, any stretches?",
        [("request_exercises", 0.9)],
    )
    trained_screen.process([message])
    assert message.get("intent")["name"] == "request_exercises"
    assert not _sign_entities(message)


def test_fingerprint_follows_the_field_messages(tmp_path: Any) -> None:
    """Rasa retrains the screen when the messages it learns from change."""
    messages = tmp_path / "messages.yml"
    messages.write_text("- {id: X1, text: hi, urgency: none}\n")
    config = {"second_opinion_messages": str(messages)}
    before = RedFlagScreen.fingerprint_addon(config)
    messages.write_text("- {id: X1, text: hello, urgency: none}\n")
    assert RedFlagScreen.fingerprint_addon(config) not in (None, before)
