"""Recommendations, how-tos and the two-turn form over the REST channel."""

from __future__ import annotations

from backcare.knowledge_base import load_knowledge_base
from launcher.stack import AssistantStack
from tests.e2e.conftest import buttons, texts


def exercise_names(*exercise_ids: str) -> list[str]:
    kb = load_knowledge_base()
    return [kb.exercises[exercise_id].name for exercise_id in exercise_ids]


def test_upper_back_in_the_second_trimester(assistant: AssistantStack, sender: str) -> None:
    answer = assistant.send(sender, "my upper back hurts and I'm in my second trimester")
    text = texts(answer)
    assert "upper back" in text and "second trimester" in text
    assert any(name in text for name in exercise_names("shoulder_blade_squeezes", "wall_angels"))
    assert "Source" in text
    kb = load_knowledge_base()
    shown = assistant.tracker(sender)["slots"]["shown_exercises"]
    assert 2 <= len(shown) <= 3
    assert all("trimester_2" in kb.exercises[exercise_id].stages for exercise_id in shown)
    titles = [button["title"] for button in buttons(answer)]
    assert "More exercises" in titles and "Why does this hurt?" in titles
    assert any(title.startswith("How do I do") for title in titles)


def test_postpartum_lower_back(assistant: AssistantStack, sender: str) -> None:
    text = texts(assistant.send(sender, "I had my baby 6 weeks ago and my lower back aches"))
    slots = assistant.tracker(sender)["slots"]
    assert slots["stage"] == "postpartum"
    assert any(name in text for name in exercise_names("glute_bridge", "heel_slides"))


def test_how_to_do_wall_angels(assistant: AssistantStack, sender: str) -> None:
    text = texts(assistant.send(sender, "how do I do wall angels?"))
    wall_angels = load_knowledge_base().exercises["wall_angels"]
    assert wall_angels.steps and all(step in text for step in wall_angels.steps)
    assert "Source" in text


def test_stage_and_area_in_separate_messages(assistant: AssistantStack, sender: str) -> None:
    first = assistant.send(sender, "I'd like some exercises please")
    assert "How far along" in texts(first)
    assert any(button["title"] == "2nd trimester" for button in buttons(first))
    second = assistant.send(sender, "I'm 30 weeks")
    assert "Where does it hurt" in texts(second)
    third = texts(assistant.send(sender, "my lower back"))
    assert "third trimester" in third and "lower back" in third
    slots = assistant.tracker(sender)["slots"]
    assert slots["stage"] == "trimester_3" and slots["body_areas"] == ["lower_back"]


def test_feedback_lands_in_the_tracker(assistant: AssistantStack, sender: str) -> None:
    assistant.send(sender, "how do I do a pelvic tilt")
    assert "glad" in texts(assistant.send(sender, "yes that was helpful"))
    assert assistant.tracker(sender)["slots"]["feedback"] == "helpful"
