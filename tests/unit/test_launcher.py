"""The launcher's supervision and settings, with small real processes instead of servers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from launcher.rasa_server import rasa_arguments
from launcher.settings import DEFAULTS, PROCESS_SETTINGS, REPO_ROOT, read_env_file
from launcher.stack import AssistantStack, RestartPolicy, stop_processes

QUICK_POLICY = RestartPolicy(first_delay=0.1, max_delay=0.4, quick_exit=5.0, max_failures=3)


def stack_with(
    tmp_path: Path, policy: RestartPolicy = QUICK_POLICY, **programs: str
) -> AssistantStack:
    """A stack whose 'servers' are one-line Python programs, already started."""
    stack = AssistantStack(Path("unused"), "token", 1, 2, tmp_path, restart_policy=policy)
    for name, code in programs.items():
        stack.launch(name, [sys.executable, "-c", code])
    return stack


def supervise_for(stack: AssistantStack, seconds: float) -> tuple[list[str], list[str]]:
    """Run supervision steps for `seconds`; (reports, servers given up on)."""
    reports, given_up = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        name = stack.restart_exited(reports.append)
        if name:
            given_up.append(name)
        time.sleep(0.05)
    return reports, given_up


def test_a_server_that_exits_is_restarted_with_growing_delays(tmp_path: Path) -> None:
    patient = RestartPolicy(first_delay=0.1, max_delay=0.4, quick_exit=5.0, max_failures=50)
    stack = stack_with(tmp_path, patient, actions="import time; time.sleep(0.2)")
    try:
        reports, given_up = supervise_for(stack, 3.0)
        assert not given_up
        delays = [line.split("restarting it in ")[1] for line in reports if "restarting" in line]
        assert delays[:4] == ["0.1 s.", "0.2 s.", "0.4 s.", "0.4 s."]
        assert sum("actions restarted." in line for line in reports) >= 4
        assert stack.processes["actions"].starts >= 5
    finally:
        stop_processes(list(stack.processes.values()))


def test_supervision_gives_up_after_repeated_quick_failures_and_keeps_the_others(
    tmp_path: Path,
) -> None:
    stack = stack_with(tmp_path, actions="raise SystemExit(3)", web="import time; time.sleep(60)")
    try:
        reports, given_up = supervise_for(stack, 4.0)
        assert given_up == ["actions"]
        assert "exited (code 3) 3 times in a row" in reports[-1]
        assert stack.processes["actions"].starts == QUICK_POLICY.max_failures
        assert stack.processes["web"].is_running() and stack.processes["web"].starts == 1
    finally:
        stop_processes(list(stack.processes.values()))


def test_stop_ends_a_server_that_ignores_sigterm(tmp_path: Path) -> None:
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    stack = stack_with(tmp_path, rasa=stubborn)
    time.sleep(0.5)  # let it install its handler
    started = time.monotonic()
    stop_processes(list(stack.processes.values()), timeout=1.0)
    assert not stack.processes["rasa"].is_running()
    assert time.monotonic() - started < 5


def test_the_api_token_and_origins_reach_rasa_run_but_not_other_commands() -> None:
    environment = {"RASA_API_TOKEN": "s3cret", "CORS_ORIGINS": "http://a.example http://b.example"}
    arguments = rasa_arguments(["run", "--enable-api"], environment)
    assert arguments == [
        "run",
        "--enable-api",
        "--auth-token=s3cret",
        "--cors",
        "http://a.example",
        "http://b.example",
    ]
    assert rasa_arguments(["shell", "--model", "m"], environment) == ["shell", "--model", "m"]
    assert rasa_arguments(["run"], {}) == ["run", "--cors"]


def test_action_calls_carry_the_slots_and_only_the_current_turn() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from launcher.rasa_server import send_actions_the_current_turn

    send_actions_the_current_turn()
    domain = Domain.from_yaml("slots:\n  stage:\n    type: text\n    mappings: []\n")
    events = [
        UserUttered("I'm 20 weeks", {"name": "inform_stage"}),
        SlotSet("stage", "trimester_2"),
        ActionExecuted("action_listen"),
        UserUttered("my upper back hurts", {"name": "describe_pain"}),
        ActionExecuted("action_recommend_exercises"),
    ]
    tracker = DialogueStateTracker.from_events("someone", events, domain.slots)
    call = RemoteAction("action_recommend_exercises", None)._action_call_format(tracker, domain)
    sent = call["tracker"]
    assert sent["slots"]["stage"] == "trimester_2"
    assert sent["latest_message"]["text"] == "my upper back hurts"
    assert [event["event"] for event in sent["events"]] == ["user", "action"]
    assert call["next_action"] == "action_recommend_exercises"


def test_action_replies_are_still_checked_against_rasas_schema() -> None:
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    from launcher.rasa_server import validate_action_replies_once

    validate_action_replies_once()
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [], "responses": []})
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result({"events": "not a list"})


def test_the_process_settings_are_printed_for_the_makefile_and_the_test_script() -> None:
    """`python -m launcher.settings` prints NAME=value words (the Makefile and scripts/test.sh
    export them); the process environment wins over `.env` and the defaults."""
    environment = {k: v for k, v in os.environ.items() if k not in PROCESS_SETTINGS}
    environment["TF_CPP_MIN_LOG_LEVEL"] = "3"
    printed = subprocess.run(
        [sys.executable, "-m", "launcher.settings"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    expected = {name: read_env_file().get(name, DEFAULTS[name]) for name in PROCESS_SETTINGS}
    expected["TF_CPP_MIN_LOG_LEVEL"] = "3"
    assert dict(word.split("=", 1) for word in printed.split()) == expected
