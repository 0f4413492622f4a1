"""Recommend exercises for the person's stage and areas, and page through more of them."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.adapters import (
    FailSafeAction,
    current_areas,
    current_stage,
    knowledge_base,
    latest_entity,
    send,
    signs_to_remind,
)
from actions.plan import make_plan_and_send
from backcare.recommender import recommend
from backcare.replies import recommendation_reply


class ActionRecommendExercises(FailSafeAction):
    """2-3 exercises after the form: a fresh set when the message brought a new stage or area
    (a first answer or a correction), otherwise the next ones, so nothing is repeated. When the
    person asked for a plan (slot `plan_requested`), the plan instead."""

    answers_reports = True

    def name(self) -> str:
        return "action_recommend_exercises"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("plan_requested"):
            return make_plan_and_send(dispatcher, tracker)
        new_facts = latest_entity(tracker, "stage") or latest_entity(tracker, "body_area")
        shown = [] if new_facts else list(tracker.get_slot("shown_exercises") or [])
        return recommend_and_send(dispatcher, tracker, shown)


class ActionMoreExercises(FailSafeAction):
    """The next suitable exercises, never repeating one already shown."""

    def name(self) -> str:
        return "action_more_exercises"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return recommend_and_send(
            dispatcher, tracker, list(tracker.get_slot("shown_exercises") or [])
        )


def recommend_and_send(
    dispatcher: CollectingDispatcher, tracker: Tracker, shown: list[str]
) -> list[EventType]:
    """Recommend for the tracker's stage and areas, skipping `shown`; record what was shown."""
    kb = knowledge_base()
    result = recommend(kb, current_stage(tracker), current_areas(tracker), exclude=shown)
    reply = recommendation_reply(
        kb,
        result,
        red_flag_signs=signs_to_remind(tracker),
        routine_signs=tracker.get_slot("routine_signs"),
        follow_up=bool(shown),
    )
    send(dispatcher, reply)
    return [
        SlotSet("shown_exercises", shown + [exercise.id for exercise in result.exercises]),
        SlotSet("routine_signs", None),  # the routine note is said once
    ]
