from __future__ import annotations

from actions.recommendations import ActionMoreExercises, ActionRecommendExercises
from backcare.knowledge_base import load_knowledge_base
from tests.actions.support import make_tracker, run_action, slot_events


def test_recommends_exercises_suitable_for_the_stage_and_records_them() -> None:
    tracker = make_tracker(stage="trimester_2", body_areas=["upper_back"])
    events, messages = run_action(ActionRecommendExercises(), tracker)
    shown = slot_events(events)["shown_exercises"]
    kb = load_knowledge_base()
    assert 2 <= len(shown) <= 3
    assert all("trimester_2" in kb.exercises[exercise_id].stages for exercise_id in shown)
    text = messages[0]["text"]
    assert all(kb.exercises[exercise_id].name in text for exercise_id in shown)
    assert "Source" in text
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert "/request_more" in payloads and "/ask_causes" in payloads


def test_missing_slots_still_give_safe_all_stage_exercises() -> None:
    events, messages = run_action(ActionRecommendExercises(), make_tracker())
    kb = load_knowledge_base()
    for exercise_id in slot_events(events)["shown_exercises"]:
        assert set(kb.exercises[exercise_id].stages) >= {
            "trimester_1",
            "trimester_2",
            "trimester_3",
            "postpartum",
        }
    assert messages and messages[0]["text"]


def test_skipped_stage_recommends_only_exercises_for_every_stage() -> None:
    tracker = make_tracker(stage="unknown", body_areas=["general"])
    events, _ = run_action(ActionRecommendExercises(), tracker)
    kb = load_knowledge_base()
    shown = slot_events(events)["shown_exercises"]
    assert shown
    assert all(len(kb.exercises[exercise_id].stages) == 4 for exercise_id in shown)


def test_reminder_comes_first_after_an_escalation() -> None:
    tracker = make_tracker(
        stage="trimester_3", body_areas=["lower_back"], red_flag_signs="bleeding"
    )
    _, messages = run_action(ActionRecommendExercises(), tracker)
    assert messages[0]["text"].startswith("First, a reminder: earlier you mentioned bleeding")


def test_more_never_repeats_and_says_when_none_are_left() -> None:
    shown: list[str] = []
    for _ in range(20):
        tracker = make_tracker(stage="postpartum", body_areas=["lower_back"], shown_exercises=shown)
        events, messages = run_action(ActionMoreExercises(), tracker)
        now_shown = slot_events(events)["shown_exercises"]
        new = now_shown[len(shown) :]
        assert not set(new) & set(shown)
        if not new:
            assert "That's all the exercises" in messages[0]["text"]
            break
        shown = now_shown
    else:
        raise AssertionError("paging never ran out")
    assert len(shown) >= 2


def test_a_message_without_new_facts_moves_on_instead_of_repeating() -> None:
    first, _ = run_action(
        ActionRecommendExercises(), make_tracker(stage="trimester_3", body_areas=["lower_back"])
    )
    shown = slot_events(first)["shown_exercises"]
    tracker = make_tracker(
        "no bleeding or anything, just achy",
        intent="describe_pain",
        stage="trimester_3",
        body_areas=["lower_back"],
        shown_exercises=shown,
    )
    events, messages = run_action(ActionRecommendExercises(), tracker)
    now_shown = slot_events(events)["shown_exercises"]
    assert now_shown[: len(shown)] == shown
    assert not set(now_shown[len(shown) :]) & set(shown)
    assert messages[0]["text"].startswith("Here are some more")


def test_a_corrected_stage_starts_a_fresh_set() -> None:
    tracker = make_tracker(
        "actually I'm 30 weeks",
        intent="inform_stage",
        entities=[{"entity": "stage", "value": "trimester_3"}],
        stage="trimester_3",
        body_areas=["lower_back"],
        shown_exercises=["pelvic_tilts", "cat_cow", "hip_flexor_stretch"],
    )
    events, messages = run_action(ActionRecommendExercises(), tracker)
    assert len(slot_events(events)["shown_exercises"]) <= 3
    assert messages[0]["text"].startswith("Here are some gentle exercises")
