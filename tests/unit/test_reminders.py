"""Pending reminders from stored events: scheduled, cancelled, fired, replaced, ended, past due.
The events are Rasa's own, serialised as the tracker store keeps them (cancellations as
launcher/reminders.py stores them)."""

from datetime import datetime, timedelta, timezone

from rasa.shared.core.events import (
    Event,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    UserUttered,
)

from actions.checkins import CHECKIN_INTENT
from backcare.reminders import RESTORED_LAG, is_pending, pending_reminders, restored_run_time
from launcher.reminders import cancellation_as_dict

MONDAY_7PM = datetime(2026, 11, 23, 19, 0, tzinfo=timezone.utc)
BEFORE = (MONDAY_7PM - timedelta(hours=2)).timestamp()
AFTER = (MONDAY_7PM + timedelta(seconds=1)).timestamp()


def checkin(when=MONDAY_7PM, name="checkin_ana"):
    """A check-in reminder as actions/checkins.py schedules it."""
    return ReminderScheduled(
        CHECKIN_INTENT, when, name=name, kill_on_user_message=False, timestamp=BEFORE
    ).as_dict()


def fired(intent=CHECKIN_INTENT, at=AFTER):
    """How Rasa records a reminder that fell due: an external message with its intent."""
    message = UserUttered.create_external(intent, [], "socketio")
    message.timestamp = at
    return message.as_dict()


def cancel(**fields):
    return cancellation_as_dict(ReminderCancelled(**fields))


def typed(text="my back hurts", at=BEFORE):
    return UserUttered(text, {"name": "describe_pain"}, timestamp=at).as_dict()


def names(events):
    return [(reminder["name"], reminder["date_time"]) for reminder in pending_reminders(events)]


def test_a_scheduled_reminder_is_pending():
    reminder = checkin()
    assert pending_reminders([typed(), reminder]) == [reminder]
    assert is_pending([typed(), reminder], reminder)


def test_stop_reminders_cancels_by_intent():
    # actions.checkins.ActionStopReminders: ReminderCancelled(intent_name=CHECKIN_INTENT)
    stop = cancel(intent=CHECKIN_INTENT)
    assert pending_reminders([checkin(), typed(), stop]) == []


def test_a_cancellation_matches_by_rasas_rule():
    reminder = checkin()
    entities = [{"entity": "area", "value": "neck"}]
    cancelling = [
        cancel(name="checkin_ana"),
        cancel(),  # gives nothing: cancels every reminder
        cancel(name="checkin_ana", intent=CHECKIN_INTENT),
        ReminderCancelled(name="checkin_bo").as_dict(),  # Rasa's own stored form: no fields
    ]
    for cancellation in cancelling:
        assert pending_reminders([reminder, cancellation]) == [], cancellation
    not_cancelling = [
        cancel(name="checkin_bo"),
        cancel(intent="EXTERNAL_other"),
        cancel(name="checkin_ana", intent="EXTERNAL_other"),
        cancel(intent=CHECKIN_INTENT, entities=entities),  # the reminder has none
    ]
    for cancellation in not_cancelling:
        assert pending_reminders([reminder, cancellation]) == [reminder], cancellation


def test_a_stored_cancellation_reads_back_as_the_same_cancellation():
    entities = [{"entity": "area", "value": "neck"}]
    original = ReminderCancelled(name="checkin_ana", intent=CHECKIN_INTENT, entities=entities)
    assert Event.from_parameters(cancellation_as_dict(original)) == original


def test_a_cancellation_before_a_reminder_leaves_it_alone():
    reminder = checkin()
    assert pending_reminders([cancel(), reminder]) == [reminder]


def test_a_reminder_that_fired_is_not_pending():
    reminder = checkin()
    assert not is_pending([reminder, fired()], reminder)


def test_only_the_reminders_own_firing_counts():
    reminder = checkin()
    early = fired(at=BEFORE)  # e.g. the trigger-intent API, before the reminder's time
    other = fired(intent="EXTERNAL_other")
    assert is_pending([reminder, early, other, typed(at=AFTER)], reminder)


def test_a_check_in_that_fired_and_scheduled_the_next_leaves_only_the_next():
    first = checkin()
    following = checkin(MONDAY_7PM + timedelta(days=7))
    events = [typed(), first, fired(), following]
    assert pending_reminders(events) == [following]
    assert not is_pending(events, first)
    assert is_pending(events, following)


def test_a_reminder_with_the_same_name_replaces_the_earlier_one():
    first = checkin()
    replacing = checkin(MONDAY_7PM + timedelta(days=2))
    other = checkin(name="checkin_bo")
    assert names([first, other, replacing]) == [
        ("checkin_bo", MONDAY_7PM.isoformat()),
        ("checkin_ana", (MONDAY_7PM + timedelta(days=2)).isoformat()),
    ]
    assert not is_pending([first, other, replacing], first)


def test_a_user_message_kills_only_reminders_that_ask_for_it():
    killable = ReminderScheduled("EXTERNAL_nudge", MONDAY_7PM, name="nudge").as_dict()
    assert names([killable, checkin(), typed()]) == [("checkin_ana", MONDAY_7PM.isoformat())]
    assert names([killable, checkin()]) == [
        ("nudge", MONDAY_7PM.isoformat()),
        ("checkin_ana", MONDAY_7PM.isoformat()),
    ]


def test_a_restart_ends_reminders_but_a_new_session_does_not():
    reminder = checkin()
    assert pending_reminders([reminder, Restarted().as_dict()]) == []
    assert pending_reminders([reminder, SessionStarted().as_dict()]) == [reminder]


def test_a_reminder_is_matched_by_name_and_time():
    reminder = checkin()
    same_name_other_time = checkin(MONDAY_7PM + timedelta(days=7))
    assert not is_pending([reminder], same_name_other_time)


def test_a_restored_reminder_runs_after_its_time_or_soon_after_start_when_past_due():
    reminder = checkin()
    before = MONDAY_7PM - timedelta(hours=1)
    after = MONDAY_7PM + timedelta(hours=3)
    assert restored_run_time(reminder, before) == MONDAY_7PM + RESTORED_LAG
    assert restored_run_time(reminder, after) == after + RESTORED_LAG


def test_a_time_without_a_zone_is_local_time():
    local = datetime(2026, 11, 23, 19, 0)
    reminder = ReminderScheduled("EXTERNAL_nudge", local, name="nudge").as_dict()
    assert restored_run_time(reminder, local.astimezone()) == local.astimezone() + RESTORED_LAG
