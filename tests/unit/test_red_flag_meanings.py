"""Meanings the screen recognises however they are worded, and the judgement rules around them
(issue 8, tuning batches J and K).

Every case is written for this test in its own words: a concept or rule is pinned by a report
and by a near miss that shares its words but not its meaning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backcare.red_flag_signs import PHRASES_PATH, read_phrase_book
from backcare.red_flags import RedFlagDetector
from tests.unit.red_flag_support import level, signs

PHRASES = yaml.safe_load(PHRASES_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "sign", "expected"),
    [
        # fewer movements than usual, told as a small count
        (
            "she usually goes wild after dinner but this evening only one small nudge, 33 weeks",
            "reduced_fetal_movement",
            "emergency",
        ),
        (
            "34 weeks and I've only felt him twice since yesterday",
            "reduced_fetal_movement",
            "emergency",
        ),
        ("just felt two little kicks for the first time at 19 weeks!!", None, "none"),
        ("baby kicked me a few times in the ribs tonight, 31 weeks", None, "none"),
        # bleeding seen on the paper, and urine that is pink (a urinary sign, not bleeding)
        (
            "since lunch there's bright red on the loo paper when I wipe, 26 weeks",
            "vaginal_bleeding",
            "emergency",
        ),
        (
            "my wee is pink today and my back aches on the left, 18 weeks",
            "painful_urination",
            "see_soon",
        ),
        # one calf bigger than the other, said in a later sentence than the calf
        (
            "my left calf has ached since the flight on Sunday and I thought it was cramp. "
            "Today it's clearly fatter than the right one.",
            "calf_pain_or_swelling",
            "emergency",
        ),
        ("did calf raises yesterday and my calves are sore now, 24 weeks", None, "none"),
        # loss of bladder control, and retention
        (
            "I keep wetting myself without knowing it's happening, 32 weeks",
            "bladder_bowel_control",
            "emergency",
        ),
        ("I leaked a bit of wee when I sneezed, 30 weeks", None, "none"),
        (
            "can't pass urine since this morning even though I need to",
            "bladder_bowel_control",
            "emergency",
        ),
        (
            "I've needed to wee all morning but only a dribble comes out, back is killing me",
            "bladder_bowel_control",
            "emergency",
        ),
        ("need to poo but nothing comes out, so constipated at 30 weeks", None, "none"),
        # fainting told as waking up on the floor
        ("next thing I knew I was lying on the bathroom floor, 20 weeks", "fainting", "emergency"),
        ("next thing I knew the baby was crying again, my back is sore", None, "none"),
        # both legs, and legs that do not feel like one's own
        (
            "both my legs have gone tingly since lunch and my back is killing me",
            "numbness_both_legs",
            "emergency",
        ),
        ("my legs feel like they don't belong to me, 30 weeks", "numbness_both_legs", "emergency"),
        ("both my legs feel heavy and achy in the evenings, 32 weeks", None, "none"),
        # saddle area asleep; one buttock numb with sciatica is one-sided numbness
        ("my bum and the insides of my thighs feel asleep", "saddle_numbness", "emergency"),
        (
            "my right buttock is numb from the sciatica, 26 weeks",
            "numbness_or_tingling",
            "see_soon",
        ),
        (
            "my thigh has gone dead on the outside since yesterday, 30 weeks",
            "numbness_or_tingling",
            "see_soon",
        ),
        # sudden swelling: puffed up, rings that will not come off
        (
            "my face and fingers have puffed up since yesterday, 34 weeks",
            "sudden_swelling",
            "emergency",
        ),
        ("can't get my wedding ring off this morning, 36 weeks", "sudden_swelling", "emergency"),
        ("my ankles are swollen by the evening, 30 weeks", None, "none"),
        # a possible temperature
        ("think I have a temperature and my back hurts on one side, 22 weeks", "fever", "see_soon"),
        ("what temperature should the bath be when pregnant?", None, "none"),
        # tightenings: a bump that goes rock solid, waves timed in minutes in another sentence
        ("my bump goes rock solid every few minutes, 32 weeks", "tightenings", "emergency"),
        ("my bump goes rock solid when I walk a lot, nothing regular, 30 weeks", None, "none"),
        (
            "my back ache keeps coming and going. it seems to be every 7 or 8 minutes. 34 weeks",
            "tightenings",
            "emergency",
        ),
        ("my back pain comes and goes depending on how long I sit. 24 weeks", None, "none"),
        ("back pain comes and goes. I have to pee every 10 minutes too, 12 weeks", None, "none"),
        # pain that stops walking or sleeping, crawling, holding the walls to get about
        (
            "the pain in my pubic bone is so bad I'm crawling up the stairs",
            "severe_pain",
            "see_soon",
        ),
        ("my baby is crawling now and my back aches from chasing him", None, "none"),
        (
            "I can't get from the sofa to the kitchen, my pelvis is in bits",
            "severe_pain",
            "see_soon",
        ),
        (
            "I have to hold onto the furniture to walk, my pelvis is in agony",
            "severe_pain",
            "see_soon",
        ),
        ("I hold onto the wall for balance when I do squats, 25 weeks", None, "none"),
        ("the ache in my hips hasn't let me sleep for three nights", "severe_pain", "see_soon"),
        ("I was up all night with the baby and my back aches", None, "none"),
        # quickly getting worse
        (
            "my hip was a niggle on monday and now it's worse every few hours",
            "worsening_pain",
            "see_soon",
        ),
        ("my hip has gone from annoying to can't-walk in two days", "worsening_pain", "see_soon"),
        # a car accident told over two sentences
        (
            "someone reversed into my car at the lights. My neck is stiff this evening, 25 weeks",
            "pain_after_fall",
            "see_soon",
        ),
        ("I backed into a parking space and felt a twinge in my back, 22 weeks", None, "none"),
        ("my husband slipped on the ice and hurt his back, I'm 20 weeks", None, "none"),
        # a wound whose surrounding skin is red and warm
        (
            "the incision looks fine but the skin around it is red and hot, 2 weeks post section",
            "wound_problem",
            "see_soon",
        ),
        ("my section scar is fine, but I feel really weepy and teary, 2 weeks pp", None, "none"),
    ],
)
def test_a_meaning_is_recognised_in_other_words(
    detector: RedFlagDetector, text: str, sign: str | None, expected: str
) -> None:
    assert level(detector, text) == expected
    if sign is not None:
        assert sign in signs(detector, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a question that gives the writer's own week in forum notation, or says "tmi", reports
        ("is it normal to have brown spotting at 7+2? no pain, just back ache", "see_soon"),
        ("is clear watery discharge normal at 31w? tmi", "emergency"),
        ("is bleeding ever normal in pregnancy? just wondering", "question"),
        # time: a temperature that went after a day, long ago
        ("had a temperature after the birth but it went after a day. now 8 weeks pp", "none"),
        ("I've had a temperature since this morning, 20 weeks", "see_soon"),
        # a mother's own pregnancy with the daughter she writes for is not the daughter's
        (
            "my daughter is 25 weeks pregnant. I had awful sciatica when I was carrying her. "
            "what helps her back?",
            "none",
        ),
        ("I fell when I was carrying him down the stairs and my back hurts", "see_soon"),
        # a husband writing about his wife: her symptoms, wherever the pregnancy is stated
        ("my missus has wet herself twice today without noticing. 29 weeks.", "emergency"),
        ("my wife's section wound looks red and hot. she's 9 days post op", "see_soon"),
        ("my wife is 30 weeks. her mum fainted at work today", "none"),
        # someone ran into her: the writer speaks for her
        ("my wife is 26 weeks and someone drove into her car today, her back is sore", "see_soon"),
    ],
)
def test_judgement_rules(detector: RedFlagDetector, text: str, expected: str) -> None:
    assert level(detector, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # after birth, bleeding that turns red again or fills pads is heavy
        ("2 weeks pp, the bleeding had eased but now it's red again", "emergency"),
        (
            "10 days after the birth, still bleeding and changed my pad 4 times since lunch",
            "emergency",
        ),
        ("3 weeks pp, still a bit of pink on the pad, no clots", "none"),
        # light pink spotting early in pregnancy without pain is see-soon
        ("wiped and there was pink on the paper, 8 weeks, no cramps", "see_soon"),
        # pelvic heaviness as the baby moves down at term is expected; before 37 weeks it is a
        # sign of preterm labour
        ("my pelvis feels heavy and achy at 38 weeks", "none"),
        ("my pelvis feels heavy and achy at 36 weeks", "see_soon"),
        ("my pelvis feels heavy and like something is pushing down, 30 weeks", "see_soon"),
    ],
)
def test_calibration_of_the_new_wordings(
    detector: RedFlagDetector, text: str, expected: str
) -> None:
    assert level(detector, text) == expected


def test_message_concepts_join_parts_across_sentences(tmp_path: Path) -> None:
    sign = {
        "id": "test_sign",
        "label": "a test sign",
        "urgency": "see_soon",
        "sources": ["guidance"],
        "phrases": ["zzzq"],
        "message_concepts": [["kettle", "whistle|whistles"]],
    }
    path = tmp_path / "phrases.yml"
    path.write_text(yaml.safe_dump({**PHRASES, "signs": [sign]}), encoding="utf-8")
    concepts = read_phrase_book(path).signs[0].message_concepts
    assert concepts == ((("kettle",), ("whistle|whistles",)),)
    test_detector = RedFlagDetector(phrases_path=path)
    assert level(test_detector, "The kettle is on. Now it whistles.") == "see_soon"
    # judged where the second part stands: negated there, or someone else's, it is no report
    assert level(test_detector, "The kettle is on. It does not whistle.") == "none"
    assert level(test_detector, "The kettle is on. My sister says hers whistles.") == "none"
    # the first part may not be someone else's either
    assert level(test_detector, "My sister's kettle is new. Mine whistles.") == "none"


@pytest.mark.parametrize(
    ("text", "worry_only"),
    [
        ("my lower back aches at 31 weeks, should I be worried?", True),
        ("6 weeks pp and my hips hurt, is this serious?", True),
        ("what signs should I watch out for at 20 weeks?", False),
        ("at 20 weeks, which symptoms mean I should stop exercising?", False),
        ("when should I call my midwife about back pain?", False),
    ],
)
def test_asking_whether_to_worry_is_told_apart_from_asking_for_the_list(
    detector: RedFlagDetector, text: str, worry_only: bool
) -> None:
    screening = detector.screen(text)
    assert screening.urgency is None
    assert screening.asks_about_warning_signs
    assert screening.asks_whether_to_worry is worry_only
