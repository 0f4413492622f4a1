"""Start, watch and stop the action server, the Rasa server and the web widget's file server."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from launcher.settings import REPO_ROOT, VAR_DIR, server_environment

LOG_DIR = VAR_DIR / "logs"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str, timeout: float = 2.0) -> tuple[int, str]:
    """GET a URL; (status, body), or (0, reason) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as error:
        return 0, str(error)


@dataclass
class ManagedProcess:
    """A child process in its own process group whose output goes to a log (and maybe stdout)."""

    name: str
    command: list[str]
    environment: dict[str, str]
    echo: bool = False
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def log_path(self) -> Path:
        return LOG_DIR / f"{self.name}.log"

    def start(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO_ROOT,
            env=self.environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log = self.log_path.open("w", encoding="utf-8")
        threading.Thread(
            target=self._copy_output, args=(self.process.stdout, log), daemon=True
        ).start()

    def _copy_output(self, stream: IO[bytes], log: IO[str]) -> None:
        with log:
            for raw_line in stream:
                line = raw_line.decode("utf-8", "replace")
                log.write(line)
                log.flush()
                if self.echo:
                    sys.stdout.write(f"[{self.name}] {line}")
                    sys.stdout.flush()

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the whole process group, SIGKILL it if it has not gone after `timeout`."""
        if not self.is_running():
            return
        assert self.process is not None
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=timeout)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8").splitlines()[-lines:])


class ServerFailedToStart(RuntimeError):
    """A server exited or did not answer in time; the message carries its log tail."""


@dataclass
class AssistantStack:
    """The action server and the Rasa server (and optionally the widget's file server)."""

    model_path: Path
    api_token: str
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int | None = None
    host: str = "127.0.0.1"
    echo: bool = False
    extra_environment: dict[str, str] = field(default_factory=dict)
    processes: dict[str, ManagedProcess] = field(default_factory=dict, init=False)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def web_url(self) -> str | None:
        return f"http://{self.host}:{self.web_port}" if self.web_port else None

    def _environment(self) -> dict[str, str]:
        return server_environment(
            ACTION_ENDPOINT_URL=f"{self.action_url}/webhook", **self.extra_environment
        )

    def start(self, timeout: float = 180.0) -> None:
        self.start_action_server(timeout)
        self.start_rasa_server(timeout)
        if self.web_port:
            self.start_web_server(timeout)

    def start_action_server(self, timeout: float = 120.0) -> None:
        command = [
            sys.executable,
            "-m",
            "rasa",
            "run",
            "actions",
            "--actions",
            "actions",
            "--port",
            str(self.action_port),
        ]
        self._start("actions", command, f"{self.action_url}/health", timeout)

    def start_rasa_server(self, timeout: float = 180.0) -> None:
        command = [
            sys.executable,
            "-m",
            "rasa",
            "run",
            "--model",
            str(self.model_path),
            "--port",
            str(self.rasa_port),
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
            "--enable-api",
            f"--auth-token={self.api_token}",
            "--cors",
            "*",
        ]
        self._start("rasa", command, f"{self.rasa_url}/status?token={self.api_token}", timeout)

    def start_web_server(self, timeout: float = 30.0) -> None:
        command = [sys.executable, "scripts/serve_web.py", "--port", str(self.web_port)]
        self._start("web", command, f"{self.web_url}/", timeout)

    def _start(self, name: str, command: list[str], ready_url: str, timeout: float) -> None:
        managed = ManagedProcess(name, command, self._environment(), echo=self.echo)
        self.processes[name] = managed
        managed.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not managed.is_running():
                raise ServerFailedToStart(f"{name} exited early:\n{managed.log_tail()}")
            status, _ = http_get(ready_url)
            if status == 200:
                return
            time.sleep(0.5)
        managed.stop()
        raise ServerFailedToStart(
            f"{name} did not answer {ready_url} in {timeout:.0f} s:\n" f"{managed.log_tail()}"
        )

    def stop_server(self, name: str) -> None:
        if name in self.processes:
            self.processes.pop(name).stop()

    def stop(self) -> None:
        """Stop everything, the Rasa server first so it stops sending to the action server."""
        for name in ("rasa", "web", "actions"):
            self.stop_server(name)

    def send(self, sender: str, text: str, timeout: float = 60.0) -> list[dict]:
        """Post one message to the REST channel and return the bot's messages."""
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": text}).encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def tracker(self, sender: str) -> dict:
        """The stored conversation for `sender`, through the HTTP API."""
        status, body = http_get(
            f"{self.rasa_url}/conversations/{sender}/tracker?token={self.api_token}", timeout=30
        )
        if status != 200:
            raise RuntimeError(f"tracker request failed ({status}): {body}")
        return json.loads(body)


def scratch_stack(model_path: Path, tracker_db: Path) -> AssistantStack:
    """A stack on free ports with a fresh API token and its own SQLite tracker store, for tests
    and evaluations that must not touch `make run`'s servers or conversations."""
    return AssistantStack(
        model_path=model_path,
        api_token=secrets.token_hex(16),
        rasa_port=free_port(),
        action_port=free_port(),
        extra_environment={
            "TRACKER_STORE_DIALECT": "sqlite",
            "TRACKER_STORE_DB": str(tracker_db),
            "TRACKER_STORE_URL": "",
        },
    )
