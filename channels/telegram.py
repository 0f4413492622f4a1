"""Telegram, on from TELEGRAM_TOKEN and PUBLIC_URL (channels/platforms.py, README "Telegram").

Differences from Rasa's connector (rasa/core/channels/telegram.py):
- The webhook is registered after the server has started, in the background, and retried
  while it fails: Rasa's registers it before starting and crashes the server when Telegram
  cannot be reached.
- Updates are verified by the secret token Telegram sends in X-Telegram-Bot-Api-Secret-Token
  (we set it when registering, derived from the bot token, so there is nothing more to
  configure), instead of asking Telegram who the bot is on every message, a network call per
  message that loses the message when it fails.
- Answers are split at 4,096 characters without cutting a sentence; buttons are an inline
  keyboard, one button a row. A button whose payload is longer than the 64 bytes Telegram
  allows sends its title, read back as that button (channels/delivery.py); Rasa's would make
  Telegram refuse the whole message. Delivery failures are logged, never raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.delivery import SEND_TIMEOUT_SECONDS, PlatformOutput, as_button_choice
from channels.inputs import answer_or_apologise

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CALLBACK_BYTES = 64
REGISTER_RETRY_SECONDS = (5, 10, 30, 60, 300)  # then every 300 s
# Telegram sends "/start" when a person opens the bot; Rasa would read any "/word" as an intent
START_COMMAND = "/start"
GREETING = "/greet"


def webhook_secret(access_token: str) -> str:
    """The secret token Telegram is asked to send with every update: derived from the bot token
    (only Telegram and this server know it), stable across restarts, in Telegram's alphabet."""
    return hmac.new(access_token.encode(), b"backcare telegram webhook", hashlib.sha256).hexdigest()


def telegram_message(update: dict[str, Any]) -> tuple[str, str] | None:
    """(chat id, text) of an update the assistant answers: a text message, an edited one, or a
    button press; None for anything else (stickers, photos, members joining). The /start
    command is a greeting."""
    callback = update.get("callback_query")
    if isinstance(callback, dict) and isinstance(callback.get("data"), str):
        chat = (callback.get("message") or {}).get("chat") or callback.get("from") or {}
        text = callback["data"]
    else:
        message = update.get("message") or update.get("edited_message") or {}
        chat = message.get("chat") or {}
        text = message.get("text")
    if chat.get("id") is None or not isinstance(text, str):
        return None
    if text.split(maxsplit=1)[:1] == [START_COMMAND]:
        text = GREETING
    return str(chat["id"]), text


def callback_data(button: dict[str, Any]) -> str:
    """What a button sends back: its payload when Telegram allows it, else its title."""
    payload = str(button.get("payload", ""))
    if len(payload.encode()) <= MAX_CALLBACK_BYTES:
        return payload
    return button["title"].encode()[:MAX_CALLBACK_BYTES].decode(errors="ignore")


class TelegramOutput(PlatformOutput, RasaTelegramOutput):
    max_chars = 4096

    def __init__(self, access_token: str, api_url: str | None = None) -> None:
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, timeout=SEND_TIMEOUT_SECONDS, server=server)

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self.send_message(recipient_id, text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        *before, last = self.parts(text)
        for part in before:
            await self.send_part(recipient_id, part)
        keyboard = InlineKeyboardMarkup()
        for button in buttons:
            keyboard.row(InlineKeyboardButton(button["title"], callback_data=callback_data(button)))
        await self.send_message(recipient_id, last, reply_markup=keyboard)


class TelegramChannel(TelegramInput):
    """Rasa's `telegram` channel (same name and path) with the changes above."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials["access_token"], credentials["public_url"], credentials.get("api_url")
        )

    def __init__(self, access_token: str, public_url: str, api_url: str | None = None) -> None:
        webhook_url = f"{public_url.rstrip('/')}/webhooks/{self.name()}/webhook"
        super().__init__(access_token, verify=None, webhook_url=webhook_url, debug_mode=False)
        self.api_url = api_url
        self.secret = webhook_secret(access_token)
        self.output: TelegramOutput | None = None
        self.registration: asyncio.Task | None = None

    def get_output_channel(self) -> TelegramOutput:
        """One bot for every conversation, created in the server's event loop."""
        if self.output is None:
            self.output = TelegramOutput(self.access_token, self.api_url)
        return self.output

    async def register_webhook(self) -> None:
        """Ask Telegram to post updates to our webhook with our secret, until it agrees."""
        bot = self.get_output_channel()
        delays = iter(REGISTER_RETRY_SECONDS)
        while True:
            try:
                settings = {"url": self.webhook_url, "secret_token": self.secret}
                await asyncio.wait_for(bot.request("setWebhook", settings), SEND_TIMEOUT_SECONDS)
                logger.info("Telegram: the webhook %s is registered.", self.webhook_url)
                return
            except Exception as error:
                delay = next(delays, REGISTER_RETRY_SECONDS[-1])
                logger.warning(
                    "Telegram: could not register the webhook %s (%s: %s). The server keeps "
                    "running; trying again in %d s.",
                    self.webhook_url,
                    type(error).__name__,
                    error,
                    delay,
                )
                await asyncio.sleep(delay)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handle = answer_or_apologise(on_new_message, self.name())
        webhook = Blueprint("telegram_webhook", __name__)

        @webhook.listener("after_server_start")
        async def start_registering(*_: Any) -> None:
            self.registration = asyncio.create_task(self.register_webhook())

        @webhook.listener("before_server_stop")
        async def stop(*_: Any) -> None:
            if self.registration:
                self.registration.cancel()
            if self.output:
                with contextlib.suppress(Exception):
                    await self.output.session.close()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sent = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(sent.encode(), self.secret.encode()):
                logger.warning("Telegram: refused an update without the right secret token.")
                return response.text("forbidden", status=403)
            try:
                update = request.json
            except InvalidUsage:
                return response.text("the body is not JSON", status=400)
            incoming = telegram_message(update) if isinstance(update, dict) else None
            if incoming is None:
                return response.text("success")
            chat_id, text = incoming
            if "callback_query" in update:  # a title sent for a payload too long (above)
                text = await as_button_choice(request, chat_id, text, numbered=False)
            output = self.get_output_channel()
            metadata = self.get_metadata(request)
            message = UserMessage(
                text, output, chat_id, input_channel=self.name(), metadata=metadata
            )
            await handle(message)
            return response.text("success")

        return webhook
