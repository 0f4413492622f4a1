"""The plan as files to keep: plain text, and an iCalendar (.ics) series on the chosen days.

The text is the plan as the assistant shows it (replies.plan_reply); the calendar file is made
with the `icalendar` library: one weekly repeating event on the check-in days, as long as the
guides' longest session, with the plan in its description.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from backcare.checkins import DAYS, Schedule, next_checkin
from backcare.knowledge_base import KnowledgeBase
from backcare.plan import Plan
from backcare.replies import plan_download_text, plan_event_title

PRODUCT_ID = "-//backcare//My plan//EN"


def plan_calendar(
    kb: KnowledgeBase, plan: Plan, schedule: Schedule, now: datetime, uid: str
) -> bytes:
    """An .ics file: the routine every chosen weekday at the chosen time, from the next one."""
    start = next_checkin(schedule, now)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=plan.max_minutes))
    event.add("summary", plan_event_title(plan))
    event.add("description", plan_download_text(kb, plan))
    event.add(
        "rrule", {"freq": "weekly", "byday": [DAYS[day][:2].upper() for day in schedule.days]}
    )
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical()
