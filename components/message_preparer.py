"""Rasa component that cleans each message and limits what the NLU pipeline reads.

Place it first, before SpacyNLP. The rest of the pipeline reads the cleaned text cut to
`NLU_MAX_CHARS`; the red-flag screen (last) reads the `PreparedText` stored under
PREPARED_TEXT: up to `SCREEN_MAX_CHARS`, and whether the message was longer than that
(backcare/message_text.py). Being in the pipeline, this holds for every channel. The tracker
keeps the message as it was sent.

Registered as a featurizer: Rasa has no type for a pre-processor, and a featurizer runs in
pipeline order. Training data passes unchanged.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from backcare.message_text import prepare_text
from components.base import MessageComponent

PREPARED_TEXT = "prepared_text"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MessagePreparer(MessageComponent):
    """Cleans the text and cuts it to the NLU limit, keeping the longer screen text aside."""

    def process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str):
            return
        prepared = prepare_text(text)
        message.set(PREPARED_TEXT, prepared)
        message.set(TEXT, prepared.nlu_text)
