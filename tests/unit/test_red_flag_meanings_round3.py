"""Meanings and judgement rules added after tuning batches L and M (issue 8, round three).

Every case is written for this test in its own words: each concept or rule is pinned by a
report and by a near miss that shares its words but not its meaning.
"""

from __future__ import annotations

import pytest

from backcare.red_flags import RedFlagDetector
from tests.unit.red_flag_support import level, signs


@pytest.mark.parametrize(
    ("text", "sign", "expected"),
    [
        # the baby's usual busy time set against nothing now
        (
            "LO usually kicks like mad after breakfast but today nothing, 30 weeks",
            "reduced_fetal_movement",
            "emergency",
        ),
        (
            "baby is normally so active in the mornings but this morning quiet, 36 weeks",
            "reduced_fetal_movement",
            "emergency",
        ),
        ("the baby kicks loads in the evening but now nothing helps my sore back", None, "routine"),
        # numbness felt when wiping, or not feeling one's bottom: saddle numbness, any week
        (
            "when I wipe it feels numb down below, 39 weeks, lower back aching",
            "saddle_numbness",
            "emergency",
        ),
        (
            "since lunch I can't feel my bottom properly and my lower back aches, 37 weeks",
            "saddle_numbness",
            "emergency",
        ),
        ("my fingers go numb when I wipe down the kitchen counters, 30 weeks", None, "none"),
        # pain that stops all sleep, or a locked joint that stops walking
        (
            "hip pain means I can't sleep at all, night four of this, 32 weeks",
            "severe_pain",
            "see_soon",
        ),
        ("can't sleep at all because of heartburn, back is fine, 30 weeks", None, "none"),
        (
            "my sacroiliac joint has seized up and I can barely walk, baby is 5 weeks old",
            "severe_pain",
            "see_soon",
        ),
        ("joint hypermobility means I can't walk far without a rest, 20 weeks", None, "none"),
        (
            "my back was fine until this morning, now I can't stand up, 30 weeks",
            "severe_pain",
            "see_soon",
        ),
        # "really bad" at certain times of day is the ordinary ache of a long day
        (
            "her back gets really bad by the evening after standing all day at work, 29 weeks",
            None,
            "none",
        ),
        ("my back is really bad, I can't stand up straight, 25 weeks", "severe_pain", "see_soon"),
        # a tightening that builds and lets go, told with its timing, before 37 weeks
        (
            "bump goes hard then softens, roughly every 8 minutes for the last hour, 33 weeks",
            "tightenings",
            "emergency",
        ),
        (
            "back goes tight, then it eases, then again. every 12 mins or so. 33 weeks",
            "tightenings",
            "emergency",
        ),
        (
            "I squeeze and then release my pelvic floor every few minutes while sitting",
            None,
            "none",
        ),
    ],
)
def test_a_meaning_is_recognised_in_other_words(
    detector: RedFlagDetector, text: str, sign: str | None, expected: str
) -> None:
    assert level(detector, text) == expected
    if sign:
        assert sign in signs(detector, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # checked by a clinician and found fine: explained
        (
            "had a tender swollen calf on Monday, the doctor sent me for an ultrasound and it "
            "wasn't a clot. 30 weeks, upper back stiff",
            "none",
        ),
        ("my calf is swollen and hot today, the GP is sending me for a scan", "emergency"),
        ("got the all clear after a bleeding scare at 12 weeks, now 20 weeks, back aches", "none"),
        ("got the all clear last month but today I'm bleeding again, 22 weeks", "emergency"),
        (
            "slight headache this afternoon, the midwife measured my blood pressure and it was "
            "normal, 34 weeks",
            "none",
        ),
        (
            "pounding headache since yesterday and the midwife hasn't checked my blood pressure",
            "see_soon",
        ),
        ("niggly cramps at 39 weeks, midwife said it's early labour and to rest at home", "none"),
        ("period-like cramps at 39 weeks, I'm going to ring the midwife", "see_soon"),
        (
            "Reduced movements at 29 weeks, went in, the trace was perfect and she's kicked "
            "loads since. now 31 weeks, sore hips",
            "none",
        ),
        (
            "the hospital did a scan for the reduced movements today, all fine, back still "
            "aches, 32 weeks",
            "none",
        ),
        (
            "the hospital did a scan this morning, all fine, but since lunch the baby has gone "
            "quiet, 32 weeks",
            "emergency",
        ),
        # someone else's sign told with a curiosity question asks nothing
        (
            "my sister had awful SPD and could barely walk, does that mean I'll get it too? "
            "15 weeks",
            "none",
        ),
        ("my aunt had a clot in her leg when pregnant, does it run in families? 18 weeks", "none"),
        ("My MIL had a DVT when she was pregnant, am I more likely to get one? 20 weeks", "none"),
        ("my mum had terrible sciatica when she was expecting, is that serious?", "question"),
        ("my sister had contractions at 30 weeks, what signs should I look out for?", "question"),
    ],
)
def test_judgement_rules(detector: RedFlagDetector, text: str, expected: str) -> None:
    assert level(detector, text) == expected


def test_asking_whether_to_worry_is_kept_beside_a_routine_sign(
    detector: RedFlagDetector,
) -> None:
    screening = detector.screen("my lower back has ached for a month at 31 weeks, should I worry?")
    assert screening.urgency is None
    assert [sign.id for sign in screening.routine_signs] == ["lasting_pain"]
    assert screening.asks_whether_to_worry
    listing = detector.screen("my lower back has ached for a month, what are the warning signs?")
    assert listing.asks_about_warning_signs and not listing.asks_whether_to_worry
