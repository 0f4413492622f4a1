"""Long, malformed and unusual input on real servers: an answer every time, a JSON 400 for a
payload the REST channel cannot use, and no message text in the servers' logs."""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import socketio
import yaml

from backcare.message_text import NLU_MAX_CHARS, SCREEN_MAX_CHARS
from backcare.replies import MESSAGE_FAILED
from launcher.stack import AssistantStack
from tests.e2e.replies import texts
from tests.e2e.test_safety import EMERGENCY_ADVICE, assert_escalated

ROOT = Path(__file__).resolve().parents[2]
FILLER = (
    "so my lower back has been aching for a few weeks, mostly when I sit at my desk, and my "
    "toddler wants carrying all the time, which doesn't help. "
)
SIGN = " Oh and since this morning I'm bleeding heavily."
ONE_MEGABYTE = 1_000_000


def send_in_parts_answer() -> str:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"]["utter_send_in_parts"][0]["text"]


def long_message(length: int, ending: str = "") -> str:
    """Ordinary back-pain talk of about `length` characters, then `ending`."""
    return (FILLER * (length // len(FILLER) + 1))[:length] + ending


def post_raw(assistant: AssistantStack, body: bytes) -> tuple[int, str, str]:
    """POST `body` as curl -d does (form content type); (status, content type, body)."""
    request = urllib.request.Request(
        f"{assistant.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_a_sign_at_the_end_of_a_long_message_escalates(
    assistant: AssistantStack, sender: str
) -> None:
    message = long_message(8_000, SIGN)
    assert message.index(SIGN) > NLU_MAX_CHARS and len(message) <= SCREEN_MAX_CHARS
    assert_escalated(texts(assistant.send(sender, message)), EMERGENCY_ADVICE)


def test_a_megabyte_message_is_answered_and_asked_for_in_parts(
    assistant: AssistantStack, sender: str
) -> None:
    answer = assistant.send(sender, long_message(ONE_MEGABYTE))
    assert texts(answer) == send_in_parts_answer()


def test_an_over_long_message_with_a_sign_the_screen_read_escalates(
    assistant: AssistantStack, sender: str
) -> None:
    message = long_message(3_000, SIGN) + long_message(20_000)
    assert_escalated(texts(assistant.send(sender, message)), EMERGENCY_ADVICE)


def test_an_over_long_message_during_the_form_asks_for_parts_and_the_form_goes_on(
    assistant: AssistantStack, sender: str
) -> None:
    asked = texts(assistant.send(sender, "can you give me some exercises"))
    assert "How far along" in asked
    answer = texts(assistant.send(sender, long_message(SCREEN_MAX_CHARS + 1_000)))
    assert answer.startswith(send_in_parts_answer())
    assert "How far along" in answer, "the form asks its question again"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"sender": "me", "message": "hi"', "not valid JSON"),
        (b"", "must be a JSON object"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"sender": "me"}', "`message` is missing"),
        (b'{"sender": "me", "message": 42}', "`message` must be a string"),
        (b'{"sender": "me", "message": {"text": "hi"}}', "`message` must be a string"),
        (b'{"sender": 42, "message": "hi"}', "`sender` must be a non-empty string"),
        (b'{"message": "hi"}', "`sender` is missing"),
    ],
)
def test_a_payload_the_channel_cannot_use_gets_a_json_400(
    assistant: AssistantStack, body: bytes, reason: str
) -> None:
    status, content_type, answer = post_raw(assistant, body)
    assert status == 400
    assert content_type.startswith("application/json")
    error = json.loads(answer)["error"]
    assert reason in error and "\n" not in error


def test_a_curl_style_post_still_works(assistant: AssistantStack, sender: str) -> None:
    body = json.dumps({"sender": sender, "message": "hi"}).encode()
    status, _, answer = post_raw(assistant, body)
    assert status == 200
    assert json.loads(answer)[0]["text"].startswith("Hi!")


@pytest.mark.parametrize(
    "message",
    [
        "\x00\x01\x02\x1b[31m",
        "\u202e\u202dmy back hurts",
        "\u200b\u200c\u200d\ufeff",
        "my lo\u200bwer back hurts and I'm 20 weeks",
        "😭😭😭",
        "🤰💔🙏",
        "",
        "Me duele mucho la espalda, estoy embarazada de 20 semanas",
        "我怀孕20周，腰很痛",
        "ظهري يؤلمني كثيرا",
    ],
)
def test_odd_characters_emoji_and_other_languages_get_an_answer(
    assistant: AssistantStack, sender: str, message: str
) -> None:
    answer = texts(assistant.send(sender, message))
    assert answer.strip()
    assert MESSAGE_FAILED not in answer


def test_a_sign_typed_with_hidden_characters_escalates(
    assistant: AssistantStack, sender: str
) -> None:
    message = "I'm 30 weeks and I'm blee\u200bding hea\u00advily"
    assert_escalated(texts(assistant.send(sender, message)), EMERGENCY_ADVICE)


def test_the_widgets_socketio_channel_screens_a_long_message_whole(
    assistant: AssistantStack,
) -> None:
    answers = socketio_answers(assistant.rasa_url, long_message(8_000, SIGN))
    assert_escalated("\n".join(answer.get("text", "") for answer in answers), EMERGENCY_ADVICE)


def test_no_message_text_in_the_server_logs(assistant: AssistantStack) -> None:
    sentinel = f"zq{uuid.uuid4().hex[:10]}"
    conversation = f"e2e-{uuid.uuid4().hex[:12]}"
    for message in [
        f"{sentinel} my lower back hurts and I'm 20 weeks",
        f"how do I do a {sentinel} pelvic tilt",
        f"{sentinel} I'm bleeding heavily",
        long_message(8_000, f" {sentinel}"),
        f"{sentinel} " + long_message(ONE_MEGABYTE),
    ]:
        assert assistant.send(conversation, message), "every message gets an answer"
    post_raw(assistant, f'{{"sender": "{conversation}", "message": "{sentinel}'.encode())
    post_raw(assistant, json.dumps({"sender": [sentinel], "message": sentinel}).encode())
    time.sleep(1)  # the log copier writes line by line
    for name in ("rasa", "actions"):
        log = assistant.processes[name].log_path.read_text(encoding="utf-8")
        assert sentinel not in log, f"message text in the {name} log"


def socketio_answers(server_url: str, message: str, quiet_seconds: float = 3.0) -> list[dict]:
    """Send one message as the web widget does; the bot's messages until it goes quiet."""
    client = socketio.Client()
    answers: queue.Queue[dict] = queue.Queue()
    confirmed = threading.Event()
    client.on("bot_uttered", answers.put)
    client.on("session_confirm", lambda *_: confirmed.set())
    session_id = uuid.uuid4().hex
    client.connect(server_url, transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session_id})
        assert confirmed.wait(30), "no session_confirm"
        client.emit("user_uttered", {"message": message, "session_id": session_id})
        collected = [answers.get(timeout=60)]
        while True:
            try:
                collected.append(answers.get(timeout=quiet_seconds))
            except queue.Empty:
                return collected
    finally:
        client.disconnect()
