"""SMS, or WhatsApp with a `whatsapp:+...` number, through Twilio; on from TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN and TWILIO_NUMBER (channels/platforms.py, README "Twilio: SMS and WhatsApp").

Differences from Rasa's connector (rasa/core/channels/twilio.py):
- Every webhook call must carry a valid X-Twilio-Signature (Twilio's HMAC of the URL it posted
  to and the form fields, with the auth token); otherwise 403 and nothing reaches the
  assistant. Rasa's checks nothing, so anyone who knows the URL could post fake messages. The
  URL is TWILIO_WEBHOOK_URL, else PUBLIC_URL + /webhooks/twilio/webhook, else the URL the
  request arrived at (right only when nothing rewrites it: behind a proxy set one of the two).
- Answers go out through Twilio's asynchronous client with a time-out; Rasa's calls Twilio
  synchronously inside the event loop, so one slow call stalled every conversation. A failed
  delivery is logged, never raised.
- SMS and WhatsApp show no buttons: the options follow the text as a numbered list, and a reply
  of "1", "2", ... or the option's words picks it (channels/delivery.py). Answers are split at
  1,600 characters, Twilio's limit for one message, without cutting a sentence.
- TWILIO_API_URL points the outgoing calls elsewhere (tests use a local server).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from channels.delivery import SEND_TIMEOUT_SECONDS, PlatformOutput, as_button_choice
from channels.inputs import answer_or_apologise

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
# Twilio takes an empty TwiML answer as "no reply here": answers are sent through the API
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class TwilioOutput(PlatformOutput):
    max_chars = 1600

    def __init__(self, client: Client, twilio_number: str) -> None:
        self.client = client
        self.twilio_number = twilio_number

    @classmethod
    def name(cls) -> str:
        return "twilio"

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self.client.messages.create_async(
            to=recipient_id, from_=self.twilio_number, body=text
        )


class TwilioChannel(TwilioInput):
    """Rasa's `twilio` channel (same name and path) with the changes above."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials["account_sid"],
            credentials["auth_token"],
            credentials["twilio_number"],
            webhook_url=credentials.get("webhook_url"),
            public_url=credentials.get("public_url"),
            api_url=credentials.get("api_url"),
        )

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        webhook_url: str | None = None,
        public_url: str | None = None,
        api_url: str | None = None,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        if not webhook_url and public_url:
            webhook_url = f"{public_url.rstrip('/')}/webhooks/{self.name()}/webhook"
        self.webhook_url = webhook_url
        self.api_url = api_url
        self.validator = RequestValidator(auth_token)
        self.client: Client | None = None

    def get_output_channel(self) -> TwilioOutput:
        """Answers through one asynchronous Twilio client, created in the server's event loop."""
        if self.client is None:
            http_client = AsyncTwilioHttpClient(timeout=SEND_TIMEOUT_SECONDS)
            http_client.logger.setLevel(logging.WARNING)  # it logs every request at INFO
            self.client = Client(self.account_sid, self.auth_token, http_client=http_client)
            if self.api_url:
                self.client.api.base_url = self.api_url.rstrip("/")
        return TwilioOutput(self.client, self.twilio_number)

    def signed_by_twilio(self, request: Request) -> bool:
        url = self.webhook_url or request.url
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if self.validator.validate(url, request.form, signature):
            return True
        logger.warning(
            "Twilio: refused a webhook call whose %s does not match %s. Behind a proxy, set "
            "TWILIO_WEBHOOK_URL (or PUBLIC_URL) to the URL registered with Twilio.",
            SIGNATURE_HEADER,
            url,
        )
        return False

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handle = answer_or_apologise(on_new_message, self.name())
        webhook = Blueprint("twilio_webhook", __name__)

        @webhook.listener("before_server_stop")
        async def close(*_: Any) -> None:
            if self.client is not None:
                await self.client.http_client.close()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.signed_by_twilio(request):
                return response.text("forbidden", status=403)
            sender = request.form.get("From")
            text = request.form.get("Body")
            if sender and text is not None:
                text = text.replace("¡", "@")  # some carriers turn @ into ¡
                text = await as_button_choice(request, sender, text, numbered=True)
                output = self.get_output_channel()
                metadata = self.get_metadata(request)
                await handle(
                    UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata)
                )
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return webhook
