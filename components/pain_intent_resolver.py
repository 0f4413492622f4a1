"""Rasa component that keeps a message naming a stage or a body area out of the fallback.

Place it after FallbackClassifier and before RedFlagScreen. A message that names where it
hurts or how far along the person is (a `body_area` or `stage` entity, found by DIET or by the
deterministic extractors) is about their back, whatever DIET's confidence: when the intent is
the fallback, or one that would ignore those facts (a greeting, "yes", "no", "not sure", out
of scope), it becomes `describe_pain`, so the exercise form uses the facts and asks only for
what is missing.

It also settles DIET's doubts about a question whether a named exercise is safe: heard as
`exercise_hurt` ("are clamshells ok? hips are sore"; that intent drops the exercise from the
plan) or as one of the intents above ("are glute bridges ok at 22 weeks?"), it is
`ask_exercise_safety`, unless the message says the exercise hurt.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from backcare.exercise_questions import asks_if_exercise_is_safe
from backcare.other_medical import mentions_other_medical
from components.base import MessageComponent, decide_intent

FACT_ENTITIES = ("body_area", "stage")
EXERCISE_ENTITY = "exercise"
PAIN_INTENT = "describe_pain"
HURT_INTENT = "exercise_hurt"
SAFETY_INTENT = "ask_exercise_safety"
OVERRIDDEN_INTENTS = {
    DEFAULT_NLU_FALLBACK_INTENT_NAME,
    "out_of_scope",
    "greet",
    "affirm",
    "deny",
    "thanks",
    "dont_know",
    # DIET hears "no bleeding, no fever" as the answer "it has stopped"
    "red_flag_resolved",
    # "neck's stiff from looking down at her while she feeds, what helps?" (but not a question
    # naming a medicine or another condition)
    "ask_other_medical",
}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PainIntentResolver(MessageComponent, IntentClassifier):
    """Turns a fallback (or a fact-blind intent) into `describe_pain` when facts are named,
    and a safety question DIET heard as `exercise_hurt` into `ask_exercise_safety`."""

    def process_message(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        text = message.get(TEXT) or ""
        if intent == HURT_INTENT and asks_if_exercise_is_safe(text):
            decide_intent(message, SAFETY_INTENT, _ranked_without(message, SAFETY_INTENT))
            return
        if intent not in OVERRIDDEN_INTENTS:
            return
        if _names(message, EXERCISE_ENTITY) and asks_if_exercise_is_safe(text):
            # "are glute bridges ok at 22 weeks?" that DIET was unsure of
            decide_intent(message, SAFETY_INTENT, _ranked_without(message, SAFETY_INTENT))
            return
        if intent == "ask_other_medical" and mentions_other_medical(text):
            return
        if not _names(message, *FACT_ENTITIES):
            return
        decide_intent(message, PAIN_INTENT, _ranked_without(message, PAIN_INTENT))


def _names(message: Message, *entity_types: str) -> bool:
    """Whether the message has an entity of one of `entity_types`."""
    return any(
        entity.get(ENTITY_ATTRIBUTE_TYPE) in entity_types for entity in message.get(ENTITIES) or []
    )


def _ranked_without(message: Message, intent: str) -> list[dict]:
    """DIET's ranking without `intent` (the rest to keep after deciding it)."""
    return [
        ranked
        for ranked in message.get(INTENT_RANKING_KEY) or []
        if ranked.get(INTENT_NAME_KEY) != intent
    ]
