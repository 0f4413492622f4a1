"""Facebook Messenger, on from FACEBOOK_VERIFY_TOKEN, FACEBOOK_APP_SECRET and
FACEBOOK_PAGE_ACCESS_TOKEN (channels/platforms.py, README "Facebook Messenger").

Differences from Rasa's connector (rasa/core/channels/facebook.py):
- A POST must carry X-Hub-Signature-256, the HMAC-SHA256 of the body with the app secret,
  compared in constant time; otherwise 403 and nothing reaches the assistant (Rasa's answers
  200 "not validated" and accepts the older SHA-1 header). The verification GET answers 403 to
  a wrong verify token.
- Every message of a batched webhook call is handled (Rasa's handles the first only).
- fbmessenger sends with `requests`, which blocks: here each call runs in a worker thread, so a
  slow Facebook stalls no other conversation; Rasa's calls it inside the event loop, and also
  sends "mark seen" before handling the message, so an unreachable Facebook lost the message.
- A refused or failed delivery is logged, never raised; answers are split at 2,000 characters
  without cutting a sentence; buttons are quick replies (up to 13, titles cut at 20 characters,
  Messenger's limits), where Rasa's button template drops every button beyond 3.
- FACEBOOK_API_URL points the outgoing calls elsewhere (tests use a local server).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from fbmessenger import MessengerClient
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.facebook import FacebookInput, MessengerBot
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from backcare.message_text import cut_at_word
from channels.delivery import SEND_TIMEOUT_SECONDS, PlatformOutput
from channels.inputs import answer_or_apologise

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20
# fbmessenger's calls block: they run here, never in the event loop
_SENDS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="facebook-send")


class FacebookSendError(RuntimeError):
    """The Send API refused a message; the message is Facebook's error type and code only."""


def signed_by_facebook(app_secret: str, body: bytes, signature: str) -> bool:
    """Whether `signature` ("sha256=<hex>") is the HMAC-SHA256 of `body` with `app_secret`."""
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


def messenger_messages(payload: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(sender id, text) of each message a person sent in a webhook call: typed text, a quick
    reply or a postback. Echoes of the page's own messages and other events are skipped."""
    for entry in payload.get("entry") or []:
        for event in entry.get("messaging") or []:
            sender = (event.get("sender") or {}).get("id")
            message = event.get("message") or {}
            if message.get("is_echo") or not sender:
                continue
            text = (
                (message.get("quick_reply") or {}).get("payload")
                or message.get("text")
                or (event.get("postback") or {}).get("payload")
            )
            if isinstance(text, str) and text:
                yield str(sender), text


class MessengerOutput(PlatformOutput, MessengerBot):
    max_chars = 2000

    def __init__(self, page_access_token: str, api_url: str | None = None) -> None:
        client = MessengerClient(page_access_token)
        if api_url:
            client.graph_url = f"{api_url.rstrip('/')}/v{client.api_version}"
        MessengerBot.__init__(self, client)

    async def post(self, recipient_id: str, message: dict[str, Any]) -> None:
        send = partial(
            self.messenger_client.send,
            message,
            recipient_id,
            "RESPONSE",
            timeout=SEND_TIMEOUT_SECONDS,
        )
        result = await asyncio.get_running_loop().run_in_executor(_SENDS, send)
        error = result.get("error") if isinstance(result, dict) else None
        if error:
            raise FacebookSendError(f"{error.get('type')} {error.get('code')}")

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self.post(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        if len(buttons) > MAX_QUICK_REPLIES:
            return await super().send_text_with_buttons(recipient_id, text, buttons)
        *before, last = self.parts(text)
        for part in before:
            await self.send_part(recipient_id, part)
        quick_replies = [
            {
                "content_type": "text",
                "title": quick_reply_title(button["title"]),
                "payload": button["payload"],
            }
            for button in buttons
        ]
        await self.post(recipient_id, {"text": last, "quick_replies": quick_replies})


def quick_reply_title(title: str) -> str:
    """A button title within Messenger's 20 characters, cut at a word with an ellipsis."""
    if len(title) <= MAX_QUICK_REPLY_TITLE:
        return title
    return cut_at_word(title, MAX_QUICK_REPLY_TITLE - 1).rstrip(" ,.;:") + "\u2026"


class FacebookChannel(FacebookInput):
    """Rasa's `facebook` channel (same name and path) with the changes above."""

    api_url: str | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> FacebookChannel:
        channel = super().from_credentials(credentials)
        channel.api_url = (credentials or {}).get("api_url")
        return channel

    def get_output_channel(self) -> MessengerOutput:
        return MessengerOutput(self.fb_access_token, self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handle = answer_or_apologise(on_new_message, self.name())
        webhook = Blueprint("fb_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify_webhook(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if not hmac.compare_digest(token.encode(), self.fb_verify.encode()):
                logger.warning("Facebook: refused a webhook check with the wrong verify token.")
                return response.text("wrong verify token", status=403)
            return response.text(request.args.get("hub.challenge") or "")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            signature = request.headers.get(SIGNATURE_HEADER, "")
            if not signed_by_facebook(self.fb_secret, request.body, signature):
                logger.warning("Facebook: refused a webhook call without a valid signature.")
                return response.text("not signed with the app secret", status=403)
            try:
                payload = request.json
            except InvalidUsage:
                return response.text("the body is not JSON", status=400)
            metadata = self.get_metadata(request)
            for sender_id, text in messenger_messages(payload if isinstance(payload, dict) else {}):
                output = self.get_output_channel()
                message = UserMessage(
                    text, output, sender_id, input_channel=self.name(), metadata=metadata
                )
                await handle(message)
            return response.text("success")

        return webhook
