"""launcher/reminders.py without a server: which conversations it reads at start-up, what a
stored cancellation reads back as, and which output channel a restored reminder gets."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.socketio import SocketIOOutput
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ReminderCancelled, ReminderScheduled, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.checkins import CHECKIN_INTENT
from backcare.reminders import pending_reminders
from channels.inputs import RestChannel, SocketIOChannel
from components.tracker_store import IncrementalSQLTrackerStore
from launcher.reminders import (
    cancellation_as_dict,
    output_channel_for,
    senders_with_reminders,
    serialised_events,
)
from launcher.settings import REPO_ROOT
from launcher.stores import RetryingTrackerStore

DOMAIN = Domain.load(REPO_ROOT / "domain.yml")
DUE = datetime(2026, 11, 23, 19, 0, tzinfo=timezone.utc)


def reminder(name: str) -> ReminderScheduled:
    return ReminderScheduled(CHECKIN_INTENT, DUE, name=name, kill_on_user_message=False)


def store_on(path: Path) -> RetryingTrackerStore:
    """The tracker store as the Rasa server has it (launcher/stores.py wraps the SQL one)."""
    return RetryingTrackerStore(
        IncrementalSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path))
    )


def save(store: RetryingTrackerStore, sender: str, *events) -> None:  # noqa: ANN002
    tracker = store.init_tracker(sender)
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))


def test_start_up_reads_the_conversations_that_scheduled_a_reminder(tmp_path: Path) -> None:
    store = store_on(tmp_path / "tracker.db")
    save(store, "ana", UserUttered("remind me"), reminder("checkin_ana"))
    save(store, "bo", UserUttered("hi"))
    save(store, "cy", reminder("checkin_cy"), ReminderCancelled(intent=CHECKIN_INTENT))
    assert sorted(asyncio.run(senders_with_reminders(store))) == ["ana", "cy"]


def test_a_stored_cancellation_cancels_what_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, cancelled = reminder("kept"), reminder("cancelled")
    events = (kept, cancelled, ReminderCancelled(name="cancelled"))

    def pending_after_storing(path: Path) -> list[str]:
        store = store_on(path)
        save(store, "ana", *events)
        tracker = asyncio.run(store.retrieve_full_tracker("ana"))
        return [pending["name"] for pending in pending_reminders(serialised_events(tracker))]

    # Rasa 3.6 stores the cancellation bare, which reads back as "cancel every reminder"
    assert pending_after_storing(tmp_path / "rasa.db") == []
    monkeypatch.setattr(ReminderCancelled, "as_dict", cancellation_as_dict)
    assert pending_after_storing(tmp_path / "ours.db") == ["kept"]


def test_a_restored_reminder_goes_out_on_its_conversations_channel() -> None:
    socketio = SocketIOChannel(session_persistence=True)
    socketio.blueprint(lambda message: None)  # as the server does: this creates its socket
    app = SimpleNamespace(ctx=SimpleNamespace(input_channels=[RestChannel(), socketio]))

    def output_for(latest_channel: str) -> object:
        tracker = DialogueStateTracker("ana", DOMAIN.slots)
        tracker.update(UserUttered("hi", input_channel="rest"))
        tracker.update(UserUttered("remind me", input_channel=latest_channel))
        return output_channel_for(app, tracker)

    widget = output_for("socketio")
    assert isinstance(widget, SocketIOOutput) and widget.sio is socketio.sio
    # REST cannot push, and a channel that is not open here has nothing to send with
    assert type(output_for("rest")) is CollectingOutputChannel
    assert type(output_for("telegram")) is CollectingOutputChannel
