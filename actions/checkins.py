"""Opt-in check-ins with Rasa reminders: set them, send one when it falls due, stop them.

A reminder triggers the intent `EXTERNAL_checkin`; Rasa sends the check-in to the output
channel of the message that set the reminder (README, "Check-ins", says which channels deliver
it). Each check-in schedules the next one. The reminder's name carries the sender id because
Rasa's scheduler keys its jobs by name alone; a new schedule replaces the old one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, ReminderCancelled, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.adapters import FailSafeAction, knowledge_base, latest_entity, send
from backcare.checkins import Schedule, next_checkin, parse_schedule
from backcare.replies import (
    checkin_reply,
    reminder_offer_reply,
    reminder_set_reply,
    reminders_stopped_reply,
)

CHECKIN_INTENT = "EXTERNAL_checkin"


def schedule_next(tracker: Tracker, schedule: Schedule) -> tuple[datetime, EventType]:
    """The next check-in time after now (the server's time zone) and its reminder."""
    when = next_checkin(schedule, datetime.now().astimezone())
    return when, ReminderScheduled(
        CHECKIN_INTENT,
        trigger_date_time=when,
        name=f"checkin_{tracker.sender_id}",
        kill_on_user_message=False,
    )


class ActionSetReminder(FailSafeAction):
    """ "Remind me": offers days and a time; once chosen, schedules the first check-in."""

    def name(self) -> str:
        return "action_set_reminder"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        schedule = parse_schedule(latest_entity(tracker, "reminder_schedule"))
        if schedule is None:
            send(dispatcher, reminder_offer_reply())
            return []
        first, reminder = schedule_next(tracker, schedule)
        send(dispatcher, reminder_set_reply(schedule, first))
        return [reminder, SlotSet("reminder_schedule", schedule.value)]


class ActionCheckIn(FailSafeAction):
    """A reminder fell due: ask how the back is, and schedule the next check-in."""

    def name(self) -> str:
        return "action_checkin"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        schedule = parse_schedule(tracker.get_slot("reminder_schedule"))
        if schedule is None:  # stopped meanwhile
            return []
        send(dispatcher, checkin_reply(knowledge_base()))
        return [schedule_next(tracker, schedule)[1]]


class ActionStopReminders(FailSafeAction):
    """ "Stop reminders": cancel this person's check-ins."""

    def name(self) -> str:
        return "action_stop_reminders"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        had = parse_schedule(tracker.get_slot("reminder_schedule")) is not None
        send(dispatcher, reminders_stopped_reply(had))
        return [ReminderCancelled(intent_name=CHECKIN_INTENT), SlotSet("reminder_schedule", None)]
