from __future__ import annotations

import pytest

from actions.feedback import ActionRecordFeedback
from actions.guidance import ActionExerciseSafety, ActionExplainCauses, ActionSelfCareTips
from backcare.knowledge_base import load_knowledge_base
from backcare.replies import causes_reply, exercise_safety_reply, feedback_reply, tips_reply
from tests.actions.support import exercise_entity, make_tracker, run_action, said, sent, slot_events


@pytest.mark.parametrize(
    ("slots", "areas", "stage"),
    [
        ({"stage": "trimester_2", "body_areas": ["upper_back"]}, ["upper_back"], "trimester_2"),
        ({}, [], None),
    ],
)
def test_causes_for_the_slots_cite_their_sources(slots, areas, stage) -> None:
    tracker = make_tracker("why does my back hurt", intent="ask_causes", **slots)
    _, messages = run_action(ActionExplainCauses(), tracker)
    assert said(messages) == [sent(causes_reply(load_knowledge_base(), areas, stage))]


def test_causes_name_the_area_and_stage() -> None:
    reply = causes_reply(load_knowledge_base(), ["upper_back"], "trimester_2")
    assert reply.text.startswith("Common reasons for upper back pain in your second trimester")


def test_sleep_tips_come_from_the_latest_message() -> None:
    tracker = make_tracker(
        "tips for sleeping",
        intent="ask_self_care",
        entities=[{"entity": "self_care_topic", "value": "sleep"}],
        stage="trimester_3",
    )
    _, messages = run_action(ActionSelfCareTips(), tracker)
    assert said(messages) == [sent(tips_reply(load_knowledge_base(), "sleep", "trimester_3"))]
    assert messages[0]["text"].startswith("Tips on sleep:")


def test_no_topic_offers_a_menu() -> None:
    _, messages = run_action(
        ActionSelfCareTips(), make_tracker("any tips?", intent="ask_self_care")
    )
    assert said(messages) == [sent(tips_reply(load_knowledge_base(), None))]
    assert messages[0]["buttons"][0] == {
        "title": "Sleep",
        "payload": '/ask_self_care{"self_care_topic": "sleep"}',
    }


def test_exercise_safety_in_general_gives_the_guides_cautions() -> None:
    _, messages = run_action(ActionExerciseSafety(), make_tracker(intent="ask_exercise_safety"))
    assert said(messages) == [sent(exercise_safety_reply(load_knowledge_base()))]


def test_a_named_exercise_is_checked_against_the_stage() -> None:
    tracker = make_tracker(
        "are glute bridges ok at 22 weeks?",
        intent="ask_exercise_safety",
        entities=exercise_entity("glute_bridge"),
        stage="trimester_2",
    )
    _, messages = run_action(ActionExerciseSafety(), tracker)
    kb = load_knowledge_base()
    expected = exercise_safety_reply(kb, "trimester_2", kb.exercises["glute_bridge"])
    assert said(messages) == [sent(expected)]
    assert "They don't suggest it for the second trimester" in messages[0]["text"]


@pytest.mark.parametrize(
    ("intent", "helpful"),
    [("feedback_helpful", True), ("affirm", True), ("feedback_not_helpful", False)],
)
def test_feedback_is_recorded_in_a_slot(intent: str, helpful: bool) -> None:
    events, messages = run_action(ActionRecordFeedback(), make_tracker(intent=intent))
    assert slot_events(events) == {"feedback": "helpful" if helpful else "not_helpful"}
    assert said(messages) == [sent(feedback_reply(helpful))]
