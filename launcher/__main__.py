"""`python -m launcher train|run|shell`: what `make train`, `make run` and `make shell` do."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

from launcher.model import train_if_needed
from launcher.settings import REPO_ROOT, ensure_api_token, server_environment
from launcher.stack import AssistantStack, ServerFailedToStart, http_get

WEB_PORT = 8080


def how_to_chat(stack: AssistantStack) -> str:
    return f"""
================================================================================
 The assistant is running.
   Rasa server    {stack.rasa_url}  (channels: rest, socketio; HTTP API needs ?token=, see .env)
   Action server  {stack.action_url}
   Web chat       {stack.web_url}/?server={stack.rasa_url}

 Talk to it over REST:
   curl -s {stack.rasa_url}/webhooks/rest/webhook -d '{{"sender":"me","message":"hi"}}'
 or in a terminal, in another window:  make shell   (stop this one first: it uses port 5055)

 Press Ctrl-C to stop everything.
================================================================================
""".strip("\n")


def ports_in_use(*ports: int) -> list[int]:
    return [port for port in ports if http_get(f"http://127.0.0.1:{port}/", timeout=1)[0]]


def run() -> int:
    model = train_if_needed()
    busy = ports_in_use(5005, 5055, WEB_PORT)
    if busy:
        print(f"Port(s) {busy} are already in use: is the assistant already running?")
        return 1
    stack = AssistantStack(model, ensure_api_token(), web_port=WEB_PORT, echo=True)
    try:
        stack.start()
        print(how_to_chat(stack), flush=True)
        while all(process.is_running() for process in stack.processes.values()):
            time.sleep(1)
        print("A server stopped unexpectedly; shutting down the others.")
        return 1
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    except ServerFailedToStart as error:
        print(error)
        return 1
    finally:
        stack.stop()
        print("All servers stopped.", flush=True)


def shell() -> int:
    model = train_if_needed()
    stack = AssistantStack(model, ensure_api_token())
    try:
        stack.start_action_server()
        return subprocess.call(
            [
                sys.executable,
                "-m",
                "rasa",
                "shell",
                "--model",
                str(model),
                "--endpoints",
                "endpoints.yml",
            ],
            cwd=REPO_ROOT,
            env=server_environment(ACTION_ENDPOINT_URL=f"{stack.action_url}/webhook"),
        )
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


def stop_on_hangup_or_terminate() -> None:
    """Closing the terminal (SIGHUP) or `kill` (SIGTERM) stops the servers like Ctrl-C does."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGHUP, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def main() -> int:
    stop_on_hangup_or_terminate()
    parser = argparse.ArgumentParser(prog="python -m launcher", description=__doc__)
    parser.add_argument("command", choices=["train", "run", "shell"])
    command = parser.parse_args().command
    if command == "train":
        train_if_needed()
        return 0
    return run() if command == "run" else shell()


if __name__ == "__main__":
    sys.exit(main())
