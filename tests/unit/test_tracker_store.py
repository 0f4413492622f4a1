"""components.tracker_store.IncrementalSQLTrackerStore against Rasa's own SQLTrackerStore, on
one real SQLite file (no model, no servers)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from components.tracker_store import IncrementalSQLTrackerStore
from launcher.settings import REPO_ROOT

DOMAIN = Domain.load(REPO_ROOT / "domain.yml")


def session_start() -> list[Event]:
    return [ActionExecuted("action_session_start"), SessionStarted()]


def store_pair(path: Path, kept: int = 10) -> tuple[IncrementalSQLTrackerStore, SQLTrackerStore]:
    """The store under test and Rasa's, on the same database file."""
    incremental = IncrementalSQLTrackerStore(
        domain=DOMAIN, dialect="sqlite", db=str(path), conversations_kept=kept
    )
    return incremental, SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path))


def turn(number: int) -> list[Event]:
    """One user turn: a message, an answer, a slot and a form event."""
    text = f"message {number}"
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "describe_pain", "confidence": 1.0}, []),
        ActionExecuted("exercise_form"),
        ActiveLoop("exercise_form" if number % 2 else None),
        SlotSet("stage", f"trimester_{number % 3 + 1}"),
        BotUttered(f"answer {number}"),
    ]


def say(store: SQLTrackerStore, sender: str, events: list[Event]) -> DialogueStateTracker:
    """What the Rasa server does with a message: retrieve (or start), add events, save."""
    tracker = asyncio.run(store.retrieve(sender)) or store.init_tracker(sender)
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    return tracker


def state(store: SQLTrackerStore, sender: str) -> dict:
    tracker = asyncio.run(store.retrieve(sender))
    assert tracker is not None
    return tracker.current_state(EventVerbosity.ALL)


def rewrite_answer(path: Path, old: str, new: str) -> None:
    """Change a stored bot answer behind the stores' backs."""
    with sqlite3.connect(path) as database:
        database.execute("UPDATE events SET data = replace(data, ?, ?)", (old, new))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


def test_every_turn_reads_as_a_full_load_would(db: Path) -> None:
    incremental, rasa = store_pair(db)
    say(incremental, "a", session_start() + turn(1))
    for number in range(2, 8):
        say(incremental, "a", turn(number))
        assert state(incremental, "a") == state(rasa, "a")
    tracker = asyncio.run(incremental.retrieve("a"))
    assert tracker is not None and tracker.get_slot("stage") == "trimester_2"
    assert tracker.active_loop_name == "exercise_form"
    assert [e.text for e in tracker.events if isinstance(e, BotUttered)][-1] == "answer 7"


def test_a_kept_conversation_reads_only_its_new_rows(db: Path) -> None:
    incremental, rasa = store_pair(db)
    say(incremental, "a", session_start() + turn(1))
    asyncio.run(incremental.retrieve("a"))
    rewrite_answer(db, "answer 1", "changed 1")
    say(incremental, "a", turn(2))
    texts = [e["text"] for e in state(incremental, "a")["events"] if e["event"] == "bot"]
    assert texts == ["answer 1", "answer 2"]
    assert [e["text"] for e in state(rasa, "a")["events"] if e["event"] == "bot"] == [
        "changed 1",
        "answer 2",
    ]


def test_a_conversation_beyond_the_kept_ones_is_loaded_in_full(db: Path) -> None:
    incremental, rasa = store_pair(db, kept=1)
    say(incremental, "a", session_start() + turn(1))
    say(incremental, "b", session_start() + turn(1))
    asyncio.run(incremental.retrieve("a"))
    asyncio.run(incremental.retrieve("b"))  # "a" is forgotten
    rewrite_answer(db, "answer 1", "changed 1")
    assert state(incremental, "a") == state(rasa, "a")
    assert "changed 1" in str(state(incremental, "a")["events"])


def test_rows_saved_by_another_process_are_read(db: Path) -> None:
    incremental, rasa = store_pair(db)
    say(incremental, "a", session_start() + turn(1))
    say(rasa, "a", turn(2))
    say(incremental, "a", turn(3))
    assert state(incremental, "a") == state(rasa, "a")
    assert [e["text"] for e in state(incremental, "a")["events"] if e["event"] == "bot"] == [
        "answer 1",
        "answer 2",
        "answer 3",
    ]


def test_a_new_session_is_loaded_alone(db: Path) -> None:
    incremental, rasa = store_pair(db)
    say(incremental, "a", session_start() + turn(1))
    say(incremental, "a", turn(2))  # now kept
    say(rasa, "a", session_start() + [SlotSet("stage", "postpartum")] + turn(3))
    after = state(incremental, "a")
    assert after == state(rasa, "a")
    assert [e["text"] for e in after["events"] if e["event"] == "bot"] == ["answer 3"]


def test_an_unknown_conversation_is_none(db: Path) -> None:
    incremental, _ = store_pair(db)
    assert asyncio.run(incremental.retrieve("nobody")) is None


def test_trackers_handed_out_do_not_share_state(db: Path) -> None:
    incremental, _ = store_pair(db)
    say(incremental, "a", session_start() + turn(1))
    first = asyncio.run(incremental.retrieve("a"))
    assert first is not None
    first.update(SlotSet("stage", "postpartum"))  # changed but never saved
    second = asyncio.run(incremental.retrieve("a"))
    assert second is not None and second.get_slot("stage") == "trimester_2"
    assert len(second.events) == len(first.events) - 1


def test_a_deleted_conversation_is_not_served_from_memory(tmp_path: Path) -> None:
    incremental, _ = store_pair(tmp_path / "tracker.db")
    say(incremental, "someone", session_start() + turn(1))
    assert asyncio.run(incremental.retrieve("someone")) is not None  # kept in memory now
    with sqlite3.connect(tmp_path / "tracker.db") as database:  # what launcher.forget does
        database.execute("DELETE FROM events WHERE sender_id = 'someone'")
    assert asyncio.run(incremental.retrieve("someone")) is None


def statements(store: SQLTrackerStore) -> list[str]:
    """Every SQL statement the store's engine runs from now on."""
    from sqlalchemy import event

    seen: list[str] = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: seen.append(statement.split()[0].upper()),
    )
    return seen


def stored_rows(path: Path, sender: str) -> list[tuple]:
    with sqlite3.connect(path) as database:
        return database.execute(
            "SELECT type_name, intent_name, action_name, data FROM events"
            " WHERE sender_id = ? ORDER BY id",
            (sender,),
        ).fetchall()


def test_a_message_in_a_kept_conversation_costs_one_select_and_one_insert(db: Path) -> None:
    incremental, _ = store_pair(db)
    say(incremental, "a", session_start() + turn(1))
    say(incremental, "a", turn(2))
    seen = statements(incremental)
    say(incremental, "a", turn(3))
    assert seen == ["SELECT", "INSERT"]


def test_saved_rows_are_the_rows_rasa_saves(tmp_path: Path) -> None:
    incremental, _ = store_pair(tmp_path / "ours.db")
    _, rasa = store_pair(tmp_path / "rasa.db")
    for number in range(1, 5):
        events = (session_start() if number == 1 else []) + turn(number)
        for store in (incremental, rasa):
            say(store, "a", events)
    assert stored_rows(tmp_path / "ours.db", "a") == stored_rows(tmp_path / "rasa.db", "a")


def test_saving_twice_without_a_retrieve_stores_each_event_once(db: Path) -> None:
    incremental, rasa = store_pair(db)
    say(incremental, "a", session_start() + turn(1))
    tracker = asyncio.run(incremental.retrieve("a"))
    assert tracker is not None
    for event in turn(2):
        tracker.update(event)
    asyncio.run(incremental.save(tracker))
    for event in turn(3):
        tracker.update(event)
    asyncio.run(incremental.save(tracker))
    rows = stored_rows(db, "a")
    assert len(rows) == len(session_start() + turn(1) + turn(2) + turn(3))
    assert len(set(rows)) == len(rows)
    assert state(incremental, "a") == state(rasa, "a")


def test_a_new_session_saved_on_a_handed_out_tracker_is_read_alone(db: Path) -> None:
    incremental, rasa = store_pair(db)
    say(incremental, "a", session_start() + turn(1))
    say(incremental, "a", session_start() + turn(2))
    after = state(incremental, "a")
    assert after == state(rasa, "a")
    assert [e["text"] for e in after["events"] if e["event"] == "bot"] == ["answer 2"]


def test_states_carried_from_the_saved_turn_are_the_states_rasa_works_out(db: Path) -> None:
    incremental, rasa = store_pair(db)
    for number in range(1, 7):
        tracker = asyncio.run(incremental.retrieve("a")) or incremental.init_tracker("a")
        for event in (session_start() if number == 1 else []) + turn(number):
            tracker.update(event)
            tracker.past_states(DOMAIN)  # the policies ask after each action
        asyncio.run(incremental.save(tracker))
        handed_out = asyncio.run(incremental.retrieve("a"))
        full = asyncio.run(rasa.retrieve("a"))
        assert handed_out is not None and full is not None
        assert handed_out.past_states(DOMAIN) == DOMAIN.states_for_tracker_history(full)


def test_a_sqlite_store_commits_to_a_write_ahead_log_synced_at_checkpoints(db: Path) -> None:
    incremental, _ = store_pair(db)
    say(incremental, "someone", [*session_start(), *turn(1)])
    with incremental.engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    assert (journal, synchronous) == ("wal", 1)  # 1: NORMAL (2, FULL, is SQLite's default)
