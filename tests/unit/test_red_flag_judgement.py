"""How the red-flag screen judges meaning, time, person and stage (issue: field robustness).

Each case is a phrasing that is not in the sign phrase lists word for word; together they pin
the concept matching, the time and person judgement and the calibration to current guidance.
"""

from __future__ import annotations

import pytest

from backcare.red_flag_calibration import MessageFacts, calibrate
from backcare.red_flags import RedFlagDetector
from backcare.urgency import Urgency
from tests.unit.red_flag_support import level


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # emergencies recognised by meaning
        ("22w, my left leg looks noticeably fatter than the right from the knee down", "emergency"),
        ("baby's kicks feel way weaker than usual the past day", "emergency"),
        ("there's watery pinkish discharge on my pad", "emergency"),
        ("felt a warm pop and now the cushion under me is damp", "emergency"),
        ("got this squeezing feeling behind my breastbone", "emergency"),
        ("coughed into a tissue and there were red streaks in it", "emergency"),
        ("my wife is 31 weeks and her back tightens every 6 minutes", "emergency"),
        ("is it normal that my back pain comes every 5 minutes? 33 weeks", "emergency"),
        ("9 days pp and something the size of a satsuma plopped out", "emergency"),
        ("went down like a sack of potatoes in the queue and came round on the floor", "emergency"),
        # see-soon signs recognised by meaning
        ("peeing feels like razor blades and my lower back on the right is throbbing", "see_soon"),
        ("someone went into the back of us at a roundabout and now my neck is stiff", "see_soon"),
        ("my left foot keeps slapping down when I walk", "see_soon"),
        ("SPD so bad I literally can't walk today", "see_soon"),
        ("back pain keeps me awake all night whatever position I try", "see_soon"),
        ("my SI joint pain has gone from manageable to awful in 3 days", "see_soon"),
        ("been going from boiling to teeth chattering all afternoon", "see_soon"),
        # near misses: not the writer's, not current, explained, or not a sign
        ("I had some spotting early on, all scans fine since. 24 weeks and my back aches", "none"),
        ("in my last pregnancy I bled at 30 weeks; this time all good, 20 weeks", "none"),
        ("nearly passed out when I saw what cribs cost, anyway my hips ache", "none"),
        ("my sister bled at 20 weeks with her first", "none"),
        ("MW checked me, said the tingling in my hands is just carpal tunnel", "none"),
        (
            "went to L&D because my leg was swollen, they scanned it, no clot, "
            "just pregnancy swelling",
            "none",
        ),
        ("tightenings on and off, not regular at all, MW said BH", "none"),
        ("2 weeks pp, bleeding is light and brownish now", "none"),
        ("baby is 2 weeks old and has slowed right down on feeds", "none"),
        ("my mum says she lost feeling in her legs when she was pregnant with me", "none"),
        ("my back is screaming at me after building the cot", "none"),
        # pain that has lasted, or pain at night: noted, not escalated
        ("my lower back has ached for like 6 weeks now, stretching helps a little", "routine"),
        ("my back pain is worse at night", "routine"),
    ],
)
def test_meaning_time_and_person_decide_the_level(
    detector: RedFlagDetector, text: str, expected: str
) -> None:
    assert level(detector, text) == expected


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
