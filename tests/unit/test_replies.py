"""Reply wording composed from the knowledge base (no Rasa)."""

from __future__ import annotations

import pytest

from backcare.knowledge_base import AREAS, STAGES, load_knowledge_base
from backcare.recommender import recommend
from backcare.replies import (
    CAUSES_BUTTON,
    MORE_BUTTON,
    PHYSIO_REFERRAL,
    PLAN_BUTTON,
    UNKNOWN_STAGE_NOTE,
    citation,
    exercise_safety_reply,
    first_sentence,
    how_to_button,
    how_to_reply,
    recommendation_reply,
    red_flag_reminder,
    routine_note,
    tips_reply,
)
from backcare.text import join_words


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


@pytest.mark.parametrize(
    ("words", "joined"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_join_words(words: list[str], joined: str) -> None:
    assert join_words(words) == joined


def test_first_sentence() -> None:
    assert first_sentence("One thing. Another thing.") == "One thing."
    assert first_sentence("Only one") == "Only one"


def test_recommendation_lists_name_why_dosage_source_and_buttons(kb) -> None:
    result = recommend(kb, "trimester_2", ["upper_back"])
    reply = recommendation_reply(kb, result)
    lines = reply.text.split("\n")
    assert (
        lines[0] == "Here are some gentle exercises for your upper back in your second trimester:"
    )
    for number, exercise in enumerate(result.exercises, start=1):
        dosage = f" How much: {exercise.dosage}." if exercise.dosage else ""
        assert lines[number] == (
            f"{number}. {exercise.name}: {first_sentence(exercise.why_for('trimester_2'))}"
            f"{dosage} ({citation(kb, exercise)})"
        )
    assert reply.buttons[-3:] == (MORE_BUTTON, PLAN_BUTTON, CAUSES_BUTTON)
    how_tos = reply.buttons[:-3]
    assert {b.entities["exercise"] for b in how_tos} == {ex.id for ex in result.exercises}
    with_steps = [kb.exercises[b.entities["exercise"]].has_documented_steps for b in how_tos]
    assert with_steps == sorted(with_steps, reverse=True), "exercises with steps come first"


@pytest.mark.parametrize(
    ("area", "stage"), [("glutes", "trimester_2"), ("neck_shoulders", "postpartum")]
)
def test_uncovered_pair_says_so_then_offers_the_nearest_help(kb, area, stage) -> None:
    result = recommend(kb, stage, [area])
    reply = recommendation_reply(kb, result)
    lines = reply.text.split("\n")
    assert lines[0] == kb.uncovered[(area, stage)]
    assert lines[1].startswith("The nearest help they give is for your ")
    for exercise in result.exercises:
        assert exercise.name in reply.text and stage in exercise.stages
    for tip in result.nearest_tips:
        assert f"- {tip.text} ({citation(kb, tip)})" in lines
    assert PHYSIO_REFERRAL in lines


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("area", AREAS)
def test_no_area_and_stage_is_a_dead_end(kb, area, stage) -> None:
    reply = recommendation_reply(kb, recommend(kb, stage, [area]))
    assert any(exercise.name in reply.text for exercise in kb.exercises.values()) or (
        "What the guides suggest in general:" in reply.text
    )


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("area", AREAS)
def test_each_exercise_is_explained_for_the_stage(kb, area, stage) -> None:
    result = recommend(kb, stage, [area], limit=10)
    text = recommendation_reply(kb, result).text
    for exercise in result.exercises:
        assert first_sentence(exercise.why_for(stage)) in text
    if stage == "postpartum":
        assert "while pregnant" not in text and "trimester" not in text


def test_unknown_stage_says_why_only_some_exercises(kb) -> None:
    reply = recommendation_reply(kb, recommend(kb, None, ["lower_back"]))
    assert reply.text.split("\n")[1] == UNKNOWN_STAGE_NOTE


def test_exhausted_paging_says_so(kb) -> None:
    everything = list(kb.exercises)
    result = recommend(kb, "postpartum", ["lower_back"], exclude=everything)
    reply = recommendation_reply(kb, result, follow_up=True)
    assert reply.text.startswith("That's all the exercises")


def test_reminder_only_after_a_red_flag() -> None:
    assert red_flag_reminder(None) is None
    assert red_flag_reminder("a fever") == (
        "First, a reminder: earlier you mentioned a fever. Please get that checked by your "
        "healthcare provider before trying any of these."
    )


def test_routine_note_opens_the_advice_with_its_source(kb) -> None:
    assert routine_note(kb, None) is None
    note = routine_note(kb, "pain that has lasted for weeks") or ""
    reply = recommendation_reply(
        kb,
        recommend(kb, "trimester_2", ["lower_back"]),
        routine_signs="pain that has lasted for weeks",
    )
    assert reply.text.startswith(note + "\n")
    caution = next(c for c in kb.general_cautions if c.id == "persistent_pain_physio")
    advice = caution.text[0].lower() + caution.text[1:]
    assert note == (
        "You mentioned pain that has lasted for weeks. That isn't an emergency, but it's worth "
        f"mentioning to your midwife or doctor, or a physio: {advice} ({citation(kb, caution)}) "
        "Meanwhile, these may help."
    )


def test_named_exercise_safety_answers_from_the_knowledge(kb) -> None:
    bridge = kb.exercises["glute_bridge"]
    during = exercise_safety_reply(kb, "trimester_2", bridge)
    after = exercise_safety_reply(kb, "postpartum", bridge)
    assert "They don't suggest it for the second trimester" in during.text
    assert "That includes after birth." in after.text
    assert citation(kb, bridge) in after.text
    assert how_to_button(bridge) in after.buttons


def test_general_safety_answer_keeps_to_the_stage(kb) -> None:
    after = exercise_safety_reply(kb, "postpartum").text
    for caution in kb.general_cautions:
        assert (caution.text in after) == caution.applies_to("postpartum")


def test_unknown_topic_offers_the_menu_instead_of_failing(kb) -> None:
    reply = tips_reply(kb, "knitting")
    assert reply.text.startswith("The guides I use don't cover that")
    assert [b.entities["self_care_topic"] for b in reply.buttons][:2] == ["sleep", "posture"]


def test_how_to_warns_when_the_guides_do_not_suggest_it_at_this_stage(kb) -> None:
    bridge = kb.exercises["glute_bridge"]
    assert "They don't suggest it for the second trimester" in (
        how_to_reply(kb, bridge, "trimester_2").text
    )
    assert "They don't suggest it" not in how_to_reply(kb, bridge, "postpartum").text


def test_tips_keep_to_the_stage(kb) -> None:
    pregnant = tips_reply(kb, "sitting", "trimester_3").text
    after = tips_reply(kb, "sitting", "postpartum").text
    for tip in kb.tips_for("sitting"):
        stages = {s for source_id in tip.source_ids for s in kb.sources[source_id].stages}
        assert (tip.text in pregnant) == ("trimester_3" in stages)
        assert (tip.text in after) == ("postpartum" in stages)
    assert "After birth" not in pregnant
