"""`make shell` in a pseudo-terminal (pexpect), on free ports with a throwaway tracker store, log
folder and API token, so it never touches `.env`, `make run`'s ports or its conversations.

Rasa's cmdline channel shows the last message's buttons as a numbered list picked with the
arrow keys; its last choice, "Type out your own message...", goes back to the text prompt."""

from __future__ import annotations

import os
import re
import secrets
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pytest

from backcare.replies import ACTION_UNAVAILABLE
from launcher.model import train_if_needed
from launcher.settings import REPO_ROOT
from launcher.stack import free_port
from tests.waiting import wait_until

from .test_launcher_faults import EMERGENCY, START_TIMEOUT, children, is_alive, listening
from .test_safety import EMERGENCY_ADVICE

REPLY_TIMEOUT = 60
TEXT_PROMPT = "Your input ->"
BUTTON_PROMPT = "(Use arrow keys)"
DOWN, UP, ENTER = "\x1b[B", "\x1b[A", "\r"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Python warnings ("DeprecationWarning: ..."), tracebacks and Rasa's log lines
NOISE = re.compile(r"\w*Warning:|Traceback|\b(DEBUG|INFO|WARNING)\b")


def descendants(pid: int) -> set[int]:
    found = children(pid)
    for child in list(found):
        found |= descendants(child)
    return found


@dataclass
class Shell:
    """`make shell` in a terminal 500 columns wide (so no answer wraps)."""

    child: pexpect.spawn
    rasa_port: int
    action_port: int
    log_dir: Path
    servers: set[int] = field(default_factory=set)

    def find_servers(self) -> set[int]:
        """Every process `make shell` runs, remembered for the clean-up."""
        self.servers = descendants(self.child.pid)
        return self.servers

    def action_server(self) -> int:
        (pid,) = [pid for pid in self.servers if str(self.action_port).encode() in cmdline(pid)]
        return pid

    def wait_for_answer(self, expected: str) -> str:
        """Wait for `expected` and then the next prompt; return what the terminal showed since
        the last prompt, without colours. Leaves the terminal at the text prompt."""
        self.child.expect_exact(expected, timeout=REPLY_TIMEOUT)
        shown = self.child.before + expected
        if self.child.expect_exact([TEXT_PROMPT, BUTTON_PROMPT], timeout=REPLY_TIMEOUT) == 1:
            self.type_own_message()
        return ANSI.sub("", shown + self.child.before)

    def type_own_message(self) -> None:
        """At a button list: pick its last choice, back to the text prompt (the list wraps)."""
        self.child.expect_exact("Type out your own message")
        self.child.send(UP + ENTER)
        self.child.expect_exact(TEXT_PROMPT, timeout=REPLY_TIMEOUT)


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    train_if_needed()  # trained before, so the shell does not train
    rasa_port, action_port = free_port(), free_port()
    environment = {
        **os.environ,
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "LOG_DIR": str(tmp_path / "logs"),
        "TRACKER_STORE_DIALECT": "sqlite",
        "TRACKER_STORE_DB": str(tmp_path / "tracker.db"),
        "TRACKER_STORE_URL": "",
        "RASA_API_TOKEN": secrets.token_hex(16),
        # a terminal answers prompt_toolkit's cursor position requests, pexpect does not
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    child = pexpect.spawn(
        "make",
        ["--no-print-directory", "shell"],
        cwd=REPO_ROOT,
        env=environment,
        encoding="utf-8",
        codec_errors="replace",
        dimensions=(50, 500),
        timeout=START_TIMEOUT,
    )
    running = Shell(child, rasa_port, action_port, tmp_path / "logs")
    try:
        yield running
    finally:
        for pid in running.servers | descendants(child.pid):
            if is_alive(pid):
                os.kill(pid, signal.SIGKILL)
        child.close(force=True)


def test_make_shell_chats_with_buttons_escalates_and_exits_cleanly(shell: Shell) -> None:
    child = shell.child
    child.expect_exact(TEXT_PROMPT)
    before_prompt = ANSI.sub("", child.before)
    assert "Bot loaded" in before_prompt
    assert not NOISE.search(before_prompt), f"noise before the prompt:\n{before_prompt}"
    shell_log = (shell.log_dir / "shell.log").read_text(encoding="utf-8")
    assert "Rasa server is up and running" in shell_log, "Rasa's start-up lines go to the log"
    servers = shell.find_servers()
    assert wait_until(lambda: listening(shell.rasa_port) and listening(shell.action_port), 10)

    # an ordinary exchange: the stage question comes as a numbered button list
    child.sendline("my lower back hurts")
    child.expect_exact("How far along are you", timeout=REPLY_TIMEOUT)
    child.expect_exact(BUTTON_PROMPT, timeout=REPLY_TIMEOUT)
    child.expect_exact("Type out your own message")
    assert "1: 1st trimester" in child.before and "2: 2nd trimester" in child.before
    child.send(DOWN + ENTER)
    answer = shell.wait_for_answer("exercises for your lower back in your second trimester")
    assert "(Source" in answer

    child.sendline(EMERGENCY)
    answer = shell.wait_for_answer(EMERGENCY_ADVICE)
    assert "exercise" in answer.lower() and "bleeding" in answer

    # a real error still reaches the terminal: a custom action without its action server
    os.kill(shell.action_server(), signal.SIGKILL)
    child.sendline("how do I do a pelvic tilt?")
    answer = shell.wait_for_answer(ACTION_UNAVAILABLE)
    assert "[error] Custom action action_explain_exercise could not run" in answer
    assert not NOISE.search(answer), answer

    child.sendline("/stop")
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    assert child.exitstatus == 0
    assert wait_until(lambda: not any(is_alive(pid) for pid in servers), 15), "a server is left"
    assert not listening(shell.rasa_port) and not listening(shell.action_port)


def test_a_shell_that_cannot_start_says_why(tmp_path: Path) -> None:
    """The tracker store's database does not answer: the reason is on the terminal, not only
    in the log."""
    environment = {
        **os.environ,
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "LOG_DIR": str(tmp_path / "logs"),
        "TRACKER_STORE_URL": f"postgresql://nobody:secret@127.0.0.1:{free_port()}/nothing",
        "RASA_API_TOKEN": secrets.token_hex(16),
    }
    output, status = pexpect.run(
        "make --no-print-directory shell",
        cwd=REPO_ROOT,
        env=environment,
        encoding="utf-8",
        withexitstatus=True,
        timeout=START_TIMEOUT,
    )
    assert status != 0, output
    assert "The Rasa server cannot start" in output, output


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""
