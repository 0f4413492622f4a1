"""Opt-in check-ins: the days and time a person chose, and when the next one falls.

A schedule is written as a short value that travels in a button payload and a slot, such as
"mon,wed,fri@19:00" (weekday abbreviations, then a 24-hour time). Times are in the time zone of
`now` passed in (the Rasa server's own zone: the assistant does not know the person's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# What "remind me" offers: three or four days a week (the guides' "3 to 4 times a week" and
# "a few times a week"), morning or evening.
SCHEDULE_CHOICES = ("mon,wed,fri@19:00", "tue,thu,sat@09:00", "mon,tue,thu,sat@19:00")
_SCHEDULE = re.compile(r"^([a-z]{3}(?:,[a-z]{3})*)@([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Schedule:
    """Weekdays (0 = Monday) and a time of day."""

    days: tuple[int, ...]
    hour: int
    minute: int

    @property
    def value(self) -> str:
        return f"{','.join(DAYS[day] for day in self.days)}@{self.hour:02d}:{self.minute:02d}"


def parse_schedule(value: object) -> Schedule | None:
    """The schedule a value names, or None when it is not one."""
    match = _SCHEDULE.match(value.strip().lower()) if isinstance(value, str) else None
    if match is None:
        return None
    names = match.group(1).split(",")
    if any(name not in DAYS for name in names) or len(set(names)) != len(names):
        return None
    days = tuple(sorted(DAYS.index(name) for name in names))
    return Schedule(days, int(match.group(2)), int(match.group(3)))


def next_checkin(schedule: Schedule, now: datetime) -> datetime:
    """The first chosen day and time strictly after `now` (same time zone as `now`)."""
    for ahead in range(8):
        day = now + timedelta(days=ahead)
        when = day.replace(hour=schedule.hour, minute=schedule.minute, second=0, microsecond=0)
        if day.weekday() in schedule.days and when > now:
            return when
    raise AssertionError("a schedule has at least one day, so a time falls within 8 days")
