"""Real rasa-sdk Trackers and a CollectingDispatcher for running actions without servers
(imported by the action tests: helpers, not fixtures, because each test builds its own tracker)."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapters import payload
from backcare.replies import Reply

DOMAIN: dict[str, Any] = {}


def make_tracker(
    text: str = "",
    intent: str = "request_exercises",
    entities: list[dict[str, Any]] | None = None,
    **slots: Any,
) -> Tracker:
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
    }
    return Tracker(
        sender_id="test",
        slots=slots,
        latest_message=latest_message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def exercise_entity(exercise_id: str) -> list[dict[str, Any]]:
    """The entities of a message naming one exercise."""
    return [{"entity": "exercise", "value": exercise_id}]


def run_action(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict]]:
    """Run an action; return (events, messages the dispatcher collected)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return events, dispatcher.messages


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def said(messages: list[dict]) -> list[tuple[str, list[dict]]]:
    """Each collected message as (text, buttons)."""
    return [(message["text"], message["buttons"]) for message in messages]


def sent(reply: Reply) -> tuple[str, list[dict]]:
    """The (text, buttons) an action sends for a reply built by backcare.replies."""
    return reply.text, [{"title": b.title, "payload": payload(b)} for b in reply.buttons]
