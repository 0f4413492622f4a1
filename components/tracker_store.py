"""Rasa's SQL tracker store, reading each conversation incrementally.

Rasa 3.6's `SQLTrackerStore` loads, parses and replays every event of the latest session on
every message: at turn 200 that is about a thousand rows, and it was most of the Rasa server's
time (see README, "Benchmark"). This store keeps the latest session of recent conversations in
memory, replayed from their rows exactly as a full load would replay them, and on each message
reads only the rows added since (normally the few saved after the previous message). The
database stays the one source of truth: rows written by another process are read the same way,
a new session start in the new rows means a full load, so does a kept conversation whose last
row is gone (deleted with launcher.forget), and a conversation not kept (first seen,
or the least recently used beyond `conversations_kept`) is loaded in full. A kept conversation
is read with one query on its own rows from its last known row on (no count, no sub-query), and
saving a tracker this store handed out inserts its new events in one statement, without Rasa's
count of the stored session (which grows with the conversation); any other save is Rasa's own.
Across processes this holds because a conversation's messages are handled one at a time (the
lock store), so its rows are committed in the order of their ids.

The trackers it hands out are `IncrementalStatesTracker`s (components/dialogue_states.py), which
work out the dialogue states the policies ask for only once per message.

endpoints.yml: `type: components.tracker_store.IncrementalSQLTrackerStore`, with the same
settings as `type: SQL`, plus the optional `conversations_kept`.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import URL, Engine

from components.dialogue_states import IncrementalStatesTracker

DEFAULT_CONVERSATIONS_KEPT = 1000


def sqlite_engine(url: URL) -> Engine:
    """An engine for a SQLite database that keeps its connection open (one per thread) and
    commits to a write-ahead log synced at checkpoints, not at every commit (SQLite's own advice
    for this use). Rasa's engine opens and closes a connection for every query, and each close
    of the last connection checkpoints the log; with both, storing a turn cost 1.7 ms of CPU,
    now 0.7. A committed turn survives any crash of the servers; a crash of the whole machine
    may lose the last turns before a checkpoint. Readers, such as the reminders, never wait for
    a writer."""
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.SingletonThreadPool)

    @sqlalchemy.event.listens_for(engine, "connect")
    def sync_at_checkpoints(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA synchronous=NORMAL")  # one setting per connection

    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # kept in the database file
    return engine


@dataclass
class _Kept:
    """A conversation as its rows up to `last_row_id` replay, followed by `own_rows` more rows
    (their types) that this store saved from a tracker it then kept; only copies of it are
    handed out.

    `stored_events` counts the events of the copy last handed out that are already stored, and
    `last_stored` tells that copy's last stored event apart (its type and timestamp), so that
    `save` can tell a tracker it handed out from any other; None once that copy was saved."""

    tracker: IncrementalStatesTracker
    last_row_id: int
    own_rows: tuple[str, ...] = ()
    stored_events: int | None = None
    last_stored: tuple[str, float] | None = None


class IncrementalSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that reads only the rows a kept conversation gained since last read."""

    def __init__(
        self, *args: Any, conversations_kept: int = DEFAULT_CONVERSATIONS_KEPT, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.conversations_kept = int(conversations_kept)
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sqlite_engine(url)
            self.sessionmaker.configure(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session of the conversation, as `SQLTrackerStore.retrieve` returns it."""
        kept = self._kept.pop(sender_id, None)
        rows = self._rows(sender_id, kept.last_row_id if kept else None)
        if kept is not None:  # read from its last known row on: that row missing means deleted
            if not rows or rows[0].id != kept.last_row_id:
                kept, rows = None, None  # deleted meanwhile (launcher.forget): never from memory
            else:
                rows = rows[1:]
                own = len(kept.own_rows)
                if tuple(row.type_name for row in rows[:own]) != kept.own_rows:
                    kept = None  # not the rows it saved: load it whole
                elif own:  # the rows it saved itself: their events are in the kept tracker
                    kept.last_row_id, kept.own_rows = rows[own - 1].id, ()
                    rows = rows[own:]
            if kept is None or any(row.type_name == SessionStarted.type_name for row in rows):
                return await self.retrieve(sender_id)  # deleted, or a new session: load it whole
        events = [json.loads(row.data) for row in rows]
        if kept is None:
            if not events:
                return None
            tracker = IncrementalStatesTracker.from_dict(sender_id, events, self.domain.slots)
            kept = _Kept(tracker, 0)
        else:
            for event in deserialise_events(events):
                kept.tracker.update(event)
        if rows:
            kept.last_row_id = rows[-1].id
        kept.stored_events = len(kept.tracker.events)
        kept.last_stored = _signature(kept.tracker.events[-1])
        self._keep(sender_id, kept)
        return kept.tracker.independent_copy()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events; one insert for a tracker this store handed out."""
        kept = self._kept.get(tracker.sender_id)
        stored = kept.stored_events if kept else None
        events = list(tracker.events)
        if (
            kept is None
            or stored is None
            or len(events) < stored
            or _signature(events[stored - 1]) != kept.last_stored
        ):
            await super().save(tracker)
            return
        await self.stream_events(tracker)
        rows = [self._row(tracker.sender_id, event) for event in events[stored:]]
        if rows:
            self._insert(rows)
        types = tuple(row["type_name"] for row in rows)
        if isinstance(tracker, IncrementalStatesTracker) and SessionStarted.type_name not in types:
            # keep what was saved, with the states its policies worked out, so the next message
            # works out only its own; the next read skips these rows (otherwise it replays them)
            kept.tracker, kept.own_rows = tracker.independent_copy(), types
        kept.stored_events = kept.last_stored = None  # saved: the next save needs a retrieve

    # Both queries run on the event loop, as Rasa's own store does: in a worker thread the loop
    # would serve other requests between a turn's answer and its commit, and the HTTP API could
    # read a conversation without its last turn (tests/e2e/test_checkins.py caught it).

    def _rows(self, sender_id: str, from_row_id: int | None) -> list[Any]:
        """(id, type_name, data) of the conversation's rows in order: from row `from_row_id` on,
        or, when None, those of its latest session."""
        with self.session_scope() as session:
            if from_row_id is None:
                query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            else:
                query = session.query(self.SQLEvent).filter(
                    self.SQLEvent.sender_id == sender_id, self.SQLEvent.id >= from_row_id
                )
            return (
                query.with_entities(self.SQLEvent.id, self.SQLEvent.type_name, self.SQLEvent.data)
                .order_by(self.SQLEvent.id)
                .all()
            )

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        with self.session_scope() as session:
            session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        """The `events` row of one event, as Rasa's `SQLTrackerStore.save` writes it."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _keep(self, sender_id: str, kept: _Kept) -> None:
        self._kept[sender_id] = kept
        while len(self._kept) > self.conversations_kept:
            self._kept.popitem(last=False)


def _signature(event: Event) -> tuple[str, float]:
    return event.type_name, event.timestamp
