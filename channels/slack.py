"""Slack, on from SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (channels/platforms.py, README "Slack").

Rasa's connector (rasa/core/channels/slack.py) already refuses to start without a signing
secret and answers a request whose X-Slack-Signature does not match, or is older than five
minutes, with 400 before reading it. Differences here:
- Answers are split at 3,000 characters (a Slack text block's limit) without cutting a
  sentence; a delivery failure is logged, never raised (Rasa's handles Slack messages in a
  background task, where an exception would only surface as "Task exception was never
  retrieved" with its message in the log).
- Buttons: up to 25 in one actions block (Slack's limit); Rasa's drops every button of a message
  that has more than 5, which loses the body-area choice. More than 25 become a numbered list.
- SLACK_API_URL points the outgoing calls elsewhere (tests use a local server).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint
from slack_sdk.web.async_client import AsyncWebClient

from channels.delivery import SEND_TIMEOUT_SECONDS, PlatformOutput
from channels.inputs import answer_or_apologise

MAX_BUTTONS = 25
MAX_BUTTON_TITLE = 75


class SlackOutput(PlatformOutput, SlackBot):
    max_chars = 3000

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str | None = None,
    ) -> None:
        SlackBot.__init__(self, token, slack_channel, thread_id, proxy)
        base_url = {"base_url": api_url} if api_url else {}
        self.client = AsyncWebClient(
            token, proxy=proxy, timeout=int(SEND_TIMEOUT_SECONDS), **base_url
        )

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self._post_message(channel=self.slack_channel or recipient_id, text=text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        if len(buttons) > MAX_BUTTONS:
            return await super().send_text_with_buttons(recipient_id, text, buttons)
        *before, last = self.parts(text)
        for part in before:
            await self.send_part(recipient_id, part)
        elements = [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": button["title"][:MAX_BUTTON_TITLE]},
                "value": button["payload"],
            }
            for button in buttons
        ]
        blocks = [
            {"type": "section", "text": {"type": "plain_text", "text": last}},
            {"type": "actions", "elements": elements},
        ]
        await self._post_message(
            channel=self.slack_channel or recipient_id, text=last, blocks=blocks
        )


class SlackChannel(SlackInput):
    """Rasa's `slack` channel (same name and path) with the changes above."""

    api_url: str | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SlackChannel:
        channel = super().from_credentials(credentials)
        channel.api_url = (credentials or {}).get("api_url")
        return channel

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> SlackOutput:
        channel = channel or self.slack_channel
        return SlackOutput(self.slack_token, channel, thread_id, self.proxy, self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(answer_or_apologise(on_new_message, self.name()))
