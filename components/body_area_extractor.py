"""Rasa component that finds body areas with the deterministic lexicon (`backcare.body_areas`).

Place it after DIETClassifier and EntitySynonymMapper. When the lexicon finds areas, they
replace DIET's `body_area` entities: the lexicon knows everyday words ("my bum", "between my
shoulder blades", "SPD") and leaves out areas named only to be denied ("my upper back, not
lower"), so a correction replaces the slot. When it finds none, DIET's entities stay, except
values the synonyms did not map to an area id (DIET sometimes tags "topper" or "bump").
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from backcare.body_areas import find_areas
from backcare.knowledge_base import AREAS
from components.base import MessageComponent

BODY_AREA_ENTITY = "body_area"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class BodyAreaExtractor(MessageComponent, EntityExtractorMixin):
    """Adds `body_area` entities from the lexicon, replacing DIET's when it finds any."""

    def process_message(self, message: Message) -> None:
        mentions = find_areas(message.get(TEXT) or "")
        entities = [
            entity
            for entity in message.get(ENTITIES) or []
            if entity.get(ENTITY_ATTRIBUTE_TYPE) != BODY_AREA_ENTITY
            or (not mentions and entity.get(ENTITY_ATTRIBUTE_VALUE) in AREAS)
        ]
        entities += [self.entity(BODY_AREA_ENTITY, m.area, (m.start, m.end)) for m in mentions]
        entities.sort(key=lambda entity: entity.get(ENTITY_ATTRIBUTE_START) or 0)
        message.set(ENTITIES, entities, add_to_output=True)
