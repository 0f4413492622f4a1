"""Explain how to do one exercise."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.adapters import (
    FailSafeAction,
    current_stage,
    knowledge_base,
    latest_entity,
    named_exercise,
    send,
)
from backcare.replies import how_to_reply, unknown_exercise_reply, which_exercise_reply


class ActionExplainExercise(FailSafeAction):
    """Steps, dosage, cautions and source for the exercise named in the latest message."""

    answers_reports = True

    def name(self) -> str:
        return "action_explain_exercise"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = knowledge_base()
        named = latest_entity(tracker, "exercise")
        exercise = named_exercise(tracker)
        if exercise:
            reply = how_to_reply(kb, exercise, current_stage(tracker))
        elif named:
            reply = unknown_exercise_reply(kb, named)
        else:
            reply = which_exercise_reply(kb, tracker.get_slot("shown_exercises") or [])
        send(dispatcher, reply)
        return []
