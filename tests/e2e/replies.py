"""Read the bot messages the REST channel returns, and build the ones a reply from
backcare.replies should arrive as (a helper module imported by the e2e tests)."""

from __future__ import annotations

from actions.adapters import payload
from backcare.replies import Reply


def texts(messages: list[dict]) -> str:
    """All bot texts of one answer, joined."""
    return "\n".join(message.get("text", "") for message in messages)


def buttons(messages: list[dict]) -> list[dict]:
    return [button for message in messages for button in message.get("buttons", [])]


def bot_messages(messages: list[dict]) -> list[dict]:
    """The messages without their recipient id."""
    return [{k: v for k, v in message.items() if k != "recipient_id"} for message in messages]


def as_sent(reply: Reply) -> dict:
    """The REST message a custom action's reply arrives as."""
    message: dict = {"text": reply.text}
    if reply.buttons:
        message["buttons"] = [{"title": b.title, "payload": payload(b)} for b in reply.buttons]
    return message
