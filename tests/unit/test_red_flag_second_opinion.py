"""Tests for backcare.red_flag_second_opinion, trained on the field tuning half as in `rasa train`
(about 2 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcare.red_flag_second_opinion import (
    MIN_WORDS,
    THRESHOLD,
    SecondOpinion,
    read_labelled_messages,
)
from backcare.red_flags import RedFlagDetector
from backcare.urgency import Urgency
from tests.unit.red_flag_support import QUIET_BABY

FIELD_TUNING = Path(__file__).resolve().parents[1] / "field" / "tuning.yml"


@pytest.fixture(scope="module")
def second_opinion() -> SecondOpinion:
    return SecondOpinion.trained(*read_labelled_messages(FIELD_TUNING))


def test_hears_a_sign_the_rules_miss(
    detector: RedFlagDetector, second_opinion: SecondOpinion
) -> None:
    assert detector.screen(QUIET_BABY).urgency is None
    assert second_opinion.judge(QUIET_BABY) is Urgency.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "26 weeks and my lower back aches after a long day on my feet, any stretches?",
        "8 weeks postpartum, my neck and shoulders are stiff from feeding, what can I do?",
        "had some spotting at 7 weeks but every scan since has been fine, 24 weeks now and my "
        "hips ache",
    ],
)
def test_ordinary_messages_get_no_maybe(second_opinion: SecondOpinion, message: str) -> None:
    assert second_opinion.urgent_probability(message) < THRESHOLD
    assert second_opinion.judge(message) is None


def test_short_replies_are_left_to_the_rules(second_opinion: SecondOpinion) -> None:
    reply = "my back is worse today"  # a check-in answer
    assert len(reply.split()) < MIN_WORDS
    assert second_opinion.urgent_probability(reply) >= THRESHOLD
    assert second_opinion.judge(reply) is None


def test_saved_and_loaded_it_judges_alike(second_opinion: SecondOpinion, tmp_path: Path) -> None:
    path = tmp_path / "second_opinion.pkl"
    second_opinion.save(path)
    loaded = SecondOpinion.load(path)
    assert loaded.urgent_probability(QUIET_BABY) == second_opinion.urgent_probability(QUIET_BABY)
    assert loaded.judge(QUIET_BABY) is Urgency.EMERGENCY
