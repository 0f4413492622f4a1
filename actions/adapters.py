"""Shared glue between Rasa trackers/dispatchers and the backcare library."""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from backcare.exercise_finder import find_exercise
from backcare.knowledge_base import AREAS, STAGES, Exercise, KnowledgeBase, load_knowledge_base
from backcare.log_privacy import describe_failure, logs_user_data
from backcare.red_flag_second_opinion import MAYBE_CHECK
from backcare.replies import ACTION_UNAVAILABLE, NO_SIGN_SEEN, Button, Reply

logger = logging.getLogger(__name__)


class FailSafeAction(Action, ABC):
    """A custom action that, when it fails, apologises and logs the failure without the
    person's text or slots. Left to rasa-sdk, a failure returns the whole tracker in the error
    response, and the Rasa server writes that to its log.

    An action that `answers_reports` first tells a person who asked whether to worry about what
    they described (the red-flag screen's `worry_question` entity) that no warning sign was
    heard, unless one was earlier or a routine note follows."""

    answers_reports = False

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            if self.answers_reports and asked_whether_to_worry(tracker):
                send(dispatcher, NO_SIGN_SEEN)
            return await self.respond(dispatcher, tracker, domain)
        except Exception as error:
            failure = describe_failure(error, logs_user_data())
            logger.error("Custom action %s failed\n%s", self.name(), failure)
            dispatcher.utter_message(text=ACTION_UNAVAILABLE)
            return []

    @abstractmethod
    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """What the action does (rasa-sdk's `run`)."""


def asked_whether_to_worry(tracker: Tracker) -> bool:
    """The latest message asked whether to worry about what it told, and no sign came up."""
    return (
        latest_entity(tracker, "worry_question") is not None
        and latest_entity(tracker, "routine_sign") is None
        and not tracker.get_slot("red_flag_signs")
    )


def signs_to_remind(tracker: Tracker) -> str | None:
    """The warning signs later advice opens with a reminder of; none after the second opinion's
    "maybe" (red_flag_check "maybe": not answered, or answered "nothing like that")."""
    if tracker.get_slot("red_flag_check") == MAYBE_CHECK:
        return None
    return tracker.get_slot("red_flag_signs")


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
