"""What every messaging platform connector shares (channels/telegram.py, slack.py, facebook.py,
twilio.py).

Output: an answer that cannot be delivered (the platform is down, slow or refuses it) is logged
without its text and never raised. Rasa sends answers from inside its message processing, before
it saves the conversation, so an exception there would lose the whole turn. Long answers are
split to the platform's limit (backcare/message_parts.py); buttons the platform cannot show
become a numbered list (backcare/reply_choice.py).

Input: a short reply that picks one of the last answer's buttons ("2", "yes") is turned into
that button's payload, so it means what tapping the button would have meant.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.events import BotUttered, UserUttered
from sanic.request import Request

from backcare.log_privacy import describe_failure, logs_user_data
from backcare.message_parts import split_message
from backcare.reply_choice import chosen_option, may_pick_an_option, with_numbered_options

logger = logging.getLogger(__name__)

# The longest one answer may take to reach a platform, all its parts together. Only this
# conversation waits; others go on meanwhile.
SEND_TIMEOUT_SECONDS = 15.0


class PlatformOutput(OutputChannel):
    """Base of the platforms' output channels: delivery failures are logged, not raised; text
    goes in parts of at most `max_chars` through `send_part`; buttons become a numbered list
    unless the platform's class shows them natively."""

    max_chars: int

    async def send_part(self, recipient_id: str, text: str) -> None:
        """Send one message of at most `max_chars` characters."""
        raise NotImplementedError

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        try:
            await asyncio.wait_for(
                super().send_response(recipient_id, message), SEND_TIMEOUT_SECONDS
            )
        except Exception as error:
            # one line: when a platform is down, every answer fails the same way
            with_user_data = logs_user_data()
            logger.error(
                "Delivering an answer on %s failed (%s); the conversation is saved all the same.%s",
                self.name(),
                type(error).__name__,
                f"\n{describe_failure(error, with_user_data)}" if with_user_data else "",
            )

    def parts(self, text: str) -> list[str]:
        """`text` in messages of at most `max_chars` characters (at least one message)."""
        return split_message(text, self.max_chars) or [text]

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in self.parts(text):
            await self.send_part(recipient_id, part)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        titles = [button["title"] for button in buttons]
        await self.send_text_message(recipient_id, with_numbered_options(text, titles))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


async def last_answer_buttons(request: Request, sender_id: str) -> list[dict[str, Any]]:
    """The buttons of the assistant's latest message with buttons since the person last wrote."""
    tracker = await request.app.ctx.agent.tracker_store.retrieve(sender_id)
    for event in reversed(tracker.events if tracker else []):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            return event.data["buttons"]
    return []


async def as_button_choice(request: Request, sender_id: str, reply: str, numbered: bool) -> str:
    """The payload of the button `reply` picks in the last answer (backcare.reply_choice), or
    `reply` itself. `numbered`: the buttons were shown as a numbered list."""
    if not may_pick_an_option(reply):
        return reply
    try:
        buttons = await last_answer_buttons(request, sender_id)
    except Exception as error:  # the store is down: Rasa will report it; read the words as is
        logger.warning("Could not read the last answer's buttons (%s).", type(error).__name__)
        return reply
    picked = chosen_option(reply, [button.get("title", "") for button in buttons], numbered)
    return reply if picked is None else buttons[picked]["payload"]
