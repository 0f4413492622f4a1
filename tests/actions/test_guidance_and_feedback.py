from __future__ import annotations

from actions.feedback import ActionRecordFeedback
from actions.guidance import ActionExerciseSafety, ActionExplainCauses, ActionSelfCareTips
from backcare.knowledge_base import load_knowledge_base
from backcare.replies import exercise_safety_reply
from tests.actions.support import make_tracker, run_action, slot_events


def test_causes_for_upper_back_in_pregnancy_cite_sources() -> None:
    tracker = make_tracker(
        "why does my upper back hurt",
        intent="ask_causes",
        stage="trimester_2",
        body_areas=["upper_back"],
    )
    _, messages = run_action(ActionExplainCauses(), tracker)
    text = messages[0]["text"]
    assert text.startswith("Common reasons for upper back pain in your second trimester")
    assert "Source" in text


def test_causes_without_slots_still_answer() -> None:
    _, messages = run_action(ActionExplainCauses(), make_tracker(intent="ask_causes"))
    assert "Source" in messages[0]["text"]


def test_sleep_tips_come_from_the_latest_message() -> None:
    tracker = make_tracker(
        "tips for sleeping",
        intent="ask_self_care",
        entities=[{"entity": "self_care_topic", "value": "sleep"}],
    )
    _, messages = run_action(ActionSelfCareTips(), tracker)
    assert messages[0]["text"].startswith("Tips on sleep:")
    assert "pillow" in messages[0]["text"].lower()


def test_no_topic_offers_a_menu() -> None:
    _, messages = run_action(
        ActionSelfCareTips(), make_tracker("any tips?", intent="ask_self_care")
    )
    assert len(messages[0]["buttons"]) >= 5


def test_exercise_safety_mentions_the_provider_and_frequency() -> None:
    _, messages = run_action(ActionExerciseSafety(), make_tracker(intent="ask_exercise_safety"))
    text = messages[0]["text"]
    assert "provider" in text and "week" in text


def test_feedback_is_recorded_in_a_slot() -> None:
    events, messages = run_action(
        ActionRecordFeedback(), make_tracker(intent="feedback_not_helpful")
    )
    assert slot_events(events) == {"feedback": "not_helpful"}
    assert "physical therapist" in messages[0]["text"]
    events, _ = run_action(ActionRecordFeedback(), make_tracker(intent="affirm"))
    assert slot_events(events) == {"feedback": "helpful"}


def test_a_named_exercise_is_checked_against_the_stage() -> None:
    tracker = make_tracker(
        "are glute bridges ok at 22 weeks?",
        intent="ask_exercise_safety",
        entities=[{"entity": "exercise", "value": "glute_bridge"}],
        stage="trimester_2",
    )
    _, messages = run_action(ActionExerciseSafety(), tracker)
    kb = load_knowledge_base()
    assert (
        messages[0]["text"]
        == exercise_safety_reply(kb, "trimester_2", kb.exercises["glute_bridge"]).text
    )
    assert "They don't suggest it for the second trimester" in messages[0]["text"]
