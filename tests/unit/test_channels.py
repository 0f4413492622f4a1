"""channels.inputs: the REST payload check, and failures answered and logged without the text."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from backcare.replies import MESSAGE_FAILED
from channels.inputs import MAX_SENDER_CHARS, PayloadError, answer_or_apologise, check_payload

SECRET = "I'm 12 weeks and bleeding SENTINEL"


def test_a_good_payload_gives_sender_and_message() -> None:
    assert check_payload({"sender": "me", "message": "hi", "metadata": {}}) == ("me", "hi")
    assert check_payload({"sender": "me", "message": ""}) == ("me", "")


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([1, 2], "the body must be a JSON object"),
        ("hi", "the body must be a JSON object"),
        (None, "the body must be a JSON object"),
        ({"sender": "me"}, "`message` is missing"),
        ({"sender": "me", "message": None}, "`message` is missing"),
        ({"sender": "me", "message": 5}, "`message` must be a string"),
        ({"sender": "me", "message": ["hi"]}, "`message` must be a string"),
        ({"message": "hi"}, "`sender` is missing"),
        ({"sender": 5, "message": "hi"}, "`sender` must be a non-empty string"),
        ({"sender": {"id": 1}, "message": "hi"}, "`sender` must be a non-empty string"),
        ({"sender": " ", "message": "hi"}, "`sender` must be a non-empty string"),
        ({"sender": "x" * (MAX_SENDER_CHARS + 1), "message": "hi"}, "at most 255 characters"),
    ],
)
def test_a_bad_payload_gets_a_one_line_reason(payload: Any, reason: str) -> None:
    with pytest.raises(PayloadError) as raised:
        check_payload(payload)
    assert reason in str(raised.value)
    assert "\n" not in str(raised.value)


def _fail_handling(caplog: pytest.LogCaptureFixture) -> CollectingOutputChannel:
    async def failing(message: UserMessage) -> None:
        raise ValueError(f"could not parse {message.text!r}")

    collector = CollectingOutputChannel()
    handle = answer_or_apologise(failing, "rest")
    with caplog.at_level(logging.ERROR, logger="channels.inputs"):
        asyncio.run(handle(UserMessage(SECRET, collector, "person-1")))
    return collector


def test_a_failure_is_answered_and_logged_without_the_text(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOG_USER_DATA", raising=False)
    collector = _fail_handling(caplog)
    assert [message["text"] for message in collector.messages] == [MESSAGE_FAILED]
    assert "Handling a rest message failed" in caplog.text
    assert "ValueError" in caplog.text
    assert "SENTINEL" not in caplog.text
    assert "person-1" not in caplog.text


def test_the_switch_logs_the_text_of_a_failure(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOG_USER_DATA", "true")
    _fail_handling(caplog)
    assert "SENTINEL" in caplog.text
    assert "person-1" in caplog.text
