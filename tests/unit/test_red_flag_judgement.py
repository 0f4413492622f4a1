"""How the red-flag screen judges meaning, time, person and stage (issue: field robustness).

Each case is a phrasing that is not in the sign phrase lists word for word; together they pin
the concept matching, the time and person judgement and the calibration to current guidance.
"""

from __future__ import annotations

import pytest

from backcare.red_flag_calibration import MessageFacts, calibrate
from backcare.red_flags import RedFlagDetector, default_detector
from backcare.urgency import Urgency


@pytest.fixture(scope="module")
def detector() -> RedFlagDetector:
    return default_detector()


def level(detector: RedFlagDetector, text: str) -> str:
    screening = detector.screen(text)
    if screening.urgency is not None:
        return screening.urgency.value
    return "routine" if screening.routine_signs else "none"


@pytest.mark.parametrize(
    "text",
    [
        "22w, my left leg looks noticeably fatter than the right from the knee down",
        "baby's kicks feel way weaker than usual the past day",
        "there's watery pinkish discharge on my pad",
        "felt a warm pop and now the cushion under me is damp",
        "got this squeezing feeling behind my breastbone",
        "coughed into a tissue and there were red streaks in it",
        "my wife is 31 weeks and her back tightens every 6 minutes",
        "is it normal that my back pain comes every 5 minutes? 33 weeks",
        "9 days pp and something the size of a satsuma plopped out",
        "went down like a sack of potatoes in the queue and came round on the floor",
    ],
)
def test_emergencies_recognised_by_meaning(detector: RedFlagDetector, text: str) -> None:
    assert level(detector, text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "peeing feels like razor blades and my lower back on the right is throbbing",
        "someone went into the back of us at a roundabout and now my neck is stiff",
        "my left foot keeps slapping down when I walk",
        "SPD so bad I literally can't walk today",
        "back pain keeps me awake all night whatever position I try",
        "my SI joint pain has gone from manageable to awful in 3 days",
        "been going from boiling to teeth chattering all afternoon",
    ],
)
def test_see_soon_recognised_by_meaning(detector: RedFlagDetector, text: str) -> None:
    assert level(detector, text) == "see_soon"


@pytest.mark.parametrize(
    "text",
    [
        "I had some spotting early on, all scans fine since. 24 weeks and my back aches",
        "in my last pregnancy I bled at 30 weeks; this time all good, 20 weeks",
        "nearly passed out when I saw what cribs cost, anyway my hips ache",
        "my sister bled at 20 weeks with her first",
        "MW checked me, said the tingling in my hands is just carpal tunnel",
        "went to L&D because my leg was swollen, they scanned it, no clot, just pregnancy swelling",
        "tightenings on and off, not regular at all, MW said BH",
        "2 weeks pp, bleeding is light and brownish now",
        "baby is 2 weeks old and has slowed right down on feeds",
        "my mum says she lost feeling in her legs when she was pregnant with me",
        "my back is screaming at me after building the cot",
    ],
)
def test_near_misses_do_not_escalate(detector: RedFlagDetector, text: str) -> None:
    assert level(detector, text) == "none"


@pytest.mark.parametrize(
    "text",
    [
        "my lower back has ached for like 6 weeks now, stretching helps a little",
        "my back pain is worse at night",
    ],
)
def test_lasting_or_night_pain_is_routine(detector: RedFlagDetector, text: str) -> None:
    assert level(detector, text) == "routine"


def test_someone_writing_on_her_behalf_is_her_report(detector: RedFlagDetector) -> None:
    assert level(detector, "my wife is 34 weeks and she's bleeding") == "emergency"
    assert level(detector, "Mum here. My daughter is 38 weeks and hasn't felt the baby today") == (
        "emergency"
    )
    assert level(detector, "my friend is bleeding") == "none"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 weeks pregnant, light brown spotting, no pain", "see_soon"),
        ("8 weeks pregnant, light spotting with cramps", "emergency"),
        ("24 weeks and some light spotting", "emergency"),
        ("10 days pp, light bleeding", "none"),
        ("10 days pp, soaking a pad every hour", "emergency"),
        ("39 weeks, contractions every 5 minutes", "see_soon"),
        ("33 weeks, contractions every 5 minutes", "emergency"),
    ],
)
def test_calibration_follows_stage(detector: RedFlagDetector, text: str, expected: str) -> None:
    assert level(detector, text) == expected


def test_calibrate_leaves_signs_it_has_no_rule_for() -> None:
    facts = MessageFacts.of("I have a fever")
    assert calibrate({"fever": Urgency.SEE_SOON}, facts) == {"fever": Urgency.SEE_SOON}
