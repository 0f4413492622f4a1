"""`python -m launcher train|run|shell`: what `make train`, `make run` and `make shell` do."""

from __future__ import annotations

import argparse
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from launcher.model import train_if_needed
from launcher.settings import REPO_ROOT, configured_ports, ensure_api_token, server_environment
from launcher.stack import AssistantStack, ServerFailedToStart, StopRequested


def how_to_chat(stack: AssistantStack) -> str:
    return f"""
================================================================================
 The assistant is running.
   Rasa server    {stack.rasa_url}  (channels: rest, socketio; HTTP API needs ?token=, see .env)
   Action server  {stack.action_url}
   Web chat       {stack.web_url}/?server={stack.rasa_url}

 Talk to it over REST:
   curl -s {stack.rasa_url}/webhooks/rest/webhook -d '{{"sender":"me","message":"hi"}}'
 or in a terminal, in another window:  make shell   (stop this one first: it uses the same ports)

 Press Ctrl-C to stop everything.
================================================================================
""".strip("\n")


def configured_stack(model: Path, serve_web: bool = False, echo: bool = False) -> AssistantStack:
    """The stack on the configured ports (README, "Settings"), with the project's API token."""
    rasa_port, action_port, web_port = configured_ports()
    return AssistantStack(
        model,
        ensure_api_token(),
        rasa_port,
        action_port,
        log_dir=REPO_ROOT / server_environment()["LOG_DIR"],
        web_port=web_port if serve_web else None,
        echo=echo,
    )


def ports_in_use(*ports: int | None) -> list[int]:
    """The ports among `ports` that something on this machine already listens on."""
    busy = []
    for port in filter(None, ports):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            busy.append(port)
        except OSError:
            pass
    return busy


def stop_on_signals(stop: threading.Event) -> None:
    """Ctrl-C, SIGTERM (`kill`, `docker stop`, systemd) and SIGHUP (terminal closed) all ask for
    one orderly stop. The handler only sets an event, so a repeated signal, or the same signal
    sent to the whole process group, cannot cut a stop short."""

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, request_stop)


def run() -> int:
    model = train_if_needed()
    stack = configured_stack(model, serve_web=True, echo=True)
    busy = ports_in_use(stack.rasa_port, stack.action_port, stack.web_port)
    if busy:
        print(f"Port(s) {busy} are already in use: is the assistant already running?")
        return 1
    stop_on_signals(stack.stop_requested)
    try:
        stack.start()
        print(how_to_chat(stack), flush=True)
        stack.supervise()
        if stack.stop_requested.is_set():
            return 0
        print("[launcher] The Rasa server keeps failing; stopping everything.", flush=True)
        return 1
    except StopRequested:
        return 0
    except ServerFailedToStart as error:
        print(error)
        return 1
    finally:
        print("\nStopping...", flush=True)
        stack.stop()
        print("All servers stopped.", flush=True)


def shell() -> int:
    """`rasa shell` in this terminal, with the action server in the background. The terminal
    gets the prompt, the answers and errors; Rasa's start-up lines and library warnings (its
    stderr) go to LOG_DIR/shell.log, whose end is shown when the shell fails."""
    model = train_if_needed()
    stack = configured_stack(model)
    busy = ports_in_use(stack.rasa_port, stack.action_port)
    if busy:
        print(f"Port(s) {busy} are already in use: stop `make run` first.")
        return 1
    log_path = stack.log_dir / "shell.log"
    print(f"Starting the assistant (about a minute; start-up log: {log_path})...", flush=True)
    try:
        stack.start_action_server()
        with log_path.open("w", encoding="utf-8") as log:
            code = subprocess.call(
                [sys.executable, "-m", "launcher.rasa_server", "shell", "--model", str(model)]
                + ["--port", str(stack.rasa_port), "--endpoints", "endpoints.yml"]
                + ["--interface", stack.environment()["LISTEN_HOST"]],
                cwd=REPO_ROOT,
                env=stack.environment(),
                stderr=log,
            )
        if code != 0:
            tail = "\n".join(log_path.read_text(encoding="utf-8").splitlines()[-5:])
            print(f"rasa shell failed (exit code {code}). The end of {log_path}:\n{tail}")
        return code
    except ServerFailedToStart as error:
        print(error)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m launcher", description=__doc__)
    parser.add_argument("command", choices=["train", "run", "shell"])
    command = parser.parse_args().command
    if command == "train":
        train_if_needed()
        return 0
    return run() if command == "run" else shell()


if __name__ == "__main__":
    sys.exit(main())
