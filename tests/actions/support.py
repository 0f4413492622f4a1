"""Real rasa-sdk Trackers and a CollectingDispatcher for running actions without servers
(imported by the action tests: helpers, not fixtures, because each test builds its own tracker)."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

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


def run_action(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict]]:
    """Run an action; return (events, messages the dispatcher collected)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return events, dispatcher.messages


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
