"""The Rasa server process: Rasa's own command line, with the project's safeguards applied first.

`python -m launcher.rasa_server run|shell [rasa arguments]` behaves like `python -m rasa`, and:
- `run` takes the HTTP API token from RASA_API_TOKEN and the browser origins from CORS_ORIGINS in
  its environment and hands them to Rasa inside the process, so the token is never on a command
  line (`ps` shows every process's arguments to every local user);
- every custom action call gets ACTION_TIMEOUT_SECONDS. When the action server is down, hung or
  failing, the person gets a short apology (`replies.ACTION_UNAVAILABLE`) at once. Rasa 3.6
  would wait up to five minutes for a hung one and answer nothing when one fails. Warning-sign
  answers are responses, not custom actions, so they keep working meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.exceptions import RasaException

from backcare.replies import ACTION_UNAVAILABLE

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


def rasa_arguments(arguments: list[str], environment: dict[str, str]) -> list[str]:
    """The arguments for Rasa's own command line: `run` gains the token and the CORS origins."""
    if arguments[:1] != ["run"]:
        return arguments
    token = environment.get("RASA_API_TOKEN", "")
    origins = environment.get("CORS_ORIGINS", "").split()
    return [*arguments, *([f"--auth-token={token}"] if token else []), "--cors", *origins]


def main() -> None:
    answer_when_actions_fail(float(os.environ.get("ACTION_TIMEOUT_SECONDS", "6")))
    sys.argv = ["rasa", *rasa_arguments(sys.argv[1:], dict(os.environ))]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
