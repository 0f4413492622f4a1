"""Delete stored conversations from the tracker store (README, "Security").

    python -m launcher.forget SENDER_ID [SENDER_ID ...]     one person's conversations
    python -m launcher.forget --older-than-days N          every conversation silent for N days

Works on the tracker store that endpoints.yml and the settings name (SQLite by default,
PostgreSQL for `make cluster`). Rasa 3.6's HTTP API can replace a conversation's events but not
delete them, so this talks to the database directly, through Rasa's own SQL store.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.core.utils import AvailableEndpoints

from launcher.settings import REPO_ROOT, server_environment

SECONDS_PER_DAY = 24 * 60 * 60


def sql_tracker_store() -> SQLTrackerStore:
    """The configured tracker store; an error for stores that are not SQL."""
    os.environ.update(server_environment())
    os.chdir(REPO_ROOT)  # a relative SQLite path is relative to the project, as for the server
    endpoints = AvailableEndpoints.read_endpoints("endpoints.yml")
    store = TrackerStore.create(endpoints.tracker_store)
    if not isinstance(store, SQLTrackerStore):
        raise SystemExit(f"Only SQL tracker stores are supported, not {type(store).__name__}.")
    return store


def forget_senders(store: SQLTrackerStore, senders: list[str]) -> int:
    """Delete every event of these conversations; the number of events deleted."""
    with store.session_scope() as session:
        deleted = (
            session.query(store.SQLEvent)
            .filter(store.SQLEvent.sender_id.in_(senders))
            .delete(synchronize_session=False)
        )
        session.commit()
    return deleted


def senders_silent_since(store: SQLTrackerStore, cutoff: float) -> list[str]:
    """Conversations whose latest event is older than `cutoff` (a Unix time)."""
    with store.session_scope() as session:
        rows = (
            session.query(store.SQLEvent.sender_id)
            .group_by(store.SQLEvent.sender_id)
            .having(sa.func.max(store.SQLEvent.timestamp) < cutoff)
            .all()
        )
    return [row[0] for row in rows]


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m launcher.forget", description=__doc__)
    parser.add_argument("senders", nargs="*", help="conversation (sender) ids to delete")
    parser.add_argument("--older-than-days", type=float, help="delete conversations silent so long")
    options = parser.parse_args(arguments)
    if not options.senders and options.older_than_days is None:
        parser.error("name one or more sender ids, or --older-than-days")
    store = sql_tracker_store()
    senders = list(options.senders)
    if options.older_than_days is not None:
        cutoff = time.time() - options.older_than_days * SECONDS_PER_DAY
        senders += senders_silent_since(store, cutoff)
    deleted = forget_senders(store, senders) if senders else 0
    print(f"Deleted {deleted} events of {len(set(senders))} conversation(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
