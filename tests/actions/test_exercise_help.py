from __future__ import annotations

from actions.exercise_help import ActionExplainExercise
from backcare.knowledge_base import load_knowledge_base
from backcare.replies import NO_STEPS, how_to_reply, unknown_exercise_reply, which_exercise_reply
from tests.actions.support import exercise_entity, make_tracker, run_action, said, sent


def explain(text: str, entity: str | None = None, **slots: object) -> dict:
    """The one message ActionExplainExercise sends for `text` (naming `entity`)."""
    tracker = make_tracker(
        text, intent="ask_how_to", entities=exercise_entity(entity) if entity else [], **slots
    )
    _, messages = run_action(ActionExplainExercise(), tracker)
    (message,) = messages
    return message


def test_documented_steps_dosage_and_source() -> None:
    kb = load_knowledge_base()
    wall_angels = kb.exercises["wall_angels"]
    message = explain("how do I do wall angels?", "wall_angels")
    assert said([message]) == [sent(how_to_reply(kb, wall_angels))]
    text = message["text"]
    assert all(f"{n}. {step}" in text for n, step in enumerate(wall_angels.steps, start=1))
    assert f"How much: {wall_angels.dosage}." in text
    assert f"Source: {kb.sources[wall_angels.steps_source_id].title}" in text


def test_cautions_follow_the_stage() -> None:
    kb = load_knowledge_base()
    childs_pose = kb.exercises["childs_pose"]
    for stage in ("postpartum", "trimester_2"):
        message = explain("how do I do child's pose", "childs_pose", stage=stage)
        assert said([message]) == [sent(how_to_reply(kb, childs_pose, stage))]
        for caution in childs_pose.cautions:
            assert (caution.text in message["text"]) == caution.applies_to(stage)


def test_name_found_in_text_when_no_entity_was_extracted() -> None:
    kb = load_knowledge_base()
    message = explain("how do i do childs pose")
    assert said([message]) == [sent(how_to_reply(kb, kb.exercises["childs_pose"]))]


def test_undocumented_steps_point_to_a_physical_therapist() -> None:
    kb = load_knowledge_base()
    undocumented = kb.exercises["pelvic_tilts"]
    assert not undocumented.has_documented_steps
    message = explain("how do I do pelvic tilts", "pelvic_tilts", stage="trimester_2")
    assert said([message]) == [sent(how_to_reply(kb, undocumented, "trimester_2"))]
    assert NO_STEPS in message["text"]
    offered = [b["payload"] for b in message["buttons"] if b["payload"].startswith("/ask_how")]
    assert offered, "exercises that do have steps are offered"
    for payload in offered:
        exercise = kb.exercises[payload.split('"')[3]]
        assert exercise.has_documented_steps and "trimester_2" in exercise.stages


def test_unknown_exercise_is_said_plainly() -> None:
    message = explain("how do I do the superman plank", "superman plank")
    assert said([message]) == [
        sent(unknown_exercise_reply(load_knowledge_base(), "superman plank"))
    ]
    assert message["text"].startswith('I don\'t have guidance on "superman plank"')


def test_no_name_asks_which_of_the_shown_ones() -> None:
    message = explain("how do i do that", shown_exercises=["wall_angels", "cat_cow"])
    expected = which_exercise_reply(load_knowledge_base(), ["wall_angels", "cat_cow"])
    assert said([message]) == [sent(expected)]
    assert message["text"] == "Which one would you like to know how to do?"
    assert [b["payload"] for b in message["buttons"]] == [
        '/ask_how_to{"exercise": "wall_angels"}',
        '/ask_how_to{"exercise": "cat_cow"}',
    ]
