"""Rasa component that screens every message for red flags and overrides the intent.

Place it last in the pipeline, after FallbackClassifier and PainIntentResolver, so nothing
overrides what it decides. It reads MessagePreparer's screen text, which may run longer than
what the rest of the pipeline reads, and it is the single authority on the `red_flag_*`
intents and on `message_too_long`:

- a reported sign -> intent `red_flag_emergency` or `red_flag_see_soon` (confidence 1.0) and one
  `red_flag_sign` entity naming every sign heard, most urgent first ("bleeding and chest pain"),
  so the `red_flag_signs` text slot and the escalation reply name them all;
- a message longer than the screen reads (MessagePreparer's `too_long_to_screen`) with no sign
  in the part it read -> intent `message_too_long`: the person is asked to send it in parts;
- a question about warning signs -> intent `ask_warning_signs` (confidence 1.0); but asking only
  whether to worry, in a message that gives a stage or an area ("31 weeks, my lower back aches,
  should I be worried?"), is a report: DIET's best other intent answers it, and a
  `worry_question` entity has the answer say first that no warning sign was heard, with the list
  a button away (actions/adapters.py);
- otherwise a `red_flag_*`, `ask_warning_signs` or `message_too_long` guess by DIET is replaced
  by DIET's best other intent (DIET reads "is it normal that my back aches?" as a warning-sign
  question).

When the rules report no sign in a message, the learned second opinion
(backcare/red_flag_second_opinion.py) is asked; its "maybe" escalates like a reported sign, at
the level it leans to, with the `maybe` check: the answer says no sign by name and asks whether
this is happening now. The component trains it in `rasa train`, from the field tuning half
(`second_opinion_messages`) and the NLU examples, and keeps it in the model.

When the screen decides, the intent ranking holds only its intent: FallbackClassifier compares the
top two confidences, and a close second from DIET must not turn a red flag into `nlu_fallback`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.red_flag_second_opinion import (
    MAYBE_CHECK,
    MAYBE_SIGN,
    NONE,
    SecondOpinion,
    read_labelled_messages,
)
from backcare.red_flag_signs import RedFlagSign
from backcare.red_flag_time import says_it_stopped
from backcare.red_flags import RedFlagDetector, Screening, default_detector
from backcare.text import join_words
from backcare.urgency import Urgency
from components.base import MessageComponent, decide_intent
from components.message_preparer import PREPARED_TEXT
from components.pain_intent_resolver import FACT_ENTITIES

RED_FLAG_INTENTS = {
    Urgency.EMERGENCY: "red_flag_emergency",
    Urgency.SEE_SOON: "red_flag_see_soon",
}
ASK_WARNING_SIGNS_INTENT = "ask_warning_signs"
TOO_LONG_INTENT = "message_too_long"
RESOLVED_INTENT = "red_flag_resolved"
RED_FLAG_SIGN_ENTITY = "red_flag_sign"
ROUTINE_SIGN_ENTITY = "routine_sign"
# On every escalation: the question that refines it ("happening_now", "bleeding_amount"; "maybe"
# for the second opinion's) or "none", so the slot (and the escalation's response variation)
# always fits this message.
CHECK_ENTITY = "red_flag_check"
NO_CHECK = "none"
SECOND_OPINION_FILE = "second_opinion.pkl"
# "should I be worried?" asked about a message's own stage or area (a report, not a request for
# the list): not in the domain, so no policy sees it; the answering actions read it.
WORRY_ENTITY = "worry_question"
SCREEN_ENTITIES = {RED_FLAG_SIGN_ENTITY, ROUTINE_SIGN_ENTITY, CHECK_ENTITY, WORRY_ENTITY}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RedFlagScreen(MessageComponent, IntentClassifier):
    """Red-flag screen (rules, then a learned second opinion) that overrides DIET's intent."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # labelled field messages the second opinion learns from, besides the NLU examples
        return {"second_opinion_messages": "tests/field/tuning.yml"}

    def __init__(
        self,
        config: dict[str, Any],
        detector: RedFlagDetector | None = None,
        second_opinion: SecondOpinion | None = None,
        storage: tuple[ModelStorage, Resource] | None = None,
    ) -> None:
        """Store the config; the detector defaults to the shared `default_detector()`. Without
        a second opinion (not trained yet) the rules decide alone."""
        super().__init__(config)
        self._detector = detector or default_detector()
        self._second_opinion = second_opinion
        self._storage = storage

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagScreen:
        return cls({**cls.get_default_config(), **config}, storage=(model_storage, resource))

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> RedFlagScreen:
        """The screen with the second opinion its model was trained with."""
        with model_storage.read_from(resource) as directory:
            second_opinion = SecondOpinion.load(directory / SECOND_OPINION_FILE)
        return cls({**cls.get_default_config(), **config}, second_opinion=second_opinion)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the field messages change (they are not part of Rasa's training data)."""
        path = Path(config.get("second_opinion_messages") or "")
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the second opinion on the field messages and the NLU examples, and store it."""
        if self._storage is None:
            raise ValueError("RedFlagScreen.train needs the model storage it was created with")
        texts, urgencies = read_labelled_messages(
            Path(self.component_config["second_opinion_messages"])
        )
        for example in training_data.intent_examples:
            intent = example.get(INTENT)
            if intent != TOO_LONG_INTENT and example.get(TEXT):
                texts.append(example.get(TEXT))
                urgencies.append(_level_of_intent(intent))
        self._second_opinion = SecondOpinion.trained(texts, urgencies)
        model_storage, resource = self._storage
        with model_storage.write_to(resource) as directory:
            self._second_opinion.save(directory / SECOND_OPINION_FILE)
        return resource

    def process_message(self, message: Message) -> None:
        """Screen the message and set its intent and red-flag entities in place."""
        screening = self._screen(message)
        entities = [
            entity
            for entity in message.get(ENTITIES) or []
            if entity.get(ENTITY_ATTRIBUTE_TYPE) not in SCREEN_ENTITIES
        ]
        prepared = message.get(PREPARED_TEXT)
        too_long = prepared is not None and prepared.too_long_to_screen
        maybe = None
        if screening.urgency is None and not too_long and self._second_opinion is not None:
            maybe = self._second_opinion.judge(_screened_text(message))
        if screening.urgency is not None:
            decide_intent(message, RED_FLAG_INTENTS[screening.urgency])
            entities.append(self._sign_entity(screening))
            entities.sort(key=lambda entity: entity.get(ENTITY_ATTRIBUTE_START, 0))
            entities.append(self.entity(CHECK_ENTITY, screening.check or NO_CHECK))
        elif maybe is not None:
            decide_intent(message, RED_FLAG_INTENTS[maybe])
            entities.append(self.entity(RED_FLAG_SIGN_ENTITY, MAYBE_SIGN))
            entities.append(self.entity(CHECK_ENTITY, MAYBE_CHECK))
        else:
            if screening.routine_signs:
                entities.append(self._routine_entity(screening))
            if too_long:
                decide_intent(message, TOO_LONG_INTENT)
            elif screening.asks_whether_to_worry and _tells_own_stage_or_area(entities):
                entities.append(self.entity(WORRY_ENTITY, "yes"))
                _drop_red_flag_guess(message, says_it_stopped(message.get(TEXT) or ""))
            elif screening.asks_about_warning_signs:
                decide_intent(message, ASK_WARNING_SIGNS_INTENT)
            else:
                _drop_red_flag_guess(message, says_it_stopped(message.get(TEXT) or ""))
        message.set(ENTITIES, entities, add_to_output=True)

    def _screen(self, message: Message) -> Screening:
        """Screen the whole screen text; SpacyNLP's doc when it holds all of it."""
        prepared = message.get(PREPARED_TEXT)
        if prepared is not None and prepared.screen_text != prepared.nlu_text:
            return self._detector.screen(prepared.screen_text)
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is not None:
            return self._detector.screen_doc(doc)
        return self._detector.screen(message.get(TEXT) or "")

    def _sign_entity(self, screening: Screening) -> dict[str, Any]:
        """One entity naming every escalating sign, spanning from the first to the last."""
        span = (
            min(start for start, _ in screening.sign_spans),
            max(end for _, end in screening.sign_spans),
        )
        return self.entity(RED_FLAG_SIGN_ENTITY, _named(screening.signs), span)

    def _routine_entity(self, screening: Screening) -> dict[str, Any]:
        return self.entity(ROUTINE_SIGN_ENTITY, _named(screening.routine_signs))


def _screened_text(message: Message) -> str:
    prepared = message.get(PREPARED_TEXT)
    return prepared.screen_text if prepared is not None else message.get(TEXT) or ""


def _level_of_intent(intent: str) -> str:
    """The urgency label an NLU example teaches the second opinion."""
    for urgency, red_flag_intent in RED_FLAG_INTENTS.items():
        if intent == red_flag_intent:
            return urgency.value
    return NONE


def _tells_own_stage_or_area(entities: list[dict[str, Any]]) -> bool:
    """Whether the message gives a stage or a painful area, so "should I be worried?" is asked
    about that report."""
    return any(entity.get(ENTITY_ATTRIBUTE_TYPE) in FACT_ENTITIES for entity in entities)


def _named(signs: tuple[RedFlagSign, ...]) -> str:
    """The signs' labels, each once: "bleeding and chest pain"."""
    return join_words(list(dict.fromkeys(sign.label for sign in signs)))


def _drop_red_flag_guess(message: Message, says_it_stopped: bool) -> None:
    """Remove DIET's red-flag, warning-sign and too-long intents (the screen decides those),
    and its "it has stopped" guess for a message that says nothing stopped; its best other
    intent becomes the prediction."""
    dropped = {*RED_FLAG_INTENTS.values(), ASK_WARNING_SIGNS_INTENT, TOO_LONG_INTENT}
    if not says_it_stopped:
        dropped.add(RESOLVED_INTENT)
    ranking = [
        ranked
        for ranked in message.get(INTENT_RANKING_KEY) or []
        if ranked.get(INTENT_NAME_KEY) not in dropped
    ]
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    if predicted in dropped:
        best = (
            ranking[0]
            if ranking
            else {
                INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                PREDICTED_CONFIDENCE_KEY: 0.0,
            }
        )
        message.set(INTENT, dict(best), add_to_output=True)
