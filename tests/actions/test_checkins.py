"""The check-in actions with real Trackers and a CollectingDispatcher."""

from datetime import datetime

from actions.checkins import (
    CHECKIN_INTENT,
    ActionCheckIn,
    ActionSetReminder,
    ActionStopReminders,
)
from backcare.checkins import next_checkin, parse_schedule
from backcare.knowledge_base import load_knowledge_base
from backcare.replies import checkin_reply, reminder_offer_reply, reminders_stopped_reply
from tests.actions.support import make_tracker, run_action, said, sent, slot_events

SCHEDULE = "mon,wed,fri@19:00"


def _reminders(events):
    return [event for event in events if event["event"] == "reminder"]


def test_remind_me_offers_days_and_a_time_and_schedules_nothing():
    events, messages = run_action(
        ActionSetReminder(), make_tracker("remind me", "request_reminder")
    )
    assert said(messages) == [sent(reminder_offer_reply())]
    assert events == []


def test_a_chosen_schedule_sets_the_first_reminder():
    entities = [{"entity": "reminder_schedule", "value": SCHEDULE}]
    before = datetime.now().astimezone()
    events, messages = run_action(
        ActionSetReminder(), make_tracker("", "request_reminder", entities)
    )
    (reminder,) = _reminders(events)
    when = datetime.fromisoformat(reminder["date_time"])
    assert when == next_checkin(parse_schedule(SCHEDULE), before)
    assert reminder["intent"] == CHECKIN_INTENT and reminder["name"] == "checkin_test"
    assert reminder["kill_on_user_msg"] is False
    assert slot_events(events) == {"reminder_schedule": SCHEDULE}
    assert "Monday, Wednesday and Friday at 19:00" in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Stop reminders", "payload": "/stop_reminders"}]


def test_checkin_asks_how_the_back_is_and_schedules_the_next():
    tracker = make_tracker("", CHECKIN_INTENT, reminder_schedule=SCHEDULE)
    events, messages = run_action(ActionCheckIn(), tracker)
    assert said(messages) == [sent(checkin_reply(load_knowledge_base()))]
    assert "Time for your 10 to 20 minute routine. How is your back today?" in messages[0]["text"]
    assert len(_reminders(events)) == 1


def test_checkin_after_stopping_says_nothing():
    events, messages = run_action(ActionCheckIn(), make_tracker("", CHECKIN_INTENT))
    assert (events, messages) == ([], [])


def test_stop_reminders_cancels_them():
    tracker = make_tracker("stop reminders", "stop_reminders", reminder_schedule=SCHEDULE)
    events, messages = run_action(ActionStopReminders(), tracker)
    assert said(messages) == [sent(reminders_stopped_reply(True))]
    cancel = next(event for event in events if event["event"] == "cancel_reminder")
    assert cancel["intent"] == CHECKIN_INTENT
    assert slot_events(events) == {"reminder_schedule": None}
    _, messages = run_action(ActionStopReminders(), make_tracker("stop", "stop_reminders"))
    assert said(messages) == [sent(reminders_stopped_reply(False))]
