"""Fault tests of `python -m launcher run` (what `make run` starts), as a real process on free
ports: supervision of crashed servers, clean stops on every signal, and no server left behind
when the launcher itself is killed. Each test starts its own launcher and stops it."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from backcare.knowledge_base import load_knowledge_base
from backcare.recommender import recommend
from backcare.replies import ACTION_UNAVAILABLE, recommendation_reply
from launcher.model import train_if_needed
from launcher.settings import REPO_ROOT
from launcher.stack import free_port, http_get
from tests.e2e.replies import texts
from tests.waiting import wait_until

from .test_safety import EMERGENCY_ADVICE

START_TIMEOUT = 240
STOP_DEADLINE = 15  # the bound for every child to exit and every port to be free
EMERGENCY = "I'm bleeding heavily and soaking a pad every hour"
RECOMMENDATION = "my upper back hurts and I'm 20 weeks pregnant"
KB = load_knowledge_base()
FIRST_EXERCISES = recommend(KB, "trimester_2", ["upper_back"])  # what RECOMMENDATION gets


def is_alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children(pid: int) -> set[int]:
    """Direct children of `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def listening(port: int) -> bool:
    return http_get(f"http://127.0.0.1:{port}/", timeout=1)[0] != 0


@dataclass
class Ports:
    rasa: int
    action: int
    web: int

    def all(self) -> tuple[int, int, int]:
        return self.rasa, self.action, self.web


@dataclass
class Launcher:
    """`python -m launcher run` in its own process group, like `make run` in a terminal."""

    process: subprocess.Popen
    ports: Ports
    token: str
    output: Path

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.rasa}"

    def servers(self) -> dict[str, int]:
        """The launcher's children by the port each one serves: name -> pid."""
        by_port = {}
        for pid in children(self.process.pid):
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            for name, port in (("rasa", self.ports.rasa), ("actions", self.ports.action)):
                if str(port).encode() in command:
                    by_port[name] = pid
            if b"scripts/serve_web.py" in command:
                by_port["web"] = pid
        return by_port

    def send(self, sender: str, text: str) -> str:
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return texts(json.loads(response.read()))

    def rasa_ready(self) -> bool:
        return http_get(f"{self.rasa_url}/status?token={self.token}")[0] == 200

    def actions_ready(self) -> bool:
        return http_get(f"http://127.0.0.1:{self.ports.action}/health")[0] == 200

    def log(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def ports() -> Ports:
    """One set of ports for every launcher in this module: each test also shows that the
    previous one left them free (`make run` after a stop starts cleanly)."""
    return Ports(free_port(), free_port(), free_port())


@pytest.fixture
def launcher(ports: Ports, tmp_path: Path) -> Iterator[Launcher]:
    model = train_if_needed()  # trained before, so the launcher does not train
    assert model.exists()
    assert not any(listening(port) for port in ports.all()), "ports left busy by a previous test"
    token = secrets.token_hex(16)
    environment = {
        **os.environ,
        "RASA_PORT": str(ports.rasa),
        "ACTION_PORT": str(ports.action),
        "WEB_PORT": str(ports.web),
        "LOG_DIR": str(tmp_path / "logs"),
        "TRACKER_STORE_DIALECT": "sqlite",
        "TRACKER_STORE_DB": str(tmp_path / "tracker.db"),
        "TRACKER_STORE_URL": "",
        "RASA_API_TOKEN": token,
    }
    output = tmp_path / "launcher.out"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "launcher", "run"],
            cwd=REPO_ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Launcher(process, ports, token, output)
    seen = {process.pid}  # every process to clean up if a test fails half-way
    try:
        started = wait_until(lambda: "The assistant is running" in running.log(), START_TIMEOUT)
        assert started, f"launcher did not start:\n{running.log()[-3000:]}"
        assert set(running.servers()) == {"rasa", "actions", "web"}
        seen |= children(process.pid)
        yield running
    finally:
        for pid in seen | children(process.pid):
            if is_alive(pid):
                os.killpg(pid, signal.SIGKILL)
        process.wait(timeout=30)


def assert_everything_stopped(launcher: Launcher, servers: dict[str, int]) -> None:
    """Within STOP_DEADLINE: every server process gone and every port free."""
    gone = wait_until(
        lambda: not any(is_alive(pid) for pid in servers.values())
        and not any(listening(port) for port in launcher.ports.all()),
        STOP_DEADLINE,
    )
    alive = [name for name, pid in servers.items() if is_alive(pid)]
    busy = [port for port in launcher.ports.all() if listening(port)]
    assert gone, f"still running: {alive}, ports still listening: {busy}\n{launcher.log()[-2000:]}"


def test_crashed_action_server_is_restarted_while_rasa_keeps_escalating(
    launcher: Launcher,
) -> None:
    before = launcher.servers()
    os.kill(before["actions"], signal.SIGKILL)
    # while it is down, warning signs still escalate (responses, no custom action)
    assert EMERGENCY_ADVICE in launcher.send("fault-1", EMERGENCY)
    assert wait_until(launcher.actions_ready, 120), launcher.log()[-3000:]
    after = launcher.servers()
    assert after["actions"] != before["actions"]
    assert after["rasa"] == before["rasa"], "the Rasa server kept running"
    assert "actions exited" in launcher.log() and "actions restarted" in launcher.log()
    answer = launcher.send("fault-2", RECOMMENDATION)
    assert ACTION_UNAVAILABLE not in answer
    assert recommendation_reply(KB, FIRST_EXERCISES).text in answer

    # the whole process group gets SIGTERM (docker stop, systemd, a CI time-out)
    servers = launcher.servers()
    os.killpg(launcher.process.pid, signal.SIGTERM)
    assert_everything_stopped(launcher, servers)
    assert launcher.process.wait(timeout=STOP_DEADLINE) == 0
    assert "Traceback" not in launcher.log()


def test_crashed_rasa_server_is_restarted_and_keeps_the_conversation(launcher: Launcher) -> None:
    launcher.send("fault-3", RECOMMENDATION)
    before = launcher.servers()
    os.kill(before["rasa"], signal.SIGKILL)
    assert wait_until(lambda: not launcher.rasa_ready(), 10)
    assert wait_until(launcher.rasa_ready, START_TIMEOUT), launcher.log()[-3000:]
    assert launcher.servers()["rasa"] != before["rasa"]
    assert "rasa restarted" in launcher.log()
    shown = [exercise.id for exercise in FIRST_EXERCISES.exercises]
    next_ones = recommend(KB, "trimester_2", ["upper_back"], exclude=shown)
    more = recommendation_reply(KB, next_ones, follow_up=True).text
    assert launcher.send("fault-3", "more exercises please") == more, "the conversation went on"

    servers = launcher.servers()
    os.kill(launcher.process.pid, signal.SIGINT)  # Ctrl-C
    assert_everything_stopped(launcher, servers)
    assert launcher.process.wait(timeout=STOP_DEADLINE) == 0


def test_repeated_signals_do_not_cut_the_stop_short(launcher: Launcher) -> None:
    servers = launcher.servers()
    for stop_signal in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGTERM):
        os.killpg(launcher.process.pid, stop_signal)
        time.sleep(0.05)
    assert_everything_stopped(launcher, servers)
    assert launcher.process.wait(timeout=STOP_DEADLINE) == 0
    assert "Traceback" not in launcher.log()
    assert "All servers stopped." in launcher.log()


def test_servers_exit_when_the_launcher_is_killed_outright(launcher: Launcher) -> None:
    servers = launcher.servers()
    os.kill(launcher.process.pid, signal.SIGKILL)
    launcher.process.wait(timeout=10)
    assert_everything_stopped(launcher, servers)
