"""components.message_preparer.MessagePreparer, and RedFlagScreen reading what it kept aside."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from backcare.message_text import NLU_MAX_CHARS, SCREEN_MAX_CHARS
from components.message_preparer import PREPARED_TEXT, MessagePreparer
from components.red_flag_screen import RedFlagScreen
from tests.unit.component_support import create

FILLER = "my lower back aches when I sit at my desk and my toddler wants carrying all day. "
SIGN = " and since this morning I'm bleeding heavily"


@pytest.fixture()
def preparer(tmp_path: Any) -> MessagePreparer:
    return create(MessagePreparer, tmp_path)


@pytest.fixture()
def screen(tmp_path: Any) -> RedFlagScreen:
    return create(RedFlagScreen, tmp_path)


def _through_pipeline(
    preparer: MessagePreparer, screen: RedFlagScreen, text: str, diet_intent: str
) -> Message:
    """The preparer, then DIET's guess (set by hand), then the screen."""
    message = Message(data={"text": text})
    preparer.process([message])
    intent = {"name": diet_intent, "confidence": 0.9}
    message.set("intent", intent)
    message.set("intent_ranking", [intent, {"name": "describe_pain", "confidence": 0.1}])
    message.set("entities", [])
    screen.process([message])
    return message


def test_the_rest_of_the_pipeline_reads_the_cleaned_cut_text(preparer: MessagePreparer) -> None:
    text = "my lo\u200bwer back " + FILLER * 40
    message = Message(data={"text": text})
    preparer.process([message])
    assert message.get("text").startswith("my lower back")
    assert len(message.get("text")) <= NLU_MAX_CHARS
    assert message.get(PREPARED_TEXT).screen_text == text.replace("\u200b", "")


def test_a_message_without_text_is_left_alone(preparer: MessagePreparer) -> None:
    message = Message(data={"text": None})
    preparer.process([message])
    assert message.get("text") is None
    assert message.get(PREPARED_TEXT) is None


def test_a_sign_after_the_nlu_limit_escalates(
    preparer: MessagePreparer, screen: RedFlagScreen
) -> None:
    text = FILLER * 60 + SIGN
    assert text.index(SIGN) > NLU_MAX_CHARS and len(text) <= SCREEN_MAX_CHARS
    message = _through_pipeline(preparer, screen, text, "ask_self_care")
    assert message.get("intent") == {"name": "red_flag_emergency", "confidence": 1.0}
    assert "bleeding" not in message.get("text"), "the sign lies beyond what NLU read"


def test_beyond_the_screen_limit_the_person_is_asked_for_parts(
    preparer: MessagePreparer, screen: RedFlagScreen
) -> None:
    message = _through_pipeline(preparer, screen, FILLER * 200, "describe_pain")
    assert message.get("intent") == {"name": "message_too_long", "confidence": 1.0}
    assert message.get("intent_ranking") == [{"name": "message_too_long", "confidence": 1.0}]


def test_a_sign_within_the_screen_limit_of_an_over_long_message_escalates(
    preparer: MessagePreparer, screen: RedFlagScreen
) -> None:
    text = FILLER * 60 + SIGN + FILLER * 140
    assert len(text) > SCREEN_MAX_CHARS
    message = _through_pipeline(preparer, screen, text, "describe_pain")
    assert message.get("intent")["name"] == "red_flag_emergency"


def test_a_sign_beyond_the_screen_limit_is_not_read(
    preparer: MessagePreparer, screen: RedFlagScreen
) -> None:
    """Documented: the screen reads SCREEN_MAX_CHARS; the answer asks for the message in parts."""
    message = _through_pipeline(preparer, screen, FILLER * 200 + SIGN, "describe_pain")
    assert message.get("intent")["name"] == "message_too_long"


def test_diets_too_long_guess_on_a_short_message_is_dropped(
    preparer: MessagePreparer, screen: RedFlagScreen
) -> None:
    message = _through_pipeline(
        preparer, screen, "sorry, long one: my back hurts", "message_too_long"
    )
    assert message.get("intent")["name"] == "describe_pain"
