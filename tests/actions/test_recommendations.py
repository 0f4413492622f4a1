from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.guidance import ActionExplainCauses
from actions.recommendations import ActionMoreExercises, ActionRecommendExercises
from backcare.knowledge_base import STAGES, load_knowledge_base
from backcare.recommender import recommend
from backcare.red_flag_second_opinion import MAYBE_SIGN
from backcare.replies import NO_SIGN_SEEN, recommendation_reply, red_flag_reminder
from tests.actions.support import make_tracker, run_action, said, sent, slot_events


def test_recommends_exercises_suitable_for_the_stage_and_records_them() -> None:
    tracker = make_tracker(stage="trimester_2", body_areas=["upper_back"])
    events, messages = run_action(ActionRecommendExercises(), tracker)
    kb = load_knowledge_base()
    result = recommend(kb, "trimester_2", ["upper_back"])
    shown = [exercise.id for exercise in result.exercises]
    assert slot_events(events) == {"shown_exercises": shown, "routine_signs": None}
    assert said(messages) == [sent(recommendation_reply(kb, result))]
    assert 2 <= len(shown) <= 3
    assert all("trimester_2" in kb.exercises[exercise_id].stages for exercise_id in shown)
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads[-3:] == ["/request_more", "/request_plan", "/ask_causes"]


def test_missing_slots_still_give_safe_all_stage_exercises() -> None:
    events, messages = run_action(ActionRecommendExercises(), make_tracker())
    kb = load_knowledge_base()
    result = recommend(kb, None, [])
    shown = slot_events(events)["shown_exercises"]
    assert shown == [exercise.id for exercise in result.exercises]
    assert all(set(STAGES) <= set(kb.exercises[exercise_id].stages) for exercise_id in shown)
    assert said(messages) == [sent(recommendation_reply(kb, result))]


def test_skipped_stage_recommends_only_exercises_for_every_stage() -> None:
    tracker = make_tracker(stage="unknown", body_areas=["general"])
    events, _ = run_action(ActionRecommendExercises(), tracker)
    kb = load_knowledge_base()
    shown = slot_events(events)["shown_exercises"]
    assert shown == [exercise.id for exercise in recommend(kb, None, []).exercises]
    assert shown and all(len(kb.exercises[exercise_id].stages) == 4 for exercise_id in shown)


def test_reminder_comes_first_after_an_escalation() -> None:
    tracker = make_tracker(
        stage="trimester_3", body_areas=["lower_back"], red_flag_signs="bleeding"
    )
    _, messages = run_action(ActionRecommendExercises(), tracker)
    kb = load_knowledge_base()
    result = recommend(kb, "trimester_3", ["lower_back"])
    assert said(messages) == [sent(recommendation_reply(kb, result, red_flag_signs="bleeding"))]
    assert messages[0]["text"].startswith(red_flag_reminder("bleeding") + "\n")


def test_no_reminder_after_the_second_opinions_maybe() -> None:
    """After "is this happening now?" from the learned second opinion, answered "nothing like
    that" (or not answered), the advice names no sign: none was heard."""
    tracker = make_tracker(
        stage="trimester_3",
        body_areas=["lower_back"],
        red_flag_signs=MAYBE_SIGN,
        red_flag_check="maybe",
    )
    _, messages = run_action(ActionRecommendExercises(), tracker)
    kb = load_knowledge_base()
    result = recommend(kb, "trimester_3", ["lower_back"])
    assert said(messages) == [sent(recommendation_reply(kb, result))]
    assert "reminder" not in messages[0]["text"]


WORRY = [{"entity": "worry_question", "value": "yes"}]


def third_trimester_low_back(text: str, intent: str, entities: list[dict], **slots: Any) -> Tracker:
    """A message in a conversation about the lower back in the third trimester."""
    stage = {"stage": "trimester_3", "body_areas": ["lower_back"]}
    return make_tracker(text, intent, entities, **stage, **slots)


def test_asked_whether_to_worry_it_says_no_sign_was_heard_and_offers_the_list() -> None:
    tracker = third_trimester_low_back(
        "my lower back aches at 31 weeks, should I be worried?", "describe_pain", WORRY
    )
    _, messages = run_action(ActionRecommendExercises(), tracker)
    kb = load_knowledge_base()
    result = recommend(kb, "trimester_3", ["lower_back"])
    assert said(messages) == [sent(NO_SIGN_SEEN), sent(recommendation_reply(kb, result))]
    assert messages[0]["buttons"] == [{"title": "Warning signs", "payload": "/ask_warning_signs"}]


@pytest.mark.parametrize(
    ("entities", "slots"),
    [
        ([], {}),  # not asked
        (WORRY, {"red_flag_signs": "bleeding"}),  # a sign came up earlier
        (WORRY + [{"entity": "routine_sign", "value": "pain at night"}], {}),  # a routine note
    ],
)
def test_no_word_on_warning_signs_when_not_asked_or_a_sign_came_up(
    entities: list[dict], slots: dict
) -> None:
    tracker = third_trimester_low_back("my back", "describe_pain", entities, **slots)
    _, messages = run_action(ActionRecommendExercises(), tracker)
    assert sent(NO_SIGN_SEEN) not in said(messages)


def test_question_answers_also_say_no_sign_was_heard() -> None:
    tracker = third_trimester_low_back(
        "why does my lower back ache at 31 weeks, should I worry?", "ask_causes", WORRY
    )
    _, messages = run_action(ActionExplainCauses(), tracker)
    assert said(messages)[0] == sent(NO_SIGN_SEEN)
    assert len(messages) == 2


def test_more_never_repeats_and_says_when_none_are_left() -> None:
    shown: list[str] = []
    for _ in range(20):
        tracker = make_tracker(stage="postpartum", body_areas=["lower_back"], shown_exercises=shown)
        events, messages = run_action(ActionMoreExercises(), tracker)
        now_shown = slot_events(events)["shown_exercises"]
        new = now_shown[len(shown) :]
        assert not set(new) & set(shown)
        if not new:
            kb = load_knowledge_base()
            none_left = recommend(kb, "postpartum", ["lower_back"], exclude=shown)
            assert said(messages) == [sent(recommendation_reply(kb, none_left, follow_up=True))]
            assert messages[0]["text"].startswith("That's all the exercises the guides I use")
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
    kb = load_knowledge_base()
    more = recommend(kb, "trimester_3", ["lower_back"], exclude=shown)
    assert more.exercises and not {exercise.id for exercise in more.exercises} & set(shown)
    assert slot_events(events)["shown_exercises"] == shown + [e.id for e in more.exercises]
    assert said(messages) == [sent(recommendation_reply(kb, more, follow_up=True))]


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
    kb = load_knowledge_base()
    fresh = recommend(kb, "trimester_3", ["lower_back"])
    assert slot_events(events)["shown_exercises"] == [e.id for e in fresh.exercises]
    assert said(messages) == [sent(recommendation_reply(kb, fresh))]
