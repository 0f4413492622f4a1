"""Rasa's REST and socket.io channels, with a checked payload and failures that stay private.

credentials.yml names them by module path. They keep Rasa's channel names, so the webhook is
still /webhooks/rest/webhook and the widget's socket.io path is unchanged.

- RestChannel answers a payload it cannot use with a JSON 400 and a one-line reason, never
  Sanic's HTML error page or a traceback in the log.
- Both channels answer a message whose handling fails with a short apology instead of silence,
  and log the failure as an event, without the text (backcare/log_privacy.py).

Message length is handled in the NLU pipeline (components/message_preparer.py), so it holds
for every channel.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from backcare.log_privacy import describe_failure, logs_user_data
from backcare.replies import MESSAGE_FAILED

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# the width of the sender id column in Rasa's SQL tracker store
MAX_SENDER_CHARS = 255
PAYLOAD_EXAMPLE = '{"sender": "me", "message": "hi"}'


class PayloadError(ValueError):
    """A REST payload the channel cannot use; the message is the reason given to the client."""


def check_payload(payload: Any) -> tuple[str, str]:
    """(sender, message) of a decoded REST payload, or a PayloadError saying what is wrong."""
    if not isinstance(payload, dict):
        raise PayloadError(f"the body must be a JSON object such as {PAYLOAD_EXAMPLE}")
    sender = payload.get("sender")
    message = payload.get("message")
    if message is None:
        raise PayloadError("`message` is missing")
    if not isinstance(message, str):
        raise PayloadError("`message` must be a string")
    if sender is None:
        raise PayloadError("`sender` is missing: a conversation id, one per person")
    if not isinstance(sender, str) or not sender.strip():
        raise PayloadError("`sender` must be a non-empty string")
    if len(sender) > MAX_SENDER_CHARS:
        raise PayloadError(f"`sender` must be at most {MAX_SENDER_CHARS} characters")
    return sender, message


def answer_or_apologise(on_new_message: OnNewMessage, channel: str) -> OnNewMessage:
    """`on_new_message` that, when handling fails, logs the event and sends an apology."""

    async def handle(message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception as error:
            with_user_data = logs_user_data()
            about = f" from {message.sender_id!r}: {message.text!r}" if with_user_data else ""
            logger.error(
                "Handling a %s message failed%s\n%s",
                channel,
                about,
                describe_failure(error, with_user_data),
            )
            # send_response: on a messaging platform, a failure to deliver this is only logged
            await message.output_channel.send_response(message.sender_id, {"text": MESSAGE_FAILED})

    return handle


class RestChannel(RestInput):
    """Rasa's `rest` channel with a checked payload."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        handle = answer_or_apologise(on_new_message, self.name())
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text = check_payload(_json_body(request))
            except PayloadError as error:
                return response.json({"error": str(error)}, status=400)
            input_channel = self._extract_input_channel(request)
            metadata = self.get_metadata(request)
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(handle, text, sender, input_channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            await handle(
                UserMessage(text, collector, sender, input_channel=input_channel, metadata=metadata)
            )
            return response.json(collector.messages)

        return webhook


class SocketIOChannel(SocketIOInput):
    """Rasa's `socketio` channel (the web widget's) that apologises instead of going silent and
    accepts connections only from the allowed web origins (CORS_ORIGINS, set by the launcher).
    Rasa turns socket.io's own origin check off and leaves HTTP to the CORS headers, which
    browsers do not apply to websockets; the check here is on connecting."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = super().blueprint(answer_or_apologise(on_new_message, self.name()))
        assert self.sio is not None
        namespace = self.namespace or "/"
        rasa_connect = self.sio.handlers[namespace]["connect"]
        allowed = set(os.environ.get("CORS_ORIGINS", "").split())

        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin and origin not in allowed:
                logger.warning("Refused a socket.io connection from origin %s", origin)
                return False
            return await rasa_connect(sid, environ, auth)

        self.sio.on("connect", connect, namespace=self.namespace)
        return blueprint


def _json_body(request: Request) -> Any:
    try:
        return request.json
    except InvalidUsage as error:
        reason = f"the body is not valid JSON; send an object such as {PAYLOAD_EXAMPLE}"
        raise PayloadError(reason) from error
