"""The Rasa server process: Rasa's own command line, with the project's safeguards applied first.

`python -m launcher.rasa_server run|shell [rasa arguments]` behaves like `python -m rasa`, and:
- `run` takes the HTTP API token from RASA_API_TOKEN and the browser origins from CORS_ORIGINS in
  its environment and hands them to Rasa inside the process, so the token is never on a command
  line (`ps` shows every process's arguments to every local user);
- every custom action call gets ACTION_TIMEOUT_SECONDS. When the action server is down, hung or
  failing, the person gets a short apology (`replies.ACTION_UNAVAILABLE`) at once. Rasa 3.6
  would wait up to five minutes for a hung one and answer nothing when one fails. Warning-sign
  answers are responses, not custom actions, so they keep working meanwhile;
- `run` and `shell` first check that the tracker store's database and the Redis lock store (when
  configured) answer, and exit non-zero with the reason when they do not; once running, a
  dropped database connection is retried, never replaced by memory, and the Redis lock store
  takes its tickets atomically (launcher/stores.py);
- `shell` also shows every error it logs on the terminal (stdout), because `make shell` sends
  this process's stderr, where Rasa logs and library warnings go, to a log file;
- `run` opens the messaging platforms whose variables are set (channels/platforms.py): its
  credentials file becomes a temporary copy of the given one (credentials.yml) with a block of
  ${VARIABLE} placeholders for each, so no secret is written to disk;
- custom action calls carry only the current turn's events, go over kept-open connections, and
  the action server's replies are checked with a schema validator built once (three costs that
  Rasa 3.6 pays on every call);
- `run` schedules again the reminders (check-ins) still pending in the tracker store, and fires
  a reminder only while it is still pending there (launcher/reminders.py).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import rasa
import rasa.core.run
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import EventVerbosity
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from backcare.replies import ACTION_UNAVAILABLE
from channels.platforms import credentials_with_platforms, platform_setup
from launcher.reminders import keep_reminders_across_restarts
from launcher.settings import server_environment
from launcher.stores import (
    StoreUnavailable,
    check_stores,
    endpoints_file,
    install_store_safeguards,
)

logger = logging.getLogger(__name__)


def answer_when_actions_fail(timeout_seconds: float) -> None:
    """Make every custom action give up after `timeout_seconds` and then apologise."""
    call_action_server = RemoteAction.run

    async def run_or_apologise(self, output_channel, nlg, tracker, domain):  # noqa: ANN001
        try:
            return await asyncio.wait_for(
                call_action_server(self, output_channel, nlg, tracker, domain), timeout_seconds
            )
        except ActionExecutionRejection:
            raise  # the action declined on purpose; Rasa predicts another one
        except (TimeoutError, RasaException) as error:
            # the error's type only: an action server's error reply can quote the conversation
            timed_out = isinstance(error, TimeoutError)
            reason = f"no answer in {timeout_seconds:g} s" if timed_out else type(error).__name__
            logger.error("Custom action %s could not run (%s).", self.name(), reason)
            return [create_bot_utterance({"text": ACTION_UNAVAILABLE})]

    RemoteAction.run = run_or_apologise


def validate_action_replies_once() -> None:
    """Check the action server's replies against Rasa's schema with a validator built once.
    Rasa 3.6 re-checks the schema itself against its meta-schema on every call (about 10 ms of
    each custom action; a third of the server's time under load); the check stays the same."""
    spec = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(spec)
    validator_class.check_schema(spec)
    validator = validator_class(spec)

    def validate_action_result(self, result: dict) -> bool:  # noqa: ANN001
        error = jsonschema.exceptions.best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid."
        )
        raise error

    RemoteAction._validate_action_result = validate_action_result


class KeptSession:
    """An open client session that `async with` lends out without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exception: object) -> None:
        return None


class KeptOpenEndpoint(EndpointConfig):
    """The action endpoint, calling over connections kept open between calls. Rasa 3.6 opens a
    client session, and so a new connection, for every custom action call: a second round trip
    and, under load, a second wait behind every other conversation on the event loop."""

    # below the action server's keep-alive (Sanic's default, 5 s), so a connection is never
    # reused just as the server closes it
    KEEP_ALIVE_SECONDS = 3.0

    def __init__(self, endpoint: EndpointConfig) -> None:
        super().__init__(
            endpoint.url,
            endpoint.params,
            endpoint.headers,
            endpoint.basic_auth,
            endpoint.token,
            endpoint.token_name,
            endpoint.cafile,
            **endpoint.kwargs,
        )
        self._sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}

    def session(self) -> KeptSession:  # type: ignore[override]
        loop = asyncio.get_running_loop()
        if loop not in self._sessions or self._sessions[loop].closed:
            self._sessions[loop] = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(keepalive_timeout=self.KEEP_ALIVE_SECONDS),
                headers=self.headers,
                auth=aiohttp.BasicAuth(**self.basic_auth) if self.basic_auth else None,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            )
        return KeptSession(self._sessions[loop])

    async def close(self) -> None:
        """Close this event loop's session, at the server's stop."""
        session = self._sessions.pop(asyncio.get_running_loop(), None)
        if session is not None:
            await session.close()


def keep_action_connections_open() -> None:
    """Make every custom action call its endpoint over connections kept open (KeptOpenEndpoint),
    closed when the server stops."""
    kept_open: list[KeptOpenEndpoint] = []
    create_remote_action = RemoteAction.__init__
    close_server_resources = rasa.core.run.close_resources

    def create_with_kept_connections(self, name, action_endpoint) -> None:  # noqa: ANN001
        if action_endpoint is not None and not isinstance(action_endpoint, KeptOpenEndpoint):
            # one kept-open twin per configured endpoint, living as long as it does
            if not hasattr(action_endpoint, "kept_open"):
                action_endpoint.kept_open = KeptOpenEndpoint(action_endpoint)
                kept_open.append(action_endpoint.kept_open)
            action_endpoint = action_endpoint.kept_open
        create_remote_action(self, name, action_endpoint)

    async def close_resources(app, loop) -> None:  # noqa: ANN001
        for endpoint in kept_open:
            await endpoint.close()
        await close_server_resources(app, loop)

    RemoteAction.__init__ = create_with_kept_connections
    rasa.core.run.close_resources = close_resources


def run_model_graphs_in_plain_python() -> None:
    """Run the model's graph (NLU on every message, the policies on every prediction) by
    calling each node after the nodes it needs, instead of through dask's scheduler: the same
    calls in a dependency order, without the scheduler's bookkeeping (about a sixth of the time
    the server spent running graphs). Each runner works out the graph of a set of targets once,
    not on every run."""

    def run(self, inputs=None, targets=None) -> dict:  # noqa: ANN001
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        graphs = self.__dict__.setdefault("graphs_by_targets", {})
        if run_targets not in graphs:
            minimal = self._graph_schema.minimal_graph_schema(list(run_targets))
            graphs[run_targets] = self._build_dask_graph(minimal)
        graph = dict(graphs[run_targets])
        if inputs:
            self._add_inputs_to_graph(inputs, graph)
        results: dict[str, Any] = {}

        def result_of(name: str) -> Any:
            # a node gives (its name, its output); an input is (its name, its value); a name
            # that is neither stands for itself, as in dask
            if name not in graph:
                return name
            if name not in results:
                function, *needs = graph[name]
                results[name] = (
                    function(*(result_of(need) for need in needs))
                    if callable(function)
                    else graph[name]
                )
            return results[name]

        try:
            return dict(result_of(target) for target in run_targets)
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error

    DaskGraphRunner.run = run


def send_actions_the_current_turn() -> None:
    """Send the action server the conversation's slots, latest message and the events of the
    current turn only, instead of every event of the session: the actions here read nothing
    else (actions/), and the whole history made each call grow with the conversation (666 KB
    at turn 200)."""

    def action_call(self, tracker, domain) -> dict:  # noqa: ANN001
        state = tracker.current_state(EventVerbosity.NONE)
        turn = []
        for event in reversed(tracker.events):
            turn.append(event)
            if isinstance(event, UserUttered):
                break
        state["events"] = [event.as_dict() for event in reversed(turn)]
        call = {
            "next_action": self.name(),
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or (
            domain.does_custom_action_explicitly_need_domain(self.name())
        ):
            call["domain"] = domain.as_dict()
        return call

    RemoteAction._action_call_format = action_call


class TerminalErrors(logging.Handler):
    """Print ERROR records on stdout, the terminal of `make shell`. Not a StreamHandler:
    Rasa's coloredlogs set-up replaces any stream handler on stdout or stderr."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        print(f"[error] {record.getMessage()}", flush=True)


def rasa_arguments(arguments: list[str], environment: dict[str, str]) -> list[str]:
    """The arguments for Rasa's own command line: `run` gains the token and the CORS origins."""
    if arguments[:1] != ["run"]:
        return arguments
    token = environment.get("RASA_API_TOKEN", "")
    origins = environment.get("CORS_ORIGINS", "").split()
    return [*arguments, *([f"--auth-token={token}"] if token else []), "--cors", *origins]


def with_platform_credentials(arguments: list[str], environment: Mapping[str, str]) -> list[str]:
    """`run` arguments whose credentials file (`--credentials`, else credentials.yml) gains a
    block for each messaging platform `environment` switches on, in a temporary file removed at
    exit; it prints which platforms are on (names only). Other commands are left alone."""
    if arguments[:1] != ["run"]:
        return arguments
    setup = platform_setup(environment)
    for line in setup.summary(environment):
        print(line, flush=True)
    if not setup.enabled:
        return arguments
    base, others = "credentials.yml", []
    remaining = iter(arguments[1:])
    for argument in remaining:
        if argument == "--credentials":
            base = next(remaining, base)
        elif argument.startswith("--credentials="):
            base = argument.partition("=")[2]
        else:
            others.append(argument)
    text = credentials_with_platforms(Path(base).read_text("utf-8"), setup.enabled, environment)
    handle, path = tempfile.mkstemp(prefix="credentials-", suffix=".yml")
    with os.fdopen(handle, "w", encoding="utf-8") as credentials:
        credentials.write(text)
    atexit.register(Path(path).unlink, missing_ok=True)
    return ["run", *others, "--credentials", path]


def serving_thread_settings(threads: str) -> dict[str, str]:
    """Rasa's TensorFlow thread settings for a server using `threads` threads."""
    return {
        "TF_INTRA_OP_PARALLELISM_THREADS": threads,
        "TF_INTER_OP_PARALLELISM_THREADS": threads,
    }


def main() -> None:
    # started by hand or in a container: the settings' defaults fill what is not set
    os.environ.update(server_environment())
    if sys.argv[1:2] in (["run"], ["shell"]):
        for name, value in serving_thread_settings(os.environ["RASA_TF_THREADS"]).items():
            os.environ.setdefault(name, value)
    answer_when_actions_fail(float(os.environ.get("ACTION_TIMEOUT_SECONDS", "6")))
    validate_action_replies_once()
    send_actions_the_current_turn()
    keep_action_connections_open()
    run_model_graphs_in_plain_python()
    if sys.argv[1:2] in (["run"], ["shell"]):
        try:
            check_stores(endpoints_file(sys.argv[2:]))
        except StoreUnavailable as error:
            sys.exit(f"The Rasa server cannot start. {error}")
        install_store_safeguards()
    if sys.argv[1:2] == ["run"]:
        keep_reminders_across_restarts()
    if sys.argv[1:2] == ["shell"]:
        logging.getLogger().addHandler(TerminalErrors())
    arguments = with_platform_credentials(sys.argv[1:], os.environ)
    sys.argv = ["rasa", *rasa_arguments(arguments, dict(os.environ))]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
