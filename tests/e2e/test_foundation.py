"""The whole chain: REST channel -> NLU -> policies -> action server -> SQL tracker store."""

from __future__ import annotations

from backcare.knowledge_base import load_knowledge_base
from backcare.recommender import recommend
from backcare.replies import how_to_reply, recommendation_reply
from launcher.stack import AssistantStack
from tests.e2e.replies import as_sent, bot_messages, texts


def test_first_answer_has_the_greeting_and_the_disclaimer_once(
    assistant: AssistantStack, sender: str
) -> None:
    answer = texts(assistant.send(sender, "hi"))
    assert "isn't medical advice" in answer  # utter_disclaimer, from a conversation-start rule
    assert "Hi! I'm here to help with back pain" in answer
    second = texts(assistant.send(sender, "hello again"))
    assert "isn't medical advice" not in second, "the disclaimer is shown once per session"


def test_a_custom_action_answers_through_the_action_server(
    assistant: AssistantStack, sender: str
) -> None:
    answer = assistant.send(sender, "how do I do a pelvic tilt?")
    kb = load_knowledge_base()
    # composed by action_explain_exercise on the action server (rasa-sdk)
    assert as_sent(how_to_reply(kb, kb.exercises["pelvic_tilts"])) in bot_messages(answer)


def test_small_talk_and_out_of_scope(assistant: AssistantStack, sender: str) -> None:
    assert "chatbot" in texts(assistant.send(sender, "are you a real person?"))
    assert "outside what I can help with" in texts(
        assistant.send(sender, "what's the weather like tomorrow")
    )
    assert "Take care" in texts(assistant.send(sender, "bye"))


def test_gibberish_gets_the_fallback_or_a_redirect(assistant: AssistantStack, sender: str) -> None:
    answer = texts(assistant.send(sender, "qwzx plorf blarg vvv"))
    assert "didn't quite get that" in answer or "outside what I can help with" in answer


def test_conversation_survives_a_rasa_server_restart(
    assistant: AssistantStack, sender: str
) -> None:
    assistant.send(sender, "my upper back hurts and I'm in my second trimester")
    before = assistant.tracker(sender)
    assert before["slots"]["stage"] == "trimester_2"
    assert before["slots"]["body_areas"] == ["upper_back"]
    shown = before["slots"]["shown_exercises"]
    assert shown, "recommendations were recorded in the tracker"

    assistant.stop_server("rasa")
    assistant.start_rasa_server()

    after = assistant.tracker(sender)
    assert after["slots"]["stage"] == "trimester_2"
    assert after["slots"]["shown_exercises"] == shown
    assert len(after["events"]) == len(before["events"])
    more = assistant.send(sender, "more exercises please")
    assert assistant.tracker(sender)["slots"]["shown_exercises"][: len(shown)] == shown
    kb = load_knowledge_base()
    next_ones = recommend(kb, "trimester_2", ["upper_back"], exclude=shown)
    assert bot_messages(more) == [as_sent(recommendation_reply(kb, next_ones, follow_up=True))]
