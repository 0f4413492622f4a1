"""Causes, self-care tips and exercise-safety answers from the guides."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.adapters import (
    FailSafeAction,
    current_areas,
    current_stage,
    knowledge_base,
    latest_entity,
    named_exercise,
    send,
)
from backcare.replies import causes_reply, exercise_safety_reply, tips_reply


class ActionExplainCauses(FailSafeAction):
    answers_reports = True

    def name(self) -> str:
        return "action_explain_causes"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send(
            dispatcher,
            causes_reply(knowledge_base(), current_areas(tracker), current_stage(tracker)),
        )
        return []


class ActionSelfCareTips(FailSafeAction):
    answers_reports = True

    def name(self) -> str:
        return "action_self_care_tips"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        topic = latest_entity(tracker, "self_care_topic")
        send(dispatcher, tips_reply(knowledge_base(), topic, current_stage(tracker)))
        return []


class ActionExerciseSafety(FailSafeAction):
    answers_reports = True

    def name(self) -> str:
        return "action_exercise_safety"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reply = exercise_safety_reply(
            knowledge_base(), current_stage(tracker), named_exercise(tracker)
        )
        send(dispatcher, reply)
        return []
