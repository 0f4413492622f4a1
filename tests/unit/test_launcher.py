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


def test_custom_actions_share_one_kept_open_connection_closed_at_the_stop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    from types import SimpleNamespace

    import rasa.core.run
    from aiohttp import web
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from launcher.rasa_server import keep_action_connections_open

    # the patch below replaces these for the whole process; put them back afterwards
    monkeypatch.setattr(RemoteAction, "__init__", RemoteAction.__init__)
    monkeypatch.setattr(rasa.core.run, "close_resources", rasa.core.run.close_resources)
    keep_action_connections_open()
    callers: list[tuple[str, int]] = []

    async def action_server(request: web.Request) -> web.Response:
        callers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": []})

    async def two_calls_then_stop() -> dict:
        app = web.Application()
        app.router.add_post("/webhook", action_server)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        domain = Domain.empty()
        tracker = DialogueStateTracker("someone", domain.slots)
        nlg = TemplatedNaturalLanguageGenerator({})
        try:
            for name in ("action_one", "action_two"):
                action = RemoteAction(name, endpoint)
                await action.run(CollectingOutputChannel(), nlg, tracker, domain)
            session = endpoint.kept_open._sessions[asyncio.get_running_loop()]
            await rasa.core.run.close_resources(SimpleNamespace(ctx=SimpleNamespace()), None)
            return {"session closed": session.closed, "sessions": endpoint.kept_open._sessions}
        finally:
            await runner.cleanup()

    stopped = asyncio.run(two_calls_then_stop())
    assert len(callers) == 2
    assert callers[0] == callers[1], "the second call opened a new connection"
    assert stopped == {"session closed": True, "sessions": {}}


class Counting:
    """A graph component that adds its inputs (and its configured amount) and counts its runs."""

    runs: list[str] = []

    @staticmethod
    def get_default_config() -> dict:
        return {}

    def __init__(self, config: dict, name: str) -> None:
        self.amount, self.name = config["amount"], name

    @classmethod
    def create(cls, config, model_storage, resource, execution_context):  # noqa: ANN001, ANN206
        return cls(config, execution_context.node_name)

    def add(self, **numbers: int) -> int:
        Counting.runs.append(self.name)
        return self.amount + sum(numbers.values())


def diamond_graph_runner(tmp_path: Path):  # noqa: ANN201
    """`total` needs `left` and `right`, which both need `start`, which needs the input."""
    from rasa.engine.graph import ExecutionContext, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    def node(amount: int, **needs: str) -> SchemaNode:
        return SchemaNode(needs, Counting, "create", "add", {"amount": amount})

    schema = GraphSchema(
        {
            "start": node(1, number="__number__"),
            "left": node(10, number="start"),
            "right": node(100, number="start"),
            "total": node(0, a="left", b="right"),
            "unused": node(1000, number="start"),
        }
    )
    return DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "m"))


def test_the_model_graph_runs_each_needed_node_once_with_the_results_dask_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dask
    from rasa.engine.runner.dask import DaskGraphRunner

    from launcher.rasa_server import run_model_graphs_in_plain_python

    def run_twice() -> list[dict]:
        runner = diamond_graph_runner(tmp_path)
        return [runner.run({"__number__": number}, ["total"]) for number in (5, 7)]

    Counting.runs = []
    through_dask = run_twice()
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)
    run_model_graphs_in_plain_python()

    def no_dask(*arguments: object) -> None:
        raise AssertionError("dask ran the graph")

    monkeypatch.setattr(dask, "get", no_dask)
    Counting.runs = []
    in_plain_python = run_twice()
    assert in_plain_python == through_dask == [{"total": 2 * 5 + 112}, {"total": 2 * 7 + 112}]
    assert sorted(Counting.runs) == sorted(["start", "left", "right", "total"] * 2)
    assert Counting.runs.index("total") > max(Counting.runs.index(n) for n in ("left", "right"))


@pytest.mark.parametrize(("command", "threads"), [("run", "1"), ("shell", "1"), ("train", None)])
def test_the_rasa_server_runs_tensorflow_on_one_thread_but_training_keeps_the_default(
    monkeypatch: pytest.MonkeyPatch, command: str, threads: str | None
) -> None:
    import rasa.__main__

    import launcher.rasa_server as rasa_server

    seen: dict[str, str | None] = {}
    for name in (
        "answer_when_actions_fail",
        "validate_action_replies_once",
        "send_actions_the_current_turn",
        "keep_action_connections_open",
        "run_model_graphs_in_plain_python",
        "check_stores",
        "install_store_safeguards",
        "keep_reminders_across_restarts",
    ):
        monkeypatch.setattr(rasa_server, name, lambda *arguments: None)
    monkeypatch.setattr(rasa_server, "with_platform_credentials", lambda arguments, _: arguments)
    monkeypatch.setattr(
        rasa.__main__,
        "main",
        lambda: seen.update(
            (name, os.environ.get(name))
            for name in ("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS")
        ),
    )
    for name in ("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os, "environ", dict(os.environ))
    monkeypatch.setattr(sys, "argv", ["launcher.rasa_server", command])
    rasa_server.main()
    assert seen == {
        "TF_INTRA_OP_PARALLELISM_THREADS": threads,
        "TF_INTER_OP_PARALLELISM_THREADS": threads,
    }


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
