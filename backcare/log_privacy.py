"""What the servers' logs may say about a person's messages.

Messages are health data. At the default level the logs carry no message text, no slot value
and no sender id: a failure is logged as an event (what failed, the exception's type and the
lines of code it went through), never the text it was handling nor the exception's message,
which can quote it. LOG_USER_DATA=true, in the environment or `.env`, adds them back for
debugging (README, "Logging").
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Mapping

LOG_USER_DATA = "LOG_USER_DATA"
SWITCHED_ON = {"1", "true", "yes", "on"}


def logs_user_data(environment: Mapping[str, str] = os.environ) -> bool:
    """Whether the debug switch LOG_USER_DATA is on."""
    return environment.get(LOG_USER_DATA, "").strip().lower() in SWITCHED_ON


def describe_failure(error: BaseException, with_user_data: bool) -> str:
    """The exception with its traceback; its message (and those of its causes) only
    `with_user_data`."""
    if with_user_data:
        return "".join(traceback.format_exception(error)).rstrip()
    parts = []
    for link in _chain(error):
        frames = "".join(traceback.format_tb(link.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{type(link).__qualname__}")
    parts.append(f"(exception messages hidden: they may quote the message; {LOG_USER_DATA}=true)")
    return "\n".join(parts)


def _chain(error: BaseException) -> list[BaseException]:
    """The exception and the ones it was raised from or during, oldest first."""
    chain: list[BaseException] = []
    link: BaseException | None = error
    while link is not None and link not in chain:
        chain.append(link)
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)
    return chain[::-1]
