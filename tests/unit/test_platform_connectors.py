"""The messaging platform connectors' own logic (channels/): reading webhook payloads, checking
signatures, and delivering answers that never raise and never log the text. The connectors on
real servers are in tests/e2e/test_platforms.py."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
from types import SimpleNamespace
from typing import Any

import pytest
from sanic.request import RequestParameters
from twilio.request_validator import RequestValidator

import channels.delivery
from channels.delivery import PlatformOutput
from channels.facebook import messenger_messages, quick_reply_title, signed_by_facebook
from channels.telegram import MAX_CALLBACK_BYTES, callback_data, telegram_message, webhook_secret
from channels.twilio import TwilioChannel

SECRET_TEXT = "I'm 12 weeks and bleeding SENTINEL"


class RecordingOutput(PlatformOutput):
    """Records the parts it sends; `failure` makes every send raise it."""

    max_chars = 60

    def __init__(self, failure: BaseException | None = None, hang: bool = False) -> None:
        self.sent: list[str] = []
        self.failure = failure
        self.hang = hang

    async def send_part(self, recipient_id: str, text: str) -> None:
        if self.hang:
            await asyncio.sleep(60)
        if self.failure:
            raise self.failure
        self.sent.append(text)


def test_long_answers_go_in_parts_and_buttons_as_a_numbered_list() -> None:
    output = RecordingOutput()
    buttons = [{"title": "Lower back", "payload": "/a"}, {"title": "Glutes", "payload": "/b"}]
    message = {"text": "Where does it hurt most? " * 3, "buttons": buttons}
    asyncio.run(output.send_response("+1555", message))
    assert all(len(part) <= 60 for part in output.sent)
    assert output.sent[-1] == "Reply with a number:\n1. Lower back\n2. Glutes"
    assert "/a" not in "".join(output.sent)


def test_a_failed_delivery_is_logged_without_the_text_and_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    output = RecordingOutput(failure=ConnectionError(f"could not send {SECRET_TEXT}"))
    with caplog.at_level(logging.ERROR):
        asyncio.run(output.send_response("+1555", {"text": SECRET_TEXT}))
    assert "Delivering an answer on RecordingOutput failed" in caplog.text
    assert "ConnectionError" in caplog.text
    assert "SENTINEL" not in caplog.text


def test_a_delivery_that_hangs_is_given_up(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(channels.delivery, "SEND_TIMEOUT_SECONDS", 0.05)
    with caplog.at_level(logging.ERROR):
        asyncio.run(RecordingOutput(hang=True).send_response("+1555", {"text": "hi"}))
    assert "TimeoutError" in caplog.text


def test_the_telegram_secret_is_stable_per_bot_and_in_telegrams_alphabet() -> None:
    secret = webhook_secret("123:abc")
    assert secret == webhook_secret("123:abc") != webhook_secret("123:abd")
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret)
    assert "abc" not in secret


def test_telegram_updates_give_the_chat_and_the_text() -> None:
    chat = {"id": 42, "type": "private"}
    assert telegram_message({"message": {"chat": chat, "text": "hi"}}) == ("42", "hi")
    assert telegram_message({"edited_message": {"chat": chat, "text": "hi!"}}) == ("42", "hi!")
    press = {"data": "/affirm", "from": {"id": 7}, "message": {"chat": chat}}
    assert telegram_message({"callback_query": press}) == ("42", "/affirm")
    assert telegram_message({"message": {"chat": chat, "sticker": {}}}) is None
    assert telegram_message({"my_chat_member": {}}) is None


def test_opening_a_telegram_bot_greets_it() -> None:
    chat = {"id": 42, "type": "private"}
    assert telegram_message({"message": {"chat": chat, "text": "/start"}}) == ("42", "/greet")
    assert telegram_message({"message": {"chat": chat, "text": "/start ref1"}}) == ("42", "/greet")
    assert telegram_message({"message": {"chat": chat, "text": "/started"}}) == ("42", "/started")


def test_a_telegram_button_sends_its_payload_or_else_its_title() -> None:
    assert callback_data({"title": "Yes", "payload": "/affirm"}) == "/affirm"
    payload = '/red_flag_see_soon{"red_flag_check": "none", "red_flag_sign": "light bleeding"}'
    title = "No, it's light spotting"
    assert callback_data({"title": title, "payload": payload}) == title
    long_title = "é" * 40
    assert len(callback_data({"title": long_title, "payload": payload}).encode()) <= 64
    assert MAX_CALLBACK_BYTES == 64


def test_every_message_of_a_messenger_batch_is_read_and_echoes_are_skipped() -> None:
    def event(sender: str, **fields: Any) -> dict[str, Any]:
        return {"sender": {"id": sender}, **fields}

    payload = {
        "entry": [
            {
                "messaging": [
                    event("1", message={"text": "hi"}),
                    event("2", message={"text": "Glutes", "quick_reply": {"payload": "/glutes"}}),
                    event("PAGE", message={"text": "our own answer", "is_echo": True}),
                    event("3", postback={"payload": "/restart"}),
                    event("4", read={"watermark": 1}),
                ]
            },
            {"messaging": [event("5", message={"text": "again"})]},
        ]
    }
    assert list(messenger_messages(payload)) == [
        ("1", "hi"),
        ("2", "/glutes"),
        ("3", "/restart"),
        ("5", "again"),
    ]


def test_a_messenger_call_must_be_signed_with_the_app_secret_over_sha256() -> None:
    body = b'{"object": "page"}'
    good = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert signed_by_facebook("app-secret", body, good)
    assert not signed_by_facebook("app-secret", body + b" ", good)
    assert not signed_by_facebook("another", body, good)
    sha1 = "sha1=" + hmac.new(b"app-secret", body, hashlib.sha1).hexdigest()
    assert not signed_by_facebook("app-secret", body, sha1)
    assert not signed_by_facebook("app-secret", body, "")


def test_messenger_button_titles_fit_in_20_characters() -> None:
    assert quick_reply_title("Glutes") == "Glutes"
    assert quick_reply_title("Yes, it's happening now") == "Yes, it's happening\u2026"
    assert len(quick_reply_title("How do I do shoulder blade squeezes?")) <= 20


@pytest.mark.parametrize(
    ("webhook_url", "public_url", "signed_for", "accepted"),
    [
        (None, "https://bot.example.org", "https://bot.example.org/webhooks/twilio/webhook", True),
        ("https://proxy.example.org/sms", "https://x", "https://proxy.example.org/sms", True),
        (None, None, "http://127.0.0.1:5005/webhooks/twilio/webhook", True),
        (None, "https://bot.example.org", "http://127.0.0.1:5005/webhooks/twilio/webhook", False),
    ],
)
def test_twilio_calls_are_checked_against_the_public_url(
    webhook_url: str | None, public_url: str | None, signed_for: str, accepted: bool
) -> None:
    channel = TwilioChannel("AC1", "auth-token", "+1555", webhook_url, public_url)
    form = {"From": "+15551234567", "Body": "hi"}
    signature = RequestValidator("auth-token").compute_signature(signed_for, form)
    request = SimpleNamespace(
        url="http://127.0.0.1:5005/webhooks/twilio/webhook",
        form=RequestParameters({key: [value] for key, value in form.items()}),
        headers={"X-Twilio-Signature": signature},
    )
    assert channel.signed_by_twilio(request) is accepted
    request.headers = {}
    assert not channel.signed_by_twilio(request)
