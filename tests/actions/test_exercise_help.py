from __future__ import annotations

from actions.exercise_help import ActionExplainExercise
from backcare.knowledge_base import NO_STEPS_MESSAGE, load_knowledge_base
from tests.actions.conftest import make_tracker, run_action


def explain(text: str, entity: str | None = None, **slots: object) -> str:
    entities = [{"entity": "exercise", "value": entity}] if entity else []
    tracker = make_tracker(text, intent="ask_how_to", entities=entities, **slots)
    _, messages = run_action(ActionExplainExercise(), tracker)
    return messages[0]["text"]


def test_documented_steps_dosage_and_source() -> None:
    wall_angels = load_knowledge_base().exercises["wall_angels"]
    text = explain("how do I do wall angels?", "wall_angels")
    assert all(step in text for step in wall_angels.steps)
    assert wall_angels.dosage and wall_angels.dosage in text
    assert "Source" in text


def test_name_found_in_text_when_no_entity_was_extracted() -> None:
    assert "Child" in explain("how do i do childs pose")


def test_undocumented_steps_point_to_a_physical_therapist() -> None:
    kb = load_knowledge_base()
    undocumented = next(e for e in kb.exercises.values() if not e.has_documented_steps)
    text = explain(f"how do I do {undocumented.name}", undocumented.id)
    assert NO_STEPS_MESSAGE in text


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
