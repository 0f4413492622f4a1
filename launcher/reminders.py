"""Rasa reminders (the check-ins) that survive a restart of the Rasa server.

Rasa 3.6 schedules a reminder in its own process's memory (APScheduler, rasa/core/jobs.py), so
a restart loses every one. `keep_reminders_across_restarts()` makes `rasa run`:
- schedule again, once the server is up, every reminder the tracker store still has pending
  (backcare/reminders.py), on the output channel of the conversation's latest input channel,
  as Rasa's trigger-intent API picks one: socket.io sends to the conversation's room, so to a
  widget that has reconnected with the same conversation id; REST has none, so the check-in is
  only stored. A reminder whose time passed while the server was down runs shortly after start;
- when a reminder falls due, fire it only if the stored conversation still has it pending,
  checked under the conversation's lock. This replaces Rasa's check (that the reminder is in the
  latest session), which drops every check-in set before the session expired, and would let a
  reminder held by two processes (a restored copy and the original, or two replicas sharing a
  database and the Redis lock store) fire twice: the second finds it fired;
- store a cancellation with the name, intent and entities it cancels by. Rasa 3.6 stores only
  its type and time, which reads back as "cancel every reminder".
"""

from __future__ import annotations

import logging
from datetime import datetime

import rasa.core.run
from rasa.core import jobs
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.events import Event, ReminderCancelled, ReminderScheduled
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from backcare.reminders import is_pending, pending_reminders, restored_run_time, trigger_time
from launcher.stores import RetryingTrackerStore

logger = logging.getLogger(__name__)
RESTORED_LOG = "Reminders scheduled again from the tracker store"


def serialised_events(tracker: DialogueStateTracker | None) -> list[dict]:
    """The events of a conversation as the tracker store keeps them (none without a tracker)."""
    return [event.as_dict() for event in tracker.events] if tracker else []


def cancellation_as_dict(self: ReminderCancelled) -> dict:
    """In place of `ReminderCancelled.as_dict`: with what it cancels, as Rasa reads it back."""
    return {
        **Event.as_dict(self),
        "name": self.name,
        "intent": self.intent,
        "entities": self.entities,
    }


async def handle_reminder_if_pending(
    self: MessageProcessor,
    reminder_event: ReminderScheduled,
    sender_id: str,
    output_channel: OutputChannel,
) -> None:
    """In place of `MessageProcessor.handle_reminder`: the same, with the pending check."""
    async with self.lock_store.lock(sender_id):
        stored = await self.tracker_store.retrieve_full_tracker(sender_id)
        if not is_pending(serialised_events(stored), reminder_event.as_dict()):
            logger.debug("Dropped a reminder that is no longer pending (%s).", reminder_event.name)
            return
        tracker = await self.fetch_tracker_and_update_session(sender_id, output_channel)
        await self.trigger_external_user_uttered(
            reminder_event.intent, reminder_event.entities or {}, tracker, output_channel
        )


async def senders_with_reminders(store: TrackerStore) -> list[str]:
    """The conversations that ever scheduled a reminder (SQL stores: one query; others are not
    read at start-up: the in-memory store starts empty, and no other is used here)."""
    if isinstance(store, RetryingTrackerStore):
        store = store.wrapped
    if not isinstance(store, SQLTrackerStore):
        return []
    with store.session_scope() as session:
        query = session.query(store.SQLEvent.sender_id).filter(
            store.SQLEvent.type_name == ReminderScheduled.type_name
        )
        return [sender_id for (sender_id,) in query.distinct()]


def output_channel_for(app: Sanic, tracker: DialogueStateTracker) -> OutputChannel:
    """The output channel of the conversation's latest input channel, when that channel can
    make one without a message (socket.io, the messaging platforms); else a collector."""
    latest = tracker.get_latest_input_channel()
    for channel in getattr(app.ctx, "input_channels", None) or []:
        if channel.name() == latest and (output := channel.get_output_channel()) is not None:
            return output
    return CollectingOutputChannel()


async def reschedule_pending_reminders(app: Sanic) -> None:
    """Schedule every pending reminder in the tracker store again (run once the server is up)."""
    processor = app.ctx.agent.processor
    if processor is None:  # no model loaded: nothing could handle a reminder
        return
    store = processor.tracker_store
    scheduler = await jobs.scheduler()
    now = datetime.now().astimezone()
    try:
        senders = await senders_with_reminders(store)
    except Exception as error:
        logger.error("Reading the stored reminders failed (%s).", type(error).__name__)
        return
    restored = late = failed = 0
    for sender_id in senders:
        try:
            tracker = await store.retrieve_full_tracker(sender_id)
            for pending in pending_reminders(serialised_events(tracker)):
                reminder = Event.from_parameters(dict(pending))
                if scheduler.get_job(reminder.name) is not None:
                    continue  # scheduled again since start-up by a new message: newer
                scheduler.add_job(
                    processor.handle_reminder,
                    "date",
                    run_date=restored_run_time(pending, now),
                    args=[reminder, sender_id, output_channel_for(app, tracker)],
                    id=reminder.name,
                    name=reminder.scheduled_job_name(sender_id),
                    misfire_grace_time=None,  # however late the loop gets to it, it runs
                )
                restored += 1
                late += trigger_time(pending) < now
        except Exception as error:  # one conversation must not stop the others
            failed += 1
            logger.error("Scheduling a stored reminder again failed (%s).", type(error).__name__)
    logger.info(
        "%s: %d (%d past due)%s.",
        RESTORED_LOG,
        restored,
        late,
        f"; {failed} conversations failed" if failed else "",
    )


def keep_reminders_across_restarts() -> None:
    """In this process, check reminders when they fall due and schedule pending ones again
    when the Rasa server starts (see the module's docstring)."""
    ReminderCancelled.as_dict = cancellation_as_dict
    MessageProcessor.handle_reminder = handle_reminder_if_pending
    configure_app = rasa.core.run.configure_app

    def configure_app_and_reminders(*args, **kwargs) -> Sanic:  # noqa: ANN002, ANN003
        app = configure_app(*args, **kwargs)
        app.add_task(reschedule_pending_reminders)
        return app

    rasa.core.run.configure_app = configure_app_and_reminders
