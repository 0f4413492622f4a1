"""Record whether the advice helped (a slot, so it lands in the tracker store)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.adapters import FailSafeAction, send
from backcare.replies import feedback_reply

HELPFUL_INTENTS = {"feedback_helpful", "affirm"}


class ActionRecordFeedback(FailSafeAction):
    def name(self) -> str:
        return "action_record_feedback"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        helpful = (tracker.latest_message.get("intent") or {}).get("name") in HELPFUL_INTENTS
        send(dispatcher, feedback_reply(helpful))
        return [SlotSet("feedback", "helpful" if helpful else "not_helpful")]
