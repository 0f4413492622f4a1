"""Shared glue between Rasa trackers/dispatchers and the backcare library."""

from __future__ import annotations

import json

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from backcare.exercise_finder import find_exercise
from backcare.knowledge_base import AREAS, STAGES, Exercise, KnowledgeBase, load_knowledge_base
from backcare.replies import Button, Reply


def knowledge_base() -> KnowledgeBase:
    """The knowledge base, loaded and validated once per process."""
    return load_knowledge_base()


def current_stage(tracker: Tracker) -> str | None:
    """The stage slot as a stage id, or None when unknown, skipped or not given."""
    stage = tracker.get_slot("stage")
    return stage if stage in STAGES else None


def current_areas(tracker: Tracker) -> list[str]:
    """The body areas slot, canonical ids only ("general" and unknown values dropped)."""
    return [area for area in tracker.get_slot("body_areas") or [] if area in AREAS]


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The first value of `entity` in the latest user message (not an older slot value)."""
    return next(tracker.get_latest_entity_values(entity), None)


def named_exercise(tracker: Tracker) -> Exercise | None:
    """The exercise the latest message names: its `exercise` entity, else found in the text."""
    named = latest_entity(tracker, "exercise")
    return find_exercise(knowledge_base(), named or tracker.latest_message.get("text") or "")


def payload(button: Button) -> str:
    """Rasa's intent payload for a button: '/intent' or '/intent{"entity": "value"}'."""
    entities = json.dumps(dict(button.entities)) if button.entities else ""
    return f"/{button.intent}{entities}"


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    buttons = [{"title": button.title, "payload": payload(button)} for button in reply.buttons]
    dispatcher.utter_message(text=reply.text, buttons=buttons or None)
