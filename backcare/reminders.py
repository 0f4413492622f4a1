"""Which of a conversation's reminders are still pending, read from its stored events.

Rasa 3.6 keeps scheduled reminders only in its process's memory; the tracker store keeps the
events that scheduled, cancelled and fired them. launcher/reminders.py schedules the pending
ones again when the Rasa server starts, and checks again when one falls due. The events are
Rasa's serialised events (the dicts of the tracker store and of `/conversations/<id>/tracker`),
so no Rasa import is needed here.

A reminder (`"event": "reminder"`) is pending unless, later in the conversation:
- a reminder with the same name replaced it (Rasa keeps one job per name);
- a `cancel_reminder` matched it, by Rasa's rule: each of name, intent and entities that the
  cancellation gives equals the reminder's (one that gives none cancels every reminder; Rasa
  3.6 stores none, launcher/reminders.py makes it store them);
- it fired: Rasa records a reminder that fell due as an external user message with the
  reminder's intent, at or after the reminder's time;
- the conversation was restarted (`restart`), or the reminder is killed by a user message
  (`kill_on_user_msg`) and the person wrote one.
A new session does not end a reminder: sessions expire after an hour of silence, and check-ins
are days apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

Event = Mapping[str, object]

# A reminder scheduled again at start-up runs this long after its time, or after start-up when
# its time has passed: the process that scheduled it, when still running, fires it first (the
# restored copy then finds it fired), and a web widget has time to reconnect after a restart.
RESTORED_LAG = timedelta(seconds=10)


def trigger_time(reminder: Event) -> datetime:
    """When the reminder falls due (a time without a zone is the server's local time, as for
    Rasa's scheduler)."""
    when = datetime.fromisoformat(str(reminder["date_time"]))
    return when if when.tzinfo else when.astimezone()


def _cancels(cancellation: Event, reminder: Event) -> bool:
    return all(
        not cancellation.get(key) or cancellation.get(key) == reminder.get(key)
        for key in ("name", "intent", "entities")
    )


def _fired(message: Event, reminder: Event) -> bool:
    metadata = message.get("metadata") or {}
    intent = (message.get("parse_data") or {}).get("intent") or {}
    return (
        isinstance(metadata, Mapping)
        and metadata.get("is_external") is True
        and intent.get("name") == reminder.get("intent")
        and float(message.get("timestamp") or 0) >= trigger_time(reminder).timestamp()
    )


def _ends(event: Event, reminder: Event) -> bool:
    """Whether `event`, coming after `reminder`, means it will not fire."""
    kind = event.get("event")
    if kind == "reminder":
        return event.get("name") == reminder.get("name")
    if kind == "cancel_reminder":
        return _cancels(event, reminder)
    if kind == "restart":
        return True
    if kind == "user":
        wrote = bool(event.get("text")) and bool(reminder.get("kill_on_user_msg", True))
        return wrote or _fired(event, reminder)
    return False


def pending_reminders(events: Iterable[Event]) -> list[Event]:
    """The conversation's reminders that have not replaced, cancelled, fired or ended, in the
    order they were scheduled."""
    pending: list[Event] = []
    for event in events:
        pending = [reminder for reminder in pending if not _ends(event, reminder)]
        if event.get("event") == "reminder":
            pending.append(event)
    return pending


def is_pending(events: Iterable[Event], reminder: Event) -> bool:
    """Whether this reminder (same name and time) is among the conversation's pending ones."""
    return any(
        pending.get("name") == reminder.get("name")
        and trigger_time(pending) == trigger_time(reminder)
        for pending in pending_reminders(events)
    )


def restored_run_time(reminder: Event, now: datetime) -> datetime:
    """When a reminder scheduled again at start-up runs: RESTORED_LAG after its time, or after
    `now` when its time has passed (a missed check-in is still worth sending once)."""
    return max(trigger_time(reminder), now) + RESTORED_LAG
