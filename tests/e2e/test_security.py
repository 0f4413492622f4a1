"""End-to-end: what the running servers expose (README, "Security")."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import socketio

from launcher.stack import AssistantStack, http_get


def preflight(stack: AssistantStack, origin: str) -> str | None:
    """The Access-Control-Allow-Origin a browser on `origin` gets before posting a message."""
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        method="OPTIONS",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("Access-Control-Allow-Origin")


def test_only_the_widgets_origin_may_call_the_server_from_a_browser(
    assistant: AssistantStack,
) -> None:
    assert assistant.web_url
    assert preflight(assistant, assistant.web_url) == assistant.web_url
    assert preflight(assistant, "http://evil.example") is None


def socketio_connects(stack: AssistantStack, origin: str) -> bool:
    """Whether a socket.io client presenting `origin` may connect (as a browser page would)."""
    client = socketio.Client()
    try:
        client.connect(stack.rasa_url, headers={"Origin": origin}, transports=["polling"])
    except socketio.exceptions.ConnectionError:
        return False
    client.disconnect()
    return True


def test_only_the_widgets_origin_may_open_a_socketio_connection(
    assistant: AssistantStack,
) -> None:
    assert assistant.web_url
    assert socketio_connects(assistant, assistant.web_url)
    assert not socketio_connects(assistant, "http://evil.example")


@pytest.mark.parametrize("path", ["/conversations/someone/tracker", "/domain", "/status"])
def test_the_http_api_needs_the_token(assistant: AssistantStack, path: str) -> None:
    assert http_get(f"{assistant.rasa_url}{path}")[0] == 401
    assert http_get(f"{assistant.rasa_url}{path}?token={assistant.api_token}")[0] == 200


def command_lines() -> list[bytes]:
    """Every process's arguments, as `ps` shows them to every local user."""
    found = []
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            found.append(path.read_bytes())
        except OSError:  # the process ended meanwhile
            continue
    return found


def test_the_token_is_on_no_command_line(assistant: AssistantStack) -> None:
    lines = command_lines()
    assert any(b"launcher.rasa_server" in line for line in lines)
    assert not [line for line in lines if assistant.api_token.encode() in line]


def test_a_conversation_can_be_deleted(assistant: AssistantStack, sender: str) -> None:
    other = f"{sender}-other"
    for conversation in (sender, other):
        assistant.send(conversation, "my lower back hurts, 30 weeks")
    forget = subprocess.run(
        [sys.executable, "-m", "launcher.forget", sender],
        env=assistant.environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert forget.returncode == 0, forget.stderr
    assert "of 1 conversation(s)" in forget.stdout
    # the running server does not bring the deleted conversation back from memory
    assistant.send(sender, "hi")
    said = [
        event["text"] for event in assistant.tracker(sender)["events"] if event["event"] == "user"
    ]
    assert said == ["hi"]
    kept = [event for event in assistant.tracker(other)["events"] if event["event"] == "user"]
    assert [event["text"] for event in kept] == ["my lower back hurts, 30 weeks"]


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses something listens on at `port`, from /proc/net/tcp."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_the_servers_listen_on_this_machine_only(assistant: AssistantStack) -> None:
    for port in (assistant.rasa_port, assistant.action_port, assistant.web_port):
        assert listening_addresses(port) == {"127.0.0.1"}, port
