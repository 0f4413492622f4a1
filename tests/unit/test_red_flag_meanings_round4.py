"""Meanings and judgement rules added after tuning batch N (issue 8, round four).

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
        # lights that look odd or flash: a change in vision
        (
            "my wife is 35 weeks, bad headache and she says the lights look weird and flashy",
            "vision_changes",
            "emergency",
        ),
        ("the fairy lights on the tree are flashing and my back aches, 30 weeks", None, "none"),
        # a light pink spot, told with the verb
        (
            "8 weeks and I spotted a little this afternoon, pink, no pain",
            "vaginal_bleeding",
            "see_soon",
        ),
        ("I spotted a bargain buggy online, 30 weeks, lower back sore", None, "none"),
        # pain that gets worse quickly or by the day
        ("my back pain is getting worse by the day, 26 weeks", "worsening_pain", "see_soon"),
        ("it's getting worse quickly, the pain in my hips, 31 weeks", "worsening_pain", "see_soon"),
        # "went flying" is a fall
        (
            "went flying down the last two stairs and now my back hurts, 27 weeks",
            "pain_after_fall",
            "see_soon",
        ),
        ("we went flying to Spain last week and the seat hurt my back, 24 weeks", None, "none"),
        # passing water is peeing; too breathless to finish a sentence; an airbag is a crash;
        # wetness that keeps coming is a leak
        ("it stings every time I pass water, 20 weeks, back sore", "painful_urination", "see_soon"),
        ("I pass the water cooler on my walk and my back aches, 20 weeks", None, "none"),
        ("so out of breath I can't finish a sentence, 36 weeks", "breathless_at_rest", "emergency"),
        ("I can't finish a sentence without yawning, 36 weeks, back ok", None, "none"),
        (
            "the airbag went off when we hit the bollard, 30 weeks, neck sore",
            "pain_after_fall",
            "see_soon",
        ),
        (
            "my knickers have been damp all day and it keeps coming, 32 weeks",
            "fluid_leaking",
            "emergency",
        ),
        # falling off a sofa laughing is a figure of speech
        ("nearly fell off my chair laughing at his card, 33 weeks, back fine", None, "none"),
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
        # a question that opens with what happened is a report without its "I"
        ("Just passed out in the shower?? 30 weeks, back aching", "emergency"),
        ("coughed up blood this morning?? 26 weeks", "emergency"),
        ("is coughing up blood a sign of something serious in pregnancy?", "question"),
        # "if I think ..." is a real doubt, not a hypothesis
        ("can I still stretch if I think my waters have gone? 35 weeks", "emergency"),
        ("if my waters go at work, what should I do? 30 weeks", "question"),
        # a question comparing one calf with the other is an observation
        ("is it normal for one calf to be puffier than the other? 32 weeks", "emergency"),
        ("is calf swelling common in pregnancy?", "question"),
        # tightenings that come close together are not Braxton Hicks, even on and off
        ("tightenings on and off but a few close together now, 33 weeks", "emergency"),
        ("tightenings on and off, painless, midwife says Braxton Hicks, 33 weeks", "none"),
    ],
)
def test_judgement_rules(detector: RedFlagDetector, text: str, expected: str) -> None:
    assert level(detector, text) == expected
