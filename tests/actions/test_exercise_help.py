from __future__ import annotations

from actions.exercise_help import ActionExplainExercise
from backcare.knowledge_base import load_knowledge_base
from backcare.replies import NO_STEPS, how_to_reply
from tests.actions.support import make_tracker, run_action


def explain(text: str, entity: str | None = None, **slots: object) -> str:
    entities = [{"entity": "exercise", "value": entity}] if entity else []
    tracker = make_tracker(text, intent="ask_how_to", entities=entities, **slots)
    _, messages = run_action(ActionExplainExercise(), tracker)
    return messages[0]["text"]


def test_documented_steps_dosage_and_source() -> None:
    kb = load_knowledge_base()
    wall_angels = kb.exercises["wall_angels"]
    text = explain("how do I do wall angels?", "wall_angels")
    assert text == how_to_reply(kb, wall_angels).text
    assert all(f"{n}. {step}" in text for n, step in enumerate(wall_angels.steps, start=1))
    assert f"How much: {wall_angels.dosage}." in text
    assert f"Source: {kb.sources[wall_angels.steps_source_id].title}" in text


def test_cautions_follow_the_stage() -> None:
    kb = load_knowledge_base()
    childs_pose = kb.exercises["childs_pose"]
    after_birth = explain("how do I do child's pose", "childs_pose", stage="postpartum")
    pregnant = explain("how do I do child's pose", "childs_pose", stage="trimester_2")
    for caution in childs_pose.cautions:
        assert (caution.text in after_birth) == caution.applies_to("postpartum")
        assert (caution.text in pregnant) == caution.applies_to("trimester_2")
    assert "while pregnant" not in after_birth


def test_name_found_in_text_when_no_entity_was_extracted() -> None:
    assert explain("how do i do childs pose").startswith("Child's pose: ")


def test_undocumented_steps_point_to_a_physical_therapist() -> None:
    kb = load_knowledge_base()
    undocumented = kb.exercises["pelvic_tilts"]
    assert not undocumented.has_documented_steps
    tracker = make_tracker(
        "how do I do pelvic tilts",
        intent="ask_how_to",
        entities=[{"entity": "exercise", "value": "pelvic_tilts"}],
        stage="trimester_2",
    )
    _, messages = run_action(ActionExplainExercise(), tracker)
    assert NO_STEPS in messages[0]["text"]
    offered = [b["payload"] for b in messages[0]["buttons"] if b["payload"].startswith("/ask_how")]
    assert offered, "exercises that do have steps are offered"
    for payload in offered:
        exercise = kb.exercises[payload.split('"')[3]]
        assert exercise.has_documented_steps and "trimester_2" in exercise.stages


def test_unknown_exercise_is_said_plainly() -> None:
    text = explain("how do I do the superman plank", "superman plank")
    assert 'I don\'t have guidance on "superman plank"' in text


def test_no_name_asks_which_of_the_shown_ones() -> None:
    tracker = make_tracker(
        "how do i do that", intent="ask_how_to", shown_exercises=["wall_angels", "cat_cow"]
    )
    _, messages = run_action(ActionExplainExercise(), tracker)
    assert messages[0]["text"] == "Which one would you like to know how to do?"
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/ask_how_to{"exercise": "wall_angels"}',
        '/ask_how_to{"exercise": "cat_cow"}',
    ]
