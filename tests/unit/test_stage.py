"""Tests for backcare.stage.parse_stage and helpers."""

from __future__ import annotations

import dataclasses

import pytest

from backcare.stage import (
    StageInfo,
    find_stage_mention,
    has_stage_context,
    parse_stage,
    stage_for_months,
    stage_for_weeks,
)


@pytest.mark.parametrize(
    ("text", "stage", "weeks"),
    [
        ("30 wks", "trimester_3", 30.0),
        # round five: a baby's age after "this time"; "it'll ease after delivery" is the future;
        # a daughter's pregnancy written "daughter's"
        ("tore badly with my first, this time (LO is 3 weeks) it's my back", "postpartum", 3.0),
        ("midwife says it'll settle after delivery, 33w now", "trimester_3", 33.0),
        ("my daughter's 29 weeks and her back is sore", "trimester_3", 29.0),
        ("my daughter is 12 weeks pregnant and her back aches", "trimester_1", 12.0),
        ("30 weeks", "trimester_3", 30.0),
        ("30wks", "trimester_3", 30.0),
        ("24 weeks pregnant", "trimester_2", 24.0),
        ("im 12 weeks", "trimester_1", 12.0),
        ("13 weeks", "trimester_1", 13.0),
        ("14 weeks", "trimester_2", 14.0),
        ("27 weeks", "trimester_2", 27.0),
        ("28 weeks", "trimester_3", 28.0),
        ("40 weeks", "trimester_3", 40.0),
        ("32+4", "trimester_3", 32.0),
        ("week 20", "trimester_2", 20.0),
        ("at 20 weeks", "trimester_2", 20.0),
        ("thirty two weeks", "trimester_3", 32.0),
        ("twenty-four weeks", "trimester_2", 24.0),
        ("ten weeks", "trimester_1", 10.0),
        ("forty weeks", "trimester_3", 40.0),
        ("i am sixteen weeks along", "trimester_2", 16.0),
        ("6 months pregnant", "trimester_2", 26.0),
        ("six months", "trimester_2", 26.0),
        ("3 months pregnant", "trimester_1", 13.0),
        ("4 months pregnant", "trimester_2", 17.3),
        ("im 7 months", "trimester_3", 30.3),
        ("i'm 9 months pregnant", "trimester_3", 39.0),
        ("first trimester", "trimester_1", None),
        ("1st trimester", "trimester_1", None),
        ("second trimester", "trimester_2", None),
        ("2nd tri", "trimester_2", None),
        ("third trimester", "trimester_3", None),
        ("3rd trimester", "trimester_3", None),
        ("i'm in my second trimester", "trimester_2", None),
        ("early pregnancy", "trimester_1", None),
        ("due in 3 weeks", "trimester_3", 37.0),
        ("the baby is due in 5 weeks", "trimester_3", 35.0),
        ("due next month", "trimester_3", 36.0),
        ("due in two months", "trimester_3", 31.3),
        ("postpartum", "postpartum", None),
        ("post partum", "postpartum", None),
        ("Post-Partum", "postpartum", None),
        ("pp", "postpartum", None),
        ("after birth", "postpartum", None),
        ("just gave birth", "postpartum", None),
        ("fourth trimester", "postpartum", None),
        ("I delivered last week", "postpartum", None),
        ("had my baby 3 weeks ago", "postpartum", 3.0),
        ("gave birth two months ago", "postpartum", 8.7),
        ("my baby is 2 months old", "postpartum", 8.7),
        ("baby is 6 weeks old", "postpartum", 6.0),
        ("my daughter turned 4 months", "postpartum", 17.3),
        ("8 weeks postpartum", "postpartum", 8.0),
        ("6 weeks pp", "postpartum", 6.0),
        ("8 wk pp", "postpartum", 8.0),
        ("4 months postpartum", "postpartum", 17.3),
        ("1 week postpartum", "postpartum", 1.0),
        ("5 days postpartum", "postpartum", 0.7),
        ("two weeks after giving birth", "postpartum", 2.0),
        ("c-section 6 weeks ago", "postpartum", 6.0),
        ("had a c-section 10 days ago", "postpartum", 1.4),
        ("three months after my c-section", "postpartum", 13.0),
        ("6 wks post c section", "postpartum", 6.0),
        ("a 6 week old baby", "postpartum", 6.0),
        ("a month postpartum", "postpartum", 4.3),
        ("im 30 wks and my lower back is killing me", "trimester_3", 30.0),
    ],
)
def test_parse_stage(text: str, stage: str, weeks: float | None) -> None:
    assert parse_stage(text) == StageInfo(stage, weeks)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "I'm pregnant",
        "pregnant",
        "hello",
        "my lower back hurts",
        "3 weeks ago I hurt my back",
        "I had back pain for 3 weeks",
        "for the past 2 months",
        "exercising 3 times a week",
        "my baby is kicking a lot",
        "I'm planning a c-section",
        "sitting for 8 hours",
        "due to posture",
        "100 weeks",
    ],
)
def test_parse_stage_none(text: str | None) -> None:
    assert parse_stage(text) is None


@pytest.mark.parametrize(
    ("text", "stage", "weeks"),
    [
        # time counted from the birth or the section is after birth, never weeks pregnant
        (
            "ever since my c-section my lower back aches when I lift the car seat",
            "postpartum",
            None,
        ),
        ("9 days since my section and the scar itches", "postpartum", 1.3),
        ("3 wks post section, stiff neck from feeding", "postpartum", 3.0),
        ("an emergency section 10 days ago and my back is sore", "postpartum", 1.4),
        ("my sister had her first baby 2 weeks ago and her back aches", "postpartum", 2.0),
        ("day 5 after forceps and my tailbone is sore", "postpartum", None),
        (
            "my first had colic after the birth, this one is 6 wks on from the birth and easy",
            "postpartum",
            6.0,
        ),
        # a stated time since the birth wins over a future word elsewhere in the sentence
        ("my physio reckons pilates will help at 12 wks pp, is that right?", "postpartum", 12.0),
        (
            "a year after giving birth my back still aches. will squats make it worse?",
            "postpartum",
            52.0,
        ),
        # a birth word in a pregnant person's question about the future
        ("what helps the back after the birth? due in 4 weeks", "trimester_3", 36.0),
        # the mention told as now beats one told in the past
        (
            "at week 8 I had a scare but all fine. Now I'm 7 months and my hips ache",
            "trimester_3",
            30.3,
        ),
        # lengths of time are not the stage
        ("3rd tri and the physio has an 8 week wait", "trimester_3", None),
    ],
)
def test_stage_from_birth_counts_and_present_mentions(
    text: str, stage: str, weeks: float | None
) -> None:
    assert parse_stage(text) == StageInfo(stage, weeks)


def test_stage_info_is_frozen() -> None:
    info = StageInfo("trimester_1", 10.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.stage = "postpartum"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("weeks", "stage"),
    [(1, "trimester_1"), (13, "trimester_1"), (13.9, "trimester_1"), (14, "trimester_2"),
     (27, "trimester_2"), (28, "trimester_3"), (42, "trimester_3")],
)  # fmt: skip
def test_stage_for_weeks(weeks: float, stage: str) -> None:
    assert stage_for_weeks(weeks) == stage


@pytest.mark.parametrize(
    ("months", "stage"),
    [(1, "trimester_1"), (3, "trimester_1"), (4, "trimester_2"), (6, "trimester_2"),
     (7, "trimester_3"), (9, "trimester_3")],
)  # fmt: skip
def test_stage_for_months(months: float, stage: str) -> None:
    assert stage_for_months(months) == stage


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("im 30 weeks pregnant", True),
        ("i'm 30 weeks", True),
        ("had my baby 3 weeks ago", True),
        ("second trimester", True),
        ("3 weeks ago I hurt my back", False),
        ("I've been sore for 2 weeks", False),
        ("due to my posture", False),
        ("scan was fine. now 26 weeks and my hips ache", True),
        ("it's been going on now 3 weeks", False),
    ],
)
def test_has_stage_context(text: str, expected: bool) -> None:
    assert has_stage_context(text) is expected


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("im 30 wks and my lower back is killing me", "30 wks"),
        ("hi, I had my baby 3 weeks ago and my back aches", "had my baby 3 weeks ago"),
        ("my back hurts, I am in my second trimester.", "second trimester"),
    ],
)
def test_find_stage_mention_span(text: str, span: str) -> None:
    found = find_stage_mention(text)
    assert found is not None
    _, start, end = found
    assert text[start:end] == span


def test_find_stage_mention_none() -> None:
    assert find_stage_mention("my neck is stiff") is None
