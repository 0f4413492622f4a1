"""Recommendations, how-tos and the two-turn form over the REST channel."""

from __future__ import annotations

from backcare.knowledge_base import load_knowledge_base
from backcare.recommender import recommend
from backcare.replies import feedback_reply, how_to_reply, recommendation_reply
from launcher.stack import AssistantStack
from tests.e2e.replies import as_sent, bot_messages, buttons, texts


def shown_exercises(assistant: AssistantStack, sender: str) -> list[str]:
    return assistant.tracker(sender)["slots"]["shown_exercises"]


def test_upper_back_in_the_second_trimester(assistant: AssistantStack, sender: str) -> None:
    answer = assistant.send(sender, "my upper back hurts and I'm in my second trimester")
    kb = load_knowledge_base()
    result = recommend(kb, "trimester_2", ["upper_back"])
    assert as_sent(recommendation_reply(kb, result)) in bot_messages(answer)
    shown = shown_exercises(assistant, sender)
    assert shown == [exercise.id for exercise in result.exercises]
    assert {"shoulder_blade_squeezes", "wall_angels"} & set(shown)
    assert all("trimester_2" in kb.exercises[exercise_id].stages for exercise_id in shown)


def test_postpartum_lower_back(assistant: AssistantStack, sender: str) -> None:
    answer = assistant.send(sender, "I had my baby 6 weeks ago and my lower back aches")
    assert assistant.tracker(sender)["slots"]["stage"] == "postpartum"
    kb = load_knowledge_base()
    result = recommend(kb, "postpartum", ["lower_back"])
    assert as_sent(recommendation_reply(kb, result)) in bot_messages(answer)
    assert {"glute_bridge", "heel_slides"} & set(shown_exercises(assistant, sender))


def test_how_to_do_wall_angels(assistant: AssistantStack, sender: str) -> None:
    answer = assistant.send(sender, "how do I do wall angels?")
    kb = load_knowledge_base()
    wall_angels = kb.exercises["wall_angels"]
    assert as_sent(how_to_reply(kb, wall_angels)) in bot_messages(answer)
    assert wall_angels.steps and all(step in texts(answer) for step in wall_angels.steps)


def test_stage_and_area_in_separate_messages(assistant: AssistantStack, sender: str) -> None:
    first = assistant.send(sender, "I'd like some exercises please")
    assert "How far along" in texts(first)
    assert any(button["title"] == "2nd trimester" for button in buttons(first))
    second = assistant.send(sender, "I'm 30 weeks")
    assert "Where does it hurt" in texts(second)
    third = assistant.send(sender, "my lower back")
    kb = load_knowledge_base()
    result = recommend(kb, "trimester_3", ["lower_back"])
    assert bot_messages(third) == [as_sent(recommendation_reply(kb, result))]
    slots = assistant.tracker(sender)["slots"]
    assert slots["stage"] == "trimester_3" and slots["body_areas"] == ["lower_back"]


def test_feedback_lands_in_the_tracker(assistant: AssistantStack, sender: str) -> None:
    assistant.send(sender, "how do I do a pelvic tilt")
    answer = assistant.send(sender, "yes that was helpful")
    assert bot_messages(answer) == [as_sent(feedback_reply(True))]
    assert assistant.tracker(sender)["slots"]["feedback"] == "helpful"
