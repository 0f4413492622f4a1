"""Shared plumbing for the project's NLU components: none of them trains, each processes
messages one at a time, and the entities they add name them as extractor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class MessageComponent(GraphComponent):
    """A component that is not trained and changes each message in `process_message`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageComponent:
        """Create the component with its defaults under `config` (see GraphComponent)."""
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leave training data unchanged (the component is not trainable)."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Process each message in place."""
        for message in messages:
            self.process_message(message)
        return messages

    def process_message(self, message: Message) -> None:
        raise NotImplementedError

    def entity(
        self, entity_type: str, value: Any, span: tuple[int | None, int | None] | None = None
    ) -> dict[str, Any]:
        """An entity this component adds, with its character span (start, end) when it has
        one."""
        entity = {ENTITY_ATTRIBUTE_TYPE: entity_type, ENTITY_ATTRIBUTE_VALUE: value}
        if span is not None:
            entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END] = span
        entity[EXTRACTOR] = self.__class__.__name__
        return entity


def decide_intent(message: Message, intent_name: str, others: Iterable[dict] = ()) -> None:
    """Set a component's decided intent with full confidence, ranked first, then `others`
    (the rest of the ranking to keep)."""
    intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(intent), *others], add_to_output=True)
