"""The plan's downloads: plain text, and an .ics series read back with the icalendar library."""

from datetime import datetime, timedelta, timezone

from icalendar import Calendar

from backcare.checkins import next_checkin, parse_schedule
from backcare.knowledge_base import load_knowledge_base
from backcare.plan import build_plan
from backcare.plan_export import plan_calendar
from backcare.replies import PLAN_FILE_NOTE, plan_download_text, plan_reply

KB = load_knowledge_base()
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def test_text_is_the_plan_as_shown_with_a_note():
    plan = build_plan(KB, "postpartum", ["lower_back"])
    text = plan_download_text(KB, plan)
    assert plan_reply(KB, plan).text in text and text.endswith(PLAN_FILE_NOTE + "\n")


def test_calendar_repeats_on_the_chosen_days_for_the_session_length():
    plan = build_plan(KB, "trimester_2", ["upper_back"])
    schedule = parse_schedule("tue,thu,sat@09:00")
    ics = plan_calendar(KB, plan, schedule, NOW, "plan-1@backcare")
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == next_checkin(schedule, NOW)
    assert event.decoded("duration") == timedelta(minutes=20)
    assert event["rrule"]["FREQ"] == ["WEEKLY"]
    assert event["rrule"]["BYDAY"] == ["TU", "TH", "SA"]
    assert str(event["description"]) == plan_download_text(KB, plan)
    assert str(event["uid"]) == "plan-1@backcare"
