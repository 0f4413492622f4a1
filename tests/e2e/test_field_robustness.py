"""Messages written the way people post: corrections, forum notation, no dead ends, routine
notes and named-exercise safety, over the REST channel of real servers."""

from __future__ import annotations

import yaml

from backcare.knowledge_base import load_knowledge_base
from backcare.red_flags import PHRASES_PATH
from backcare.replies import NO_SIGN_SEEN, WARNING_SIGNS_INTRO
from launcher.stack import AssistantStack
from tests.e2e.replies import texts


def test_a_corrected_area_replaces_the_old_one(assistant: AssistantStack, sender: str) -> None:
    assistant.send(sender, "my lower back hurts, 20 weeks")
    assert assistant.tracker(sender)["slots"]["body_areas"] == ["lower_back"]
    text = texts(assistant.send(sender, "sorry, I meant my upper back, not lower"))
    slots = assistant.tracker(sender)["slots"]
    assert slots["body_areas"] == ["upper_back"] and slots["stage"] == "trimester_2"
    assert "for your upper back in your second trimester" in text


def test_a_corrected_stage_replaces_the_old_one(assistant: AssistantStack, sender: str) -> None:
    assistant.send(sender, "my lower back hurts, 20 weeks")
    text = texts(assistant.send(sender, "actually I'm 30 weeks"))
    assert assistant.tracker(sender)["slots"]["stage"] == "trimester_3"
    assert "in your third trimester" in text


def test_forum_notation_is_understood_and_never_falls_back(
    assistant: AssistantStack, sender: str
) -> None:
    text = texts(assistant.send(sender, "29+3 and my SI joint is killing me"))
    slots = assistant.tracker(sender)["slots"]
    assert slots["stage"] == "trimester_3" and slots["body_areas"] == ["hips_pelvis"]
    assert "Sorry, I didn't quite get that" not in text
    assert "for your hips and pelvis in your third trimester" in text


def test_should_i_be_worried_about_a_stated_pain_gets_an_answer_not_the_list(
    assistant: AssistantStack, sender: str
) -> None:
    messages = assistant.send(sender, "31 weeks and my lower back aches all day. should I worry?")
    said = [(message.get("text"), message.get("buttons", [])) for message in messages]
    note = (NO_SIGN_SEEN.text, [{"title": "Warning signs", "payload": "/ask_warning_signs"}])
    assert note in said
    assert said.index(note) < len(said) - 1, "an answer to what they told follows"
    assert WARNING_SIGNS_INTRO not in texts(messages)
    assert WARNING_SIGNS_INTRO in texts(assistant.send(sender, "/ask_warning_signs"))


def test_glutes_in_pregnancy_get_the_nearest_help(assistant: AssistantStack, sender: str) -> None:
    kb = load_knowledge_base()
    text = texts(assistant.send(sender, "31w my bum is so sore"))
    assert text.count(kb.uncovered[("glutes", "trimester_3")]) == 1
    assert "The nearest help they give is for your hips and pelvis and lower back" in text
    shown = assistant.tracker(sender)["slots"]["shown_exercises"]
    assert shown and all("trimester_3" in kb.exercises[e].stages for e in shown)


def test_weeks_after_the_birth_are_postpartum(assistant: AssistantStack, sender: str) -> None:
    assistant.send(sender, "baby is 8 weeks old and my neck and shoulders ache from feeding")
    slots = assistant.tracker(sender)["slots"]
    assert slots["stage"] == "postpartum" and slots["body_areas"] == ["neck_shoulders"]


def test_lasting_pain_gets_exercises_with_a_routine_note(
    assistant: AssistantStack, sender: str
) -> None:
    answer = assistant.send(sender, "my lower back has ached for 6 weeks now, 23 wks")
    advice = next(m["text"] for m in answer if "Here are some gentle exercises" in m["text"])
    assert advice.startswith("You mentioned pain that has lasted for weeks")
    assert "Here are some gentle exercises for your lower back in your second trimester" in advice
    tracker = assistant.tracker(sender)
    assert tracker["slots"]["routine_signs"] is None, "the note is said once"
    actions = [e.get("name") for e in tracker["events"] if e.get("event") == "action"]
    assert "utter_red_flag_see_soon" not in actions


def test_is_a_named_exercise_ok_at_a_stage(assistant: AssistantStack, sender: str) -> None:
    text = texts(assistant.send(sender, "are glute bridges ok at 22 weeks?"))
    assert "The guides I use suggest Glute bridge for after birth." in text
    assert "They don't suggest it for the second trimester" in text
    assert assistant.tracker(sender)["slots"]["stage"] == "trimester_2"


def test_a_partner_writing_on_her_behalf_is_escalated(
    assistant: AssistantStack, sender: str
) -> None:
    text = texts(assistant.send(sender, "my wife is 34 weeks and she's bleeding"))
    assert "call your local emergency number" in text


def test_the_warning_sign_answer_names_every_sign(assistant: AssistantStack, sender: str) -> None:
    answer = " ".join(texts(assistant.send(sender, "what are the warning signs?")).split())
    signs = yaml.safe_load(PHRASES_PATH.read_text(encoding="utf-8"))["signs"]
    for sign in signs:
        assert (sign.get("list_label") or sign["label"]) in answer, sign["id"]


def test_a_sign_that_may_be_over_is_escalated_with_one_question(
    assistant: AssistantStack, sender: str
) -> None:
    answer = assistant.send(sender, "I had some bleeding at 8 weeks")
    text = texts(answer)
    assert "call your local emergency number" in text and "Is this happening now?" in text
    titles = [button["title"] for message in answer for button in message.get("buttons", [])]
    assert titles == ["Yes, it's happening now", "No, it has stopped"]
    reply = texts(assistant.send(sender, '/red_flag_resolved{"red_flag_check": "none"}'))
    assert reply.startswith("Thank you, I'm glad it has stopped.")


def test_an_unclear_bleed_asks_how_heavy_and_light_spotting_is_see_soon(
    assistant: AssistantStack, sender: str
) -> None:
    text = texts(assistant.send(sender, "I'm bleeding"))
    assert "is it heavier than a period, or are there clots?" in text
    light = '/red_flag_see_soon{"red_flag_check": "none", "red_flag_sign": "light bleeding"}'
    reply = texts(assistant.send(sender, light))
    assert (
        "You mentioned light bleeding" in reply
        and "contact your healthcare provider today" in reply
    )
