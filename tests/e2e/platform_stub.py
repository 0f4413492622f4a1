"""A local stand-in for the Telegram, Slack, Facebook and Twilio APIs on a loopback port.

The Rasa server's connectors are pointed at it (TELEGRAM_API_URL and the others), so the tests
see what each platform would have been asked to deliver: the texts a person would read. It
records every call and answers the way the platform does. It can be stopped (the platform is
unreachable) and started again on the same port, and it can hold the calls to one recipient
until released (a slow platform).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from launcher.stack import free_port


@dataclass(frozen=True)
class Call:
    """One API call: the path without the query, and its fields (form or JSON body)."""

    path: str
    fields: dict[str, Any]


def _fields(content_type: str, body: bytes) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    return {
        key: values[0] for key, values in parse_qs(body.decode(), keep_blank_values=True).items()
    }


def _answer(path: str, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """What the platform answers to a successful call on `path`."""
    if re.fullmatch(r"/bot[^/]+/setWebhook", path):
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}
    if re.fullmatch(r"/bot[^/]+/sendMessage", path):
        chat = {"id": int(fields["chat_id"]), "type": "private"}
        message = {"message_id": 1, "date": 0, "chat": chat, "text": fields.get("text", "")}
        return 200, {"ok": True, "result": message}
    if path == "/api/chat.postMessage":
        return 200, {"ok": True, "channel": fields.get("channel"), "ts": "1700000000.000100"}
    if re.fullmatch(r"/v[\d.]+/me/messages", path):
        return 200, {"recipient_id": fields["recipient"]["id"], "message_id": "m_1"}
    if re.fullmatch(r"/2010-04-01/Accounts/[^/]+/Messages\.json", path):
        return 201, {
            "sid": "SM1",
            "to": fields.get("To"),
            "body": fields.get("Body"),
            "status": "queued",
        }
    return 404, {"error": f"no such API call in the stub: {path}"}


class PlatformStub:
    def __init__(self) -> None:
        self.port = free_port()
        self.calls: list[Call] = []
        self.held: dict[str, threading.Event] = {}  # recipient -> released
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urlsplit(self.path).path
                fields = _fields(self.headers.get("Content-Type", ""), body)
                release = stub.held.get(_recipient(fields))
                if release:
                    release.wait(60)
                with stub._lock:
                    stub.calls.append(Call(path, fields))
                status, answer = _answer(path, fields)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def hold(self, recipient: str) -> Callable[[], None]:
        """Hold every call to `recipient` until the returned function is called."""
        released = self.held[recipient] = threading.Event()
        return released.set

    def recorded(self, where: Callable[[Call], bool]) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if where(call)]


def _recipient(fields: dict[str, Any]) -> str:
    """Whom a call sends to, on any of the four platforms."""
    recipient = fields.get("chat_id") or fields.get("channel") or fields.get("To")
    if recipient is None and isinstance(fields.get("recipient"), dict):
        recipient = fields["recipient"].get("id")
    return str(recipient)
