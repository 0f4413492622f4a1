"""Opt-in check-ins over the widget's socket.io channel, which delivers Rasa reminders to the
connected conversation (REST returns only the answer to each request, so a reminder that fires
later never reaches a REST client)."""

from __future__ import annotations

import json
import queue
import uuid
from datetime import datetime, timedelta

import socketio

from backcare.checkins import DAYS
from backcare.knowledge_base import load_knowledge_base
from backcare.replies import checkin_reply, reminders_stopped_reply
from launcher.stack import AssistantStack
from tests.e2e.test_safety import SEE_SOON_ADVICE, assert_escalated

CHECKIN_QUESTION = "How is your back today?"


class WidgetClient:
    """A socket.io client that joins one conversation as the web widget does: on every
    connection, also when it reconnects after the server was away (web/chat.js)."""

    def __init__(self, server_url: str) -> None:
        self.session_id = uuid.uuid4().hex
        self.messages: queue.Queue[dict] = queue.Queue()
        self.confirmed: queue.Queue[str] = queue.Queue()
        self.client = socketio.Client()
        self.client.on("bot_uttered", self.messages.put)
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("connect", self._join)
        self.client.connect(server_url, transports=["polling"])
        self.wait_until_joined(30)

    def _join(self) -> None:
        self.client.emit("session_request", {"session_id": self.session_id})

    def wait_until_joined(self, timeout: float) -> None:
        """Wait for the server to confirm the conversation (after a connection or reconnection)."""
        assert self.confirmed.get(timeout=timeout) == self.session_id

    def say(self, message: str) -> None:
        self.client.emit("user_uttered", {"message": message, "session_id": self.session_id})

    def next_text(self, containing: str, timeout: float) -> dict:
        """The first bot message whose text contains `containing`, skipping others."""
        deadline = datetime.now() + timedelta(seconds=timeout)
        while (left := (deadline - datetime.now()).total_seconds()) > 0:
            message = self.messages.get(timeout=left)
            if containing in message.get("text", ""):
                return message
        raise AssertionError(f"no message with {containing!r}")

    def close(self) -> None:
        self.client.disconnect()


def test_checkin_is_delivered_answered_screened_and_stopped(assistant: AssistantStack) -> None:
    widget = WidgetClient(assistant.rasa_url)
    try:
        widget.say("remind me")
        offer = widget.next_text("Which suits you?", 60)
        assert len(offer["quick_replies"]) == 3
        # the next whole minute, on its own weekday: the shortest schedule a person can pick
        due = (datetime.now().astimezone() + timedelta(minutes=1)).replace(second=0, microsecond=0)
        schedule = f"{DAYS[due.weekday()]}@{due:%H:%M}"
        widget.say("/request_reminder" + json.dumps({"reminder_schedule": schedule}))
        widget.next_text("Done: I'll check in on", 60)

        checkin = widget.next_text(CHECKIN_QUESTION, 120)
        assert datetime.now().astimezone() >= due
        assert checkin["text"] == checkin_reply(load_knowledge_base()).text
        titles = [reply["title"] for reply in checkin["quick_replies"]]
        assert titles[:3] == ["Better", "About the same", "Getting worse"]

        widget.say("/back_worse")
        assert "Please contact your healthcare provider" in widget.next_text("sorry", 60)["text"]
        widget.say("my back is worse and I have had a fever since yesterday")
        escalation = widget.next_text(SEE_SOON_ADVICE, 60)["text"]
        assert_escalated(escalation, SEE_SOON_ADVICE)

        widget.say("stop reminders")
        widget.next_text(reminders_stopped_reply(True).text, 60)
        events = assistant.tracker(widget.session_id)["events"]
        kinds = [event["event"] for event in events]
        assert kinds.count("reminder") == 2, "the first check-in and the next one it scheduled"
        assert kinds.index("cancel_reminder") > max(
            i for i, kind in enumerate(kinds) if kind == "reminder"
        )
        assert assistant.tracker(widget.session_id)["slots"]["reminder_schedule"] is None
    finally:
        widget.close()
