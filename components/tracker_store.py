"""Rasa's SQL tracker store, reading each conversation incrementally.

Rasa 3.6's `SQLTrackerStore` loads, parses and replays every event of the latest session on
every message: at turn 200 that is about a thousand rows, and it was most of the Rasa server's
time (see README, "Benchmark"). This store keeps the latest session of recent conversations in
memory, replayed from their rows exactly as a full load would replay them, and on each message
reads only the rows added since (normally the few saved after the previous message). The
database stays the one source of truth: rows written by another process are read the same way,
a new session start in the new rows means a full load, so does a kept conversation whose last
row is gone (deleted with launcher.forget), and a conversation not kept (first seen,
or the least recently used beyond `conversations_kept`) is loaded in full. Saving is Rasa's own.
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

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker

from components.dialogue_states import IncrementalStatesTracker

DEFAULT_CONVERSATIONS_KEPT = 1000


@dataclass
class _Kept:
    """A conversation as its rows up to `last_row_id` replay; only copies of it are handed out."""

    tracker: DialogueStateTracker
    last_row_id: int


class IncrementalSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that reads only the rows a kept conversation gained since last read."""

    def __init__(
        self, *args: Any, conversations_kept: int = DEFAULT_CONVERSATIONS_KEPT, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.conversations_kept = int(conversations_kept)
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session of the conversation, as `SQLTrackerStore.retrieve` returns it."""
        kept = self._kept.pop(sender_id, None)
        with self.session_scope() as session:
            if kept is not None and not self._row_exists(session, kept.last_row_id):
                kept = None  # deleted meanwhile (launcher.forget): never serve it from memory
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            if kept is not None:
                query = query.filter(self.SQLEvent.id > kept.last_row_id)
            rows = query.with_entities(
                self.SQLEvent.id, self.SQLEvent.type_name, self.SQLEvent.data
            ).all()
        if kept is not None and any(row.type_name == SessionStarted.type_name for row in rows):
            return await self.retrieve(sender_id)  # a new session: load it whole
        events = [json.loads(row.data) for row in rows]
        if kept is None:
            if not events:
                return None
            kept = _Kept(DialogueStateTracker.from_dict(sender_id, events, self.domain.slots), 0)
        else:
            for event in deserialise_events(events):
                kept.tracker.update(event)
        if rows:
            kept.last_row_id = rows[-1].id
        self._keep(sender_id, kept)
        return IncrementalStatesTracker.from_events(
            sender_id, list(kept.tracker.events), self.domain.slots
        )

    def _row_exists(self, session: Any, row_id: int) -> bool:
        query = session.query(self.SQLEvent.id).filter(self.SQLEvent.id == row_id)
        return query.first() is not None

    def _keep(self, sender_id: str, kept: _Kept) -> None:
        self._kept[sender_id] = kept
        while len(self._kept) > self.conversations_kept:
            self._kept.popitem(last=False)
