"""Recommend exercises for the person's stage and areas, and page through more of them."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.adapters import current_areas, current_stage, knowledge_base, send
from backcare.recommender import recommend
from backcare.replies import recommendation_reply


class ActionRecommendExercises(Action):
    """A fresh set of 2-3 exercises (after the form, or after a correction)."""

    def name(self) -> str:
        return "action_recommend_exercises"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = knowledge_base()
        areas = current_areas(tracker)
        result = recommend(kb, current_stage(tracker), areas)
        send(
            dispatcher, recommendation_reply(kb, result, areas, tracker.get_slot("red_flag_signs"))
        )
        return [SlotSet("shown_exercises", [item.exercise.id for item in result.recommendations])]


class ActionMoreExercises(Action):
    """The next suitable exercises, never repeating one already shown."""

    def name(self) -> str:
        return "action_more_exercises"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = knowledge_base()
        areas = current_areas(tracker)
        shown = list(tracker.get_slot("shown_exercises") or [])
        result = recommend(kb, current_stage(tracker), areas, exclude=shown)
        reply = recommendation_reply(
            kb, result, areas, tracker.get_slot("red_flag_signs"), follow_up=True
        )
        send(dispatcher, reply)
        return [
            SlotSet(
                "shown_exercises", shown + [item.exercise.id for item in result.recommendations]
            )
        ]
