"""Check-in schedules: parsing and the next time."""

from datetime import datetime, timezone

import pytest

from backcare.checkins import SCHEDULE_CHOICES, Schedule, next_checkin, parse_schedule

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def test_choices_parse_and_round_trip():
    for value in SCHEDULE_CHOICES:
        schedule = parse_schedule(value)
        assert schedule is not None and schedule.value == value
        assert 3 <= len(schedule.days) <= 4


@pytest.mark.parametrize(
    "value", ["", "mon@25:00", "funday@10:00", "mon,mon@10:00", "mon 10:00", None, 3]
)
def test_bad_values_are_not_schedules(value):
    assert parse_schedule(value) is None


def test_days_are_sorted_and_case_is_ignored():
    assert parse_schedule(" FRI,mon@07:05 ") == Schedule((0, 4), 7, 5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mon@12:01", datetime(2026, 11, 23, 12, 1, tzinfo=timezone.utc)),
        ("mon@12:00", datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)),
        ("mon,wed,fri@19:00", datetime(2026, 11, 23, 19, 0, tzinfo=timezone.utc)),
        ("tue,thu,sat@09:00", datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)),
        ("sun@08:00", datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)),
    ],
)
def test_next_checkin_is_the_first_chosen_time_after_now(value, expected):
    assert next_checkin(parse_schedule(value), MONDAY_NOON) == expected
