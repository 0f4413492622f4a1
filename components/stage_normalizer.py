"""Rasa component that turns raw ``stage`` entity text into canonical stage ids.

Place it after DIETClassifier and EntitySynonymMapper. For every ``stage`` entity it parses
the whole message with :func:`backcare.stage.parse_stage` (the context decides: "LO is 4
months" is after birth although "4 months" alone reads as pregnant), falling back to the
entity text and value, and rewrites ``value`` to ``trimester_1`` .. ``postpartum``. Stage
entities that cannot be parsed are dropped. When no ``stage`` entity was found, the whole
message is scanned and a stage is added only when the message has pregnancy or birth context
words.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from backcare.stage import StageInfo, find_stage_mention, has_stage_context, parse_stage
from components.base import MessageComponent

logger = logging.getLogger(__name__)

STAGE_ENTITY = "stage"
SCAN_TEXT_KEY = "scan_text_when_missing"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class StageNormalizer(MessageComponent, EntityExtractorMixin):
    """Normalises ``stage`` entities to stage ids."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Default config: also scan the whole text when DIET found no stage."""
        return {SCAN_TEXT_KEY: True}

    def process_message(self, message: Message) -> None:
        text: str = message.get(TEXT) or ""
        entities: list[dict[str, Any]] = list(message.get(ENTITIES, []) or [])
        result: list[dict[str, Any]] = []
        found_stage = False
        for entity in entities:
            if entity.get(ENTITY_ATTRIBUTE_TYPE) != STAGE_ENTITY:
                result.append(entity)
                continue
            info = self._parse_entity(entity, text)
            if info is None:
                logger.debug("Dropping unparseable stage entity %r", entity)
                continue
            found_stage = True
            entity[ENTITY_ATTRIBUTE_VALUE] = info.stage
            self.add_processor_name(entity)
            result.append(entity)

        if not found_stage and self.component_config.get(SCAN_TEXT_KEY, True):
            result.extend(self._scan_text(text))

        message.set(ENTITIES, result, add_to_output=True)

    @staticmethod
    def _parse_entity(entity: dict[str, Any], text: str) -> StageInfo | None:
        start = entity.get(ENTITY_ATTRIBUTE_START)
        end = entity.get(ENTITY_ATTRIBUTE_END)
        candidates: list[str] = [text]
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            candidates.append(text[start:end])
        value = entity.get(ENTITY_ATTRIBUTE_VALUE)
        if isinstance(value, str):
            candidates.append(value)
        for candidate in candidates:
            info = parse_stage(candidate)
            if info is not None:
                return info
        return None

    def _scan_text(self, text: str) -> list[dict[str, Any]]:
        if not text or not has_stage_context(text):
            return []
        mention = find_stage_mention(text)
        if mention is None:
            return []
        info, start, end = mention
        return [self.entity(STAGE_ENTITY, info.stage, (start, end))]
