"""Escalation from every conversation state, and no alarm on negated or harmless messages."""

from __future__ import annotations

import pytest

from backcare.knowledge_base import load_knowledge_base
from backcare.red_flags import default_detector
from backcare.replies import red_flag_reminder
from backcare.warning_signs import render_text
from launcher.stack import AssistantStack
from tests.e2e.replies import buttons, texts

EMERGENCY_ADVICE = "call your local emergency number"
SEE_SOON_ADVICE = "contact your healthcare provider today"


def mentions_an_exercise(answer: str) -> bool:
    names = [exercise.name.lower() for exercise in load_knowledge_base().exercises.values()]
    return any(name in answer.lower() for name in names)


def assert_escalated(answer: str, advice: str) -> None:
    assert "healthcare provider" in answer
    assert advice in answer
    assert not mentions_an_exercise(answer), "no exercise may be recommended in an escalation"


def test_emergency_at_the_first_message(assistant: AssistantStack, sender: str) -> None:
    answer = texts(assistant.send(sender, "I'm 30 weeks and I'm bleeding quite heavily"))
    assert_escalated(answer, EMERGENCY_ADVICE)
    assert "You mentioned bleeding, and that can need urgent care." in answer, "names the sign"


def test_see_soon_sign_in_the_middle_of_the_form(assistant: AssistantStack, sender: str) -> None:
    asked = texts(assistant.send(sender, "can you give me some exercises"))
    assert "How far along" in asked or "Where does it hurt" in asked
    answer = texts(assistant.send(sender, "my lower back hurts and i have a fever since yesterday"))
    assert_escalated(answer, SEE_SOON_ADVICE)
    active_loop = assistant.tracker(sender).get("active_loop") or {}
    assert not active_loop.get("name"), "the red flag stops the exercise form"


def test_escalation_after_recommendations_and_reminder_later(
    assistant: AssistantStack, sender: str
) -> None:
    first = texts(assistant.send(sender, "my lower back aches and I'm 20 weeks pregnant"))
    assert mentions_an_exercise(first)
    answer = texts(assistant.send(sender, "also my waters seem to be leaking"))
    assert_escalated(answer, EMERGENCY_ADVICE)
    later = texts(assistant.send(sender, "show me more exercises"))
    assert later.startswith(red_flag_reminder("fluid leaking or your waters breaking")), later


def test_sign_buried_in_a_long_message(assistant: AssistantStack, sender: str) -> None:
    message = (
        "so i've been having this dull ache in my upper back for a couple of weeks, mostly when "
        "i sit at my desk, and yesterday i had some chest pain when i was just sitting there, "
        "anyway i was wondering which stretches are ok in the second trimester"
    )
    assert_escalated(texts(assistant.send(sender, message)), EMERGENCY_ADVICE)


@pytest.mark.parametrize(
    "message",
    [
        "no bleeding, just an ache in my lower back",
        "I'm not dizzy or anything, my hips are just sore",
        "my sister had contractions at 30 weeks, I'm 25 weeks and my back hurts",
    ],
)
def test_negated_or_third_person_signs_do_not_alarm(
    assistant: AssistantStack, sender: str, message: str
) -> None:
    answer = texts(assistant.send(sender, message))
    assert EMERGENCY_ADVICE not in answer and SEE_SOON_ADVICE not in answer
    events = assistant.tracker(sender)["events"]
    actions = {event["name"] for event in events if event["event"] == "action"}
    assert not actions & {"utter_red_flag_emergency", "utter_red_flag_see_soon"}


def test_question_about_warning_signs_gets_the_list_not_an_alarm(
    assistant: AssistantStack, sender: str
) -> None:
    answer = texts(assistant.send(sender, "what signs should make me stop exercising?"))
    assert answer.split("\n") == render_text().split("\n\n")
    assert EMERGENCY_ADVICE not in answer


def test_escalation_works_when_the_action_server_is_down(
    assistant: AssistantStack, sender: str
) -> None:
    assistant.stop_server("actions")
    try:
        answer = texts(assistant.send(sender, "I have chest pain and feel like I might faint"))
        assert_escalated(answer, EMERGENCY_ADVICE)
    finally:
        assistant.start_action_server()


def test_second_opinion_asks_about_a_sign_the_rules_miss(
    assistant: AssistantStack, sender: str
) -> None:
    """The learned second opinion hears a leg giving way in words the rules lack: the answer
    escalates without naming a sign and asks whether it is happening now; "nothing like that"
    brings the exercises back, with no reminder of a sign that was never named."""
    message = (
        "my left leg keeps going from under me since this morning, 29 weeks and my back is bad"
    )
    assert default_detector().screen(message).urgency is None, "the rules learnt it: pick another"
    answer = assistant.send(sender, message)
    assert_escalated(texts(answer), EMERGENCY_ADVICE)
    assert "I can't be sure from your message" in texts(answer)
    choices = {button["title"]: button["payload"] for button in buttons(answer)}
    assert list(choices) == ["Yes, it's happening now", "No, nothing like that"]
    relief = texts(assistant.send(sender, choices["No, nothing like that"]))
    assert "that's good to hear" in relief
    advice = texts(assistant.send(sender, "I'm 29 weeks and my lower back aches"))
    assert mentions_an_exercise(advice)
    assert not advice.startswith("First, a reminder")
