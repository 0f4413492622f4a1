"""Start, supervise and stop the action server, the Rasa server and the web widget's file server.

Each server runs in its own process group, so a stop reaches everything it started, and with a
parent-death signal, so it goes too if the launcher is killed outright (SIGKILL).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pwd
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from channels.platforms import PLATFORM_VARIABLES
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
    # run as this OS user (PostgreSQL refuses to run as root), and stop with this signal
    user: str | None = None
    stop_signal: signal.Signals = signal.SIGTERM
    process: subprocess.Popen | None = field(default=None, init=False)
    started_at: float = field(default=0.0, init=False)
    starts: int = field(default=0, init=False)

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self) -> None:
        """Start (or restart) the server; a restart appends to the same log."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        identity = {}
        if self.user:
            account = pwd.getpwnam(self.user)
            identity = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO_ROOT,
            env=self.environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_exit_with_parent(os.getpid()),  # runs after the change of user
            **identity,
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
    """Signal every process group at once (SIGTERM unless a process says otherwise); SIGKILL
    what is still there after `timeout`."""
    for managed in processes:
        managed.signal(managed.stop_signal)
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


def action_server_command(port: int) -> list[str]:
    """rasa-sdk's action server for the package actions/."""
    command = [sys.executable, "-m", "rasa", "run", "actions", "--actions", "actions"]
    return [*command, "--port", str(port)]


def rasa_server_command(model_path: Path, port: int, interface: str | None = None) -> list[str]:
    """`rasa run` through launcher.rasa_server: the API token and the CORS origins travel in the
    environment, never on the command line. It listens on every interface unless one is given."""
    command = [sys.executable, "-m", "launcher.rasa_server", "run", "--model", str(model_path)]
    command += ["--port", str(port), "--credentials", "credentials.yml"]
    command += ["--interface", interface] if interface else []
    return [*command, "--endpoints", "endpoints.yml", "--enable-api"]


class ServerFailedToStart(RuntimeError):
    """A server exited or did not answer in time; the message carries its log tail."""


class StopRequested(RuntimeError):
    """A stop was asked for while a server was still starting."""


@dataclass(kw_only=True)
class Supervisor:
    """Starts named servers, restarts those that exit (see RestartPolicy) and stops them.

    The base of AssistantStack and launcher.cluster.Cluster, which add a `log_dir` and an
    `environment()` for their servers (a field here would come first in their constructors)."""

    echo: bool = False
    restart_policy: RestartPolicy = field(default_factory=RestartPolicy)
    stop_requested: threading.Event = field(default_factory=threading.Event)
    processes: dict[str, ManagedProcess] = field(default_factory=dict, init=False)
    _restarts: dict[str, _RestartState] = field(default_factory=dict, init=False)

    def environment(self) -> dict[str, str]:
        raise NotImplementedError

    def launch(
        self,
        name: str,
        command: list[str],
        environment: dict[str, str] | None = None,
        **options: Any,
    ) -> ManagedProcess:
        """Start `command` as the server `name`, under supervision, without waiting for it.
        `options` go to ManagedProcess (`user`, `stop_signal`)."""
        managed = ManagedProcess(
            name,
            command,
            self.environment() if environment is None else environment,
            log_dir=self.log_dir,
            echo=self.echo,
            **options,
        )
        self.processes[name] = managed
        self._restarts[name] = _RestartState()
        managed.start()
        return managed

    def _start(self, name: str, command: list[str], ready_url: str, timeout: float) -> None:
        self.wait_until_ready(self.launch(name, command), ready_url, timeout)

    def wait_until_ready(
        self, managed: ManagedProcess, ready: str | Callable[[], bool], timeout: float
    ) -> None:
        """Wait until `ready` (a URL that answers 200, or a check) holds; stop the server and
        raise ServerFailedToStart when it exits or does not get there in `timeout` seconds."""
        check = (lambda: http_get(ready)[0] == 200) if isinstance(ready, str) else ready
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stop_requested.is_set():
                raise StopRequested(f"stopped while {managed.name} was starting")
            if not managed.is_running():
                raise ServerFailedToStart(f"{managed.name} exited early:\n{managed.log_tail()}")
            if check():
                return
            time.sleep(0.5)
        stop_processes([managed])
        waited_for = ready if isinstance(ready, str) else "its readiness check"
        raise ServerFailedToStart(
            f"{managed.name} did not answer {waited_for} in {timeout:.0f} s:\n"
            f"{managed.log_tail()}"
        )

    def supervise(self, report=print, essential: tuple[str, ...] = ("rasa",)) -> None:  # noqa: ANN001
        """Restart servers that exit, until stop_requested is set. Returns early when a server
        in `essential` is given up on (it keeps failing); another server given up on is left
        down (without the action server Rasa still answers, warning signs included)."""
        while not self.stop_requested.wait(0.5):
            if self.restart_exited(report) in essential:
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

    def stop_in_order(self, *groups: tuple[str, ...]) -> None:
        """Stop every server, group after group (the servers of one group together); servers
        in no group go last."""
        self.stop_requested.set()
        for group in [*groups, tuple(self.processes)]:
            stop_processes([self.processes.pop(name) for name in group if name in self.processes])


@dataclass
class AssistantStack(Supervisor):
    """The action server and the Rasa server (and optionally the widget's file server)."""

    model_path: Path
    api_token: str
    rasa_port: int
    action_port: int
    log_dir: Path
    web_port: int | None = None
    host: str = "127.0.0.1"
    extra_environment: dict[str, str] = field(default_factory=dict)

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
        environment["SANIC_HOST"] = environment["LISTEN_HOST"]  # where rasa-sdk listens
        return environment

    def start(self, timeout: float = 180.0) -> None:
        self.start_action_server(timeout)
        self.start_rasa_server(timeout)
        if self.web_port:
            self.start_web_server(timeout)

    def start_action_server(self, timeout: float = 120.0) -> None:
        self._start(
            "actions", action_server_command(self.action_port), f"{self.action_url}/health", timeout
        )

    def start_rasa_server(self, timeout: float = 180.0) -> None:
        listen_host = self.environment()["LISTEN_HOST"]
        command = rasa_server_command(self.model_path, self.rasa_port, listen_host)
        self._start("rasa", command, f"{self.rasa_url}/status?token={self.api_token}", timeout)

    def start_web_server(self, timeout: float = 30.0) -> None:
        command = [sys.executable, "scripts/serve_web.py", "--port", str(self.web_port)]
        command += ["--host", self.environment()["LISTEN_HOST"]]
        self._start("web", command, f"{self.web_url}/", timeout)

    def stop(self) -> None:
        """Stop every server within STOP_TIMEOUT (SIGKILL after that); the Rasa server is
        signalled first so it stops sending to the action server."""
        self.stop_in_order(("rasa", "web", "actions"))

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
            # no messaging platform from a developer's .env: tests must not call real ones
            **dict.fromkeys(PLATFORM_VARIABLES, ""),
            "TRACKER_STORE_DIALECT": "sqlite",
            "TRACKER_STORE_DB": str(tracker_db),
            "TRACKER_STORE_URL": "",
            "CORS_ORIGINS": "",
        },
    )
