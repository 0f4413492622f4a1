"""Telegram, Slack, Facebook Messenger and Twilio SMS on one real Rasa and action server, switched
on by dummy environment variables only, with the platforms' APIs played by a local stub
(tests/e2e/platform_stub.py). Each test posts the webhook call the platform would post, signed
the way the platform signs it, and checks the stored conversation and what the platform was
asked to deliver."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from backcare.replies import REPLY_WITH_A_NUMBER
from channels.platforms import PLATFORM_VARIABLES
from channels.telegram import SECRET_HEADER, webhook_secret
from launcher.model import train_if_needed
from launcher.stack import AssistantStack, http_get, scratch_stack
from tests.e2e.platform_stub import Call, PlatformStub
from tests.e2e.test_safety import EMERGENCY_ADVICE, mentions_an_exercise

PUBLIC_URL = "https://assistant.example.org"
TELEGRAM_TOKEN = "123456789:stub-telegram-token"
SLACK_SIGNING_SECRET = "stub-slack-signing-secret"
FACEBOOK_APP_SECRET = "stub-facebook-app-secret"
TWILIO_ACCOUNT_SID = "AC" + "0" * 32
TWILIO_AUTH_TOKEN = "stub-twilio-auth-token"
TWILIO_NUMBER = "+15550000000"
RED_FLAG = "I'm bleeding heavily and soaking a pad every hour"
RECOMMENDATION = "my upper back hurts and I'm in my second trimester"
_numbers = itertools.count(1)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def webhook(stack: AssistantStack, channel: str) -> str:
    return f"{stack.rasa_url}/webhooks/{channel}/webhook"


def telegram_update(sender: str, text: str) -> dict:
    chat = {"id": int(sender), "type": "private"}
    message = {"message_id": next(_numbers), "date": int(time.time()), "chat": chat}
    return {"update_id": next(_numbers), "message": {**message, "text": text}}


def post_telegram(stack: AssistantStack, sender: str, text: str, signed: bool = True) -> int:
    return post_telegram_update(stack, telegram_update(sender, text), signed)


def post_telegram_update(stack: AssistantStack, update: dict, signed: bool = True) -> int:
    secret = webhook_secret(TELEGRAM_TOKEN) if signed else webhook_secret("1:another-bot")
    headers = {"Content-Type": "application/json", SECRET_HEADER: secret}
    return post(webhook(stack, "telegram"), json.dumps(update).encode(), headers)


def post_slack(stack: AssistantStack, sender: str, text: str, signed: bool = True) -> int:
    event = {"type": "message", "channel": f"D{sender}", "channel_type": "im", "user": sender}
    event.update(text=text, ts=f"{time.time():.6f}")
    body = json.dumps({"type": "event_callback", "team_id": "T1", "event": event}).encode()
    timestamp = str(int(time.time()))
    secret = SLACK_SIGNING_SECRET if signed else "another-secret"
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }
    return post(webhook(stack, "slack"), body, headers)


def post_facebook(stack: AssistantStack, sender: str, text: str, signed: bool = True) -> int:
    event = {"sender": {"id": sender}, "recipient": {"id": "PAGE"}, "timestamp": 0}
    event["message"] = {"mid": f"m_{next(_numbers)}", "text": text}
    body = json.dumps({"object": "page", "entry": [{"id": "PAGE", "messaging": [event]}]})
    secret = FACEBOOK_APP_SECRET if signed else "another-secret"
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}
    return post(webhook(stack, "facebook"), body.encode(), headers)


def post_twilio(stack: AssistantStack, sender: str, text: str, signed: bool = True) -> int:
    fields = {"From": sender, "To": TWILIO_NUMBER, "Body": text, "NumMedia": "0"}
    fields.update(MessageSid=f"SM{uuid.uuid4().hex}", AccountSid=TWILIO_ACCOUNT_SID)
    # Twilio signs the public URL it posted to, not the loopback address the server sees
    signed_url = f"{PUBLIC_URL}/webhooks/twilio/webhook" if signed else webhook(stack, "twilio")
    signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(signed_url, fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return post(webhook(stack, "twilio"), urlencode(fields).encode(), headers)


@dataclass(frozen=True)
class Platform:
    name: str
    new_sender: Callable[[], str]
    send: Callable[..., int]  # (stack, sender, text, signed=True) -> HTTP status
    refusal: int  # the status of a wrongly signed call
    is_delivery_to: Callable[[Call, str], bool]
    delivered_text: Callable[[Call], str]


PLATFORMS = [
    Platform(
        "telegram",
        lambda: str(100_000_000 + uuid.uuid4().int % 100_000_000),
        post_telegram,
        403,
        lambda call, to: call.path.endswith("/sendMessage") and call.fields["chat_id"] == to,
        lambda call: call.fields["text"],
    ),
    Platform(
        "slack",
        lambda: f"U{uuid.uuid4().hex[:10].upper()}",
        post_slack,
        400,  # Rasa's own check
        lambda call, to: call.path == "/api/chat.postMessage"
        and call.fields["channel"] == f"D{to}",
        lambda call: call.fields["text"],
    ),
    Platform(
        "facebook",
        lambda: str(uuid.uuid4().int % 10**16),
        post_facebook,
        403,
        lambda call, to: call.path.endswith("/me/messages")
        and call.fields["recipient"]["id"] == to,
        lambda call: call.fields["message"]["text"],
    ),
    Platform(
        "twilio",
        lambda: f"+1555{uuid.uuid4().int % 10**7:07d}",
        post_twilio,
        403,
        lambda call, to: call.path.endswith("/Messages.json") and call.fields["To"] == to,
        lambda call: call.fields["Body"],
    ),
]
BY_NAME = {platform.name: platform for platform in PLATFORMS}
each_platform = pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.name)


@pytest.fixture(scope="module")
def stub() -> Iterator[PlatformStub]:
    """Not listening yet: the Rasa server starts while the platforms are unreachable."""
    platforms = PlatformStub()
    yield platforms
    platforms.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, stub: PlatformStub) -> Iterator[AssistantStack]:
    tracker_db = tmp_path_factory.mktemp("platforms") / "tracker.db"
    assistant = scratch_stack(train_if_needed(), tracker_db)
    # only these platform settings, whatever .env holds
    assistant.extra_environment.update(dict.fromkeys(PLATFORM_VARIABLES, ""))
    assistant.extra_environment.update(
        PUBLIC_URL=PUBLIC_URL,
        TELEGRAM_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_URL=stub.url,
        SLACK_BOT_TOKEN="xoxb-stub-token",
        SLACK_SIGNING_SECRET=SLACK_SIGNING_SECRET,
        SLACK_API_URL=f"{stub.url}/api/",
        FACEBOOK_VERIFY_TOKEN="stub-verify-token",
        FACEBOOK_APP_SECRET=FACEBOOK_APP_SECRET,
        FACEBOOK_PAGE_ACCESS_TOKEN="stub-page-token",
        FACEBOOK_API_URL=stub.url,
        TWILIO_ACCOUNT_SID=TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=TWILIO_AUTH_TOKEN,
        TWILIO_NUMBER=TWILIO_NUMBER,
        TWILIO_API_URL=stub.url,
    )
    try:
        assistant.start()
        stub.start()
        yield assistant
    finally:
        assistant.stop()


def rasa_log(stack: AssistantStack) -> str:
    return stack.processes["rasa"].log_path.read_text(encoding="utf-8")


def user_events(tracker: dict) -> list[dict]:
    return [event for event in tracker["events"] if event["event"] == "user"]


def wait_for_turns(stack: AssistantStack, sender: str, turns: int, timeout: float = 60) -> dict:
    """The stored conversation once it holds `turns` messages from the person, all answered."""
    deadline = time.monotonic() + timeout
    while True:
        tracker = stack.tracker(sender)
        events = tracker["events"]
        answered = events and events[-1].get("name") == "action_listen"
        if len(user_events(tracker)) >= turns and answered:
            return tracker
        assert time.monotonic() < deadline, f"no answer to turn {turns} in {timeout:g} s"
        time.sleep(0.2)


def last_answer(tracker: dict) -> list[dict]:
    """The assistant's messages since the person last wrote."""
    events = tracker["events"]
    last_user = max(index for index, event in enumerate(events) if event["event"] == "user")
    return [event for event in events[last_user:] if event["event"] == "bot"]


def delivered(stub: PlatformStub, platform: Platform, sender: str) -> list[str]:
    calls = stub.recorded(lambda call: platform.is_delivery_to(call, sender))
    return [platform.delivered_text(call) for call in calls]


def test_telegram_started_offline_keeps_serving_and_registers_later(
    stack: AssistantStack, stub: PlatformStub
) -> None:
    assert "Telegram: could not register the webhook" in rasa_log(stack)
    assert "Messaging platforms on: telegram, slack, facebook, twilio (SMS)." in rasa_log(stack)
    deadline = time.monotonic() + 60
    while not (registered := stub.recorded(lambda call: call.path.endswith("/setWebhook"))):
        assert time.monotonic() < deadline, "the webhook was not registered once Telegram answered"
        time.sleep(0.5)
    assert registered[0].fields == {
        "url": f"{PUBLIC_URL}/webhooks/telegram/webhook",
        "secret_token": webhook_secret(TELEGRAM_TOKEN),
    }


@each_platform
def test_a_message_gets_its_answer(
    stack: AssistantStack, stub: PlatformStub, platform: Platform
) -> None:
    sender = platform.new_sender()
    assert platform.send(stack, sender, RECOMMENDATION) == 200
    tracker = wait_for_turns(stack, sender, 1)
    assert user_events(tracker)[0]["text"] == RECOMMENDATION
    assert tracker["slots"]["stage"] == "trimester_2"
    answer = "\n".join(event["text"] for event in last_answer(tracker))
    assert mentions_an_exercise(answer)
    sent = "\n".join(delivered(stub, platform, sender))
    first_paragraph = answer.split("\n\n")[0]
    assert first_paragraph in sent, "the platform was asked to deliver the answer"


@each_platform
def test_a_red_flag_escalates_in_one_message(
    stack: AssistantStack, stub: PlatformStub, platform: Platform
) -> None:
    sender = platform.new_sender()
    assert platform.send(stack, sender, RED_FLAG) == 200
    tracker = wait_for_turns(stack, sender, 1)
    assert user_events(tracker)[0]["parse_data"]["intent"]["name"] == "red_flag_emergency"
    escalation = last_answer(tracker)[0]["text"]
    assert EMERGENCY_ADVICE in escalation and not mentions_an_exercise(escalation)
    assert any(escalation in text for text in delivered(stub, platform, sender))


@each_platform
def test_a_wrongly_signed_call_is_refused_and_reaches_no_conversation(
    stack: AssistantStack, platform: Platform
) -> None:
    sender = platform.new_sender()
    assert platform.send(stack, sender, RED_FLAG, signed=False) == platform.refusal
    time.sleep(1)  # Slack's messages are handled in the background: give one a chance
    assert user_events(stack.tracker(sender)) == []


def test_sms_shows_buttons_as_a_numbered_list_and_a_number_picks_one(
    stack: AssistantStack, stub: PlatformStub
) -> None:
    sms = BY_NAME["twilio"]
    sender = sms.new_sender()
    post_twilio(stack, sender, "I'd like some exercises please")
    wait_for_turns(stack, sender, 1)
    question = delivered(stub, sms, sender)[-1]
    assert f"{REPLY_WITH_A_NUMBER}\n1. 1st trimester\n2. 2nd trimester\n" in question
    assert "/inform_stage" not in question, "never the raw payload"

    post_twilio(stack, sender, "2")
    tracker = wait_for_turns(stack, sender, 2)
    assert user_events(tracker)[-1]["text"] == '/inform_stage{"stage": "trimester_2"}'
    assert tracker["slots"]["stage"] == "trimester_2"
    assert "Where does it hurt" in delivered(stub, sms, sender)[-1]

    post_twilio(stack, sender, "upper back")  # the option's words pick it too
    tracker = wait_for_turns(stack, sender, 3)
    assert tracker["slots"]["body_areas"] == ["upper_back"]
    assert mentions_an_exercise("\n".join(delivered(stub, sms, sender)[-3:]))


def test_a_telegram_button_whose_payload_is_too_long_sends_its_title(
    stack: AssistantStack, stub: PlatformStub
) -> None:
    telegram = BY_NAME["telegram"]
    sender = telegram.new_sender()
    post_telegram(stack, sender, "I'm bleeding")
    wait_for_turns(stack, sender, 1)
    (keyboard_call,) = stub.recorded(
        lambda call: telegram.is_delivery_to(call, sender) and "reply_markup" in call.fields
    )
    keyboard = json.loads(keyboard_call.fields["reply_markup"])["inline_keyboard"]
    pressed = {row[0]["text"]: row[0]["callback_data"] for row in keyboard}
    assert pressed["No, it's light spotting"] == "No, it's light spotting"  # its payload: 80 bytes

    press = {"id": "1", "from": {"id": int(sender)}, "data": pressed["No, it's light spotting"]}
    press["message"] = {"message_id": 1, "date": 0, "chat": {"id": int(sender), "type": "private"}}
    assert (
        post_telegram_update(stack, {"update_id": next(_numbers), "callback_query": press}) == 200
    )
    tracker = wait_for_turns(stack, sender, 2)
    assert user_events(tracker)[-1]["parse_data"]["intent"]["name"] == "red_flag_see_soon"


def test_a_slow_platform_holds_up_no_other_conversation(
    stack: AssistantStack, stub: PlatformStub
) -> None:
    sms, telegram = BY_NAME["twilio"], BY_NAME["telegram"]
    slow, other = sms.new_sender(), telegram.new_sender()
    release = stub.hold(slow)
    waiting = threading.Thread(target=post_twilio, args=(stack, slow, RECOMMENDATION))
    waiting.start()
    try:
        time.sleep(1)  # the SMS answer is now waiting on Twilio
        assert post_telegram(stack, other, RECOMMENDATION) == 200
        wait_for_turns(stack, other, 1)
        assert delivered(stub, telegram, other), "Telegram's answer went out"
        assert delivered(stub, sms, slow) == [], "while Twilio still held the SMS answer"
    finally:
        release()
        waiting.join(60)
    wait_for_turns(stack, slow, 1)


def test_an_unreachable_platform_loses_no_turn(stack: AssistantStack, stub: PlatformStub) -> None:
    senders = {platform.name: platform.new_sender() for platform in PLATFORMS}
    stub.stop()
    try:
        for platform in PLATFORMS:
            assert platform.send(stack, senders[platform.name], RED_FLAG) == 200
        for platform in PLATFORMS:
            tracker = wait_for_turns(stack, senders[platform.name], 1)
            assert EMERGENCY_ADVICE in last_answer(tracker)[0]["text"]
    finally:
        stub.start()
    log = rasa_log(stack)
    for platform in PLATFORMS:
        assert f"Delivering an answer on {platform.name} failed" in log
        assert senders[platform.name] not in log, "no sender id in the log"
    assert RED_FLAG not in log, "no message text in the log"


def test_without_platform_variables_only_rest_and_socketio_are_open(
    assistant: AssistantStack,
) -> None:
    """The other e2e tests' stack, started without platform variables."""
    for channel in ("telegram", "slack", "facebook", "twilio"):
        assert http_get(f"{assistant.rasa_url}/webhooks/{channel}/")[0] == 404
    for channel in ("rest", "socketio"):
        assert http_get(f"{assistant.rasa_url}/webhooks/{channel}/")[0] == 200
    assert "Messaging platforms on: none" in rasa_log(assistant)
