"""Start, supervise and stop the action server, the Rasa server and the web widget's file server.

Each server runs in its own process group, so a stop reaches everything it started, and with a
parent-death signal, so it goes too if the launcher is killed outright (SIGKILL).
"""

from __future__ import annotations

import contextlib
import ctypes
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

from launcher.settings import REPO_ROOT, server_environment

STOP_TIMEOUT = 10.0  # seconds a server gets to exit after SIGTERM before SIGKILL
_PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here: the child must not import


def _exit_with_parent(parent_pid: int):  # noqa: ANN202
    """Run in the child between fork and exec: SIGTERM it when the launcher dies (Linux)."""

    def set_parent_death_signal() -> None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the launcher died before the line above
            os._exit(1)

    return set_parent_death_signal


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
    """A child server in its own process group whose output goes to a log (and maybe stdout)."""

    name: str
    command: list[str]
    environment: dict[str, str]
    log_dir: Path
    echo: bool = False
    process: subprocess.Popen | None = field(default=None, init=False)
    started_at: float = field(default=0.0, init=False)
    starts: int = field(default=0, init=False)

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self) -> None:
        """Start (or restart) the server; a restart appends to the same log."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO_ROOT,
            env=self.environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_exit_with_parent(os.getpid()),
        )
        self.started_at = time.monotonic()
        self.starts += 1
        log = self.log_path.open("w" if self.starts == 1 else "a", encoding="utf-8")
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
                    try:
                        sys.stdout.write(f"[{self.name}] {line}")
                        sys.stdout.flush()
                    except (OSError, ValueError):  # the terminal is gone; the log goes on
                        self.echo = False

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: signal.Signals) -> None:
        """Send `sig` to the server's whole process group (a stopped group is woken to get it)."""
        if self.is_running():
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
                os.killpg(self.process.pid, signal.SIGCONT)

    def wait(self, until: float) -> bool:
        """Wait until the server has exited or the monotonic clock reaches `until`."""
        if self.process is None:
            return True
        try:
            self.process.wait(timeout=max(0.0, until - time.monotonic()))
            return True
        except subprocess.TimeoutExpired:
            return False

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8").splitlines()[-lines:])


def stop_processes(processes: list[ManagedProcess], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM every process group at once; SIGKILL what is still there after `timeout`."""
    for managed in processes:
        managed.signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for managed in processes:
        if not managed.wait(deadline):
            managed.signal(signal.SIGKILL)
            managed.wait(time.monotonic() + 5)


@dataclass
class RestartPolicy:
    """When a server exits by itself: restart it after 1, 2, 4 ... (at most 30) seconds; an exit
    less than `quick_exit` seconds after a start counts as a failure in a row, and after
    `max_failures` of those the supervisor gives up on that server."""

    first_delay: float = 1.0
    max_delay: float = 30.0
    quick_exit: float = 60.0
    max_failures: int = 5


@dataclass
class _RestartState:
    failures: int = 0
    restart_at: float | None = None
    gave_up: bool = False


class ServerFailedToStart(RuntimeError):
    """A server exited or did not answer in time; the message carries its log tail."""


class StopRequested(RuntimeError):
    """A stop was asked for while a server was still starting."""


@dataclass
class AssistantStack:
    """The action server and the Rasa server (and optionally the widget's file server)."""

    model_path: Path
    api_token: str
    rasa_port: int
    action_port: int
    log_dir: Path
    web_port: int | None = None
    host: str = "127.0.0.1"
    echo: bool = False
    extra_environment: dict[str, str] = field(default_factory=dict)
    restart_policy: RestartPolicy = field(default_factory=RestartPolicy)
    stop_requested: threading.Event = field(default_factory=threading.Event)
    processes: dict[str, ManagedProcess] = field(default_factory=dict, init=False)
    _restarts: dict[str, _RestartState] = field(default_factory=dict, init=False)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def web_url(self) -> str | None:
        return f"http://{self.host}:{self.web_port}" if self.web_port else None

    def environment(self) -> dict[str, str]:
        environment = server_environment(
            ACTION_ENDPOINT_URL=f"{self.action_url}/webhook",
            RASA_API_TOKEN=self.api_token,
            **self.extra_environment,
        )
        # The widget's own page may always call the server; CORS_ORIGINS adds more origins.
        widget_origins = (
            [f"http://localhost:{self.web_port}", f"http://127.0.0.1:{self.web_port}"]
            if self.web_port
            else []
        )
        environment["CORS_ORIGINS"] = " ".join(
            [*widget_origins, *environment.get("CORS_ORIGINS", "").split()]
        )
        return environment

    def start(self, timeout: float = 180.0) -> None:
        self.start_action_server(timeout)
        self.start_rasa_server(timeout)
        if self.web_port:
            self.start_web_server(timeout)

    def start_action_server(self, timeout: float = 120.0) -> None:
        command = [sys.executable, "-m", "rasa", "run", "actions", "--actions", "actions"]
        command += ["--port", str(self.action_port)]
        self._start("actions", command, f"{self.action_url}/health", timeout)

    def start_rasa_server(self, timeout: float = 180.0) -> None:
        """`rasa run` through launcher.rasa_server: the API token and the CORS origins travel in
        the environment, never on the command line."""
        command = [sys.executable, "-m", "launcher.rasa_server", "run", "--model"]
        command += [str(self.model_path), "--port", str(self.rasa_port)]
        command += ["--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]
        command += ["--enable-api"]
        self._start("rasa", command, f"{self.rasa_url}/status?token={self.api_token}", timeout)

    def start_web_server(self, timeout: float = 30.0) -> None:
        command = [sys.executable, "scripts/serve_web.py", "--port", str(self.web_port)]
        self._start("web", command, f"{self.web_url}/", timeout)

    def launch(self, name: str, command: list[str]) -> ManagedProcess:
        """Start `command` as the server `name`, under supervision, without waiting for it."""
        managed = ManagedProcess(
            name, command, self.environment(), log_dir=self.log_dir, echo=self.echo
        )
        self.processes[name] = managed
        self._restarts[name] = _RestartState()
        managed.start()
        return managed

    def _start(self, name: str, command: list[str], ready_url: str, timeout: float) -> None:
        managed = self.launch(name, command)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stop_requested.is_set():
                raise StopRequested(f"stopped while {name} was starting")
            if not managed.is_running():
                raise ServerFailedToStart(f"{name} exited early:\n{managed.log_tail()}")
            status, _ = http_get(ready_url)
            if status == 200:
                return
            time.sleep(0.5)
        stop_processes([managed])
        raise ServerFailedToStart(
            f"{name} did not answer {ready_url} in {timeout:.0f} s:\n{managed.log_tail()}"
        )

    def supervise(self, report=print) -> None:  # noqa: ANN001
        """Restart servers that exit, until stop_requested is set. Returns early, with the Rasa
        server given up on, when it keeps failing; another server given up on is left down
        (without the action server Rasa still answers, warning signs included)."""
        while not self.stop_requested.wait(0.5):
            if self.restart_exited(report) == "rasa":
                return

    def restart_exited(self, report=print) -> str | None:  # noqa: ANN001
        """One supervision step; the name of a server given up on in this step, if any."""
        policy = self.restart_policy
        for name, managed in self.processes.items():
            state = self._restarts[name]
            if state.gave_up or managed.is_running():
                continue
            now = time.monotonic()
            if state.restart_at is None:
                lived = now - managed.started_at
                state.failures = state.failures + 1 if lived < policy.quick_exit else 1
                code = managed.process.returncode if managed.process else None
                if state.failures >= policy.max_failures:
                    state.gave_up = True
                    report(
                        f"[launcher] {name} exited (code {code}) {state.failures} times in a row "
                        f"soon after starting; giving up on it. See {managed.log_path}."
                    )
                    return name
                delay = min(policy.max_delay, policy.first_delay * 2 ** (state.failures - 1))
                report(
                    f"[launcher] {name} exited (code {code}) after {lived:.0f} s; "
                    f"restarting it in {delay:g} s."
                )
                state.restart_at = now + delay
            elif now >= state.restart_at:
                state.restart_at = None
                managed.start()
                report(f"[launcher] {name} restarted.")
        return None

    def stop_server(self, name: str) -> None:
        if name in self.processes:
            stop_processes([self.processes.pop(name)])

    def stop(self) -> None:
        """Stop every server within STOP_TIMEOUT (SIGKILL after that); the Rasa server is
        signalled first so it stops sending to the action server."""
        self.stop_requested.set()
        order = ("rasa", "web", "actions")
        stop_processes([self.processes[name] for name in order if name in self.processes])
        self.processes.clear()

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


def scratch_stack(model_path: Path, tracker_db: Path, serve_web: bool = False) -> AssistantStack:
    """A stack on free ports with a fresh API token, its own SQLite tracker store and its own
    logs next to it, for tests and evaluations that must not touch `make run`'s servers,
    conversations or logs."""
    return AssistantStack(
        model_path=model_path,
        api_token=secrets.token_hex(16),
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port() if serve_web else None,
        log_dir=tracker_db.parent / "logs",
        extra_environment={
            "TRACKER_STORE_DIALECT": "sqlite",
            "TRACKER_STORE_DB": str(tracker_db),
            "TRACKER_STORE_URL": "",
            "CORS_ORIGINS": "",
        },
    )
