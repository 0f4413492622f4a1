"""backcare.reply_choice: buttons as a numbered list, and replies read back as the option."""

from __future__ import annotations

import pytest

from backcare.reply_choice import (
    MAX_CHOICE_CHARS,
    REPLY_WITH_A_NUMBER,
    chosen_option,
    may_pick_an_option,
    with_numbered_options,
)

STAGES = ["1st trimester", "2nd trimester", "3rd trimester", "I've had my baby", "Not sure / skip"]
AREAS = ["Lower back", "Mid back", "Upper back", "Neck and shoulders", "Hips and pelvis", "Glutes"]
HAPPENING = ["Yes, it's happening now", "No, it has stopped"]


def test_the_options_follow_the_text_as_a_numbered_list() -> None:
    assert with_numbered_options("Is this happening now?", HAPPENING) == (
        f"Is this happening now?\n\n{REPLY_WITH_A_NUMBER}\n"
        "1. Yes, it's happening now\n2. No, it has stopped"
    )
    assert with_numbered_options("Just text.", []) == "Just text."


@pytest.mark.parametrize(
    ("reply", "titles", "picked"),
    [
        ("2", STAGES, 1),
        (" 2. ", STAGES, 1),
        ("#5", STAGES, 4),
        ("3)", AREAS, 2),
        ("2nd trimester", STAGES, 1),
        ("i’ve had my baby", STAGES, 3),  # a typographic apostrophe, as phones type it
        ("NOT SURE", STAGES, 4),
        ("upper back", AREAS, 2),
        ("neck", AREAS, 3),
        ("glutes!", AREAS, 5),
        ("yes", HAPPENING, 0),
        ("no", HAPPENING, 1),
        ("stopped", HAPPENING, 1),
    ],
)
def test_a_number_or_the_words_of_one_option_pick_it(
    reply: str, titles: list[str], picked: int
) -> None:
    assert chosen_option(reply, titles, numbered=True) == picked


@pytest.mark.parametrize(
    ("reply", "titles"),
    [
        ("0", STAGES),
        ("6", STAGES),  # out of range: maybe "6 months", for the assistant to read
        ("back", AREAS),  # fits three options
        ("trimester", STAGES),
        ("my lower back hurts at 20 weeks", AREAS),
        ("I'm bleeding", HAPPENING),
        ("", AREAS),
        ("2", []),
    ],
)
def test_other_replies_pick_nothing(reply: str, titles: list[str]) -> None:
    assert chosen_option(reply, titles, numbered=True) is None


def test_without_a_numbered_list_only_a_whole_title_picks() -> None:
    assert chosen_option("Neck and shoulders", AREAS, numbered=False) == 3
    assert chosen_option("2", STAGES, numbered=False) is None
    assert chosen_option("neck", AREAS, numbered=False) is None


def test_only_short_replies_that_are_not_payloads_are_looked_up() -> None:
    assert may_pick_an_option("2")
    assert may_pick_an_option("Neck and shoulders")
    assert not may_pick_an_option("   ")
    assert not may_pick_an_option('/inform_stage{"stage": "trimester_2"}')
    assert not may_pick_an_option("x" * (MAX_CHOICE_CHARS + 1))
