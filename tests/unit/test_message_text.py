"""backcare.message_text: cleaning and the two length limits."""

from __future__ import annotations

import pytest

from backcare.message_text import (
    NLU_MAX_CHARS,
    SCREEN_MAX_CHARS,
    clean_text,
    cut_at_word,
    prepare_text,
)
from backcare.red_flags import default_detector
from backcare.urgency import Urgency

FILLER = "my lower back aches when I sit at my desk and my toddler wants carrying all day. "


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("blee\u200bding", "bleeding"),  # zero-width space
        ("b\u00adleeding", "bleeding"),  # soft hyphen
        ("\u202eI'm bleeding", "I'm bleeding"),  # right-to-left override
        ("\ufeffbleeding\u2060", "bleeding"),  # byte-order mark, word joiner
        ("bleeding\x00heavily", "bleeding heavily"),  # a control character separates words
        (
            "\U0001d41b\U0001d425\U0001d41e\U0001d41e\U0001d41d\U0001d422\U0001d427\U0001d420",
            "bleeding",
        ),  # math bold
        ("\uff42\uff4c\uff45\uff45\uff44\uff49\uff4e\uff47", "bleeding"),  # full-width
        ("back \ud800 pain", "back  pain"),  # a lone surrogate cannot be stored or logged
    ],
)
def test_clean_text_makes_hidden_or_look_alike_letters_plain(typed: str, cleaned: str) -> None:
    assert clean_text(typed) == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "line one\nline two\tand a tab",
        "😭😭🤰",
        "Me duele la espalda",
        "我怀孕20周 腰很痛",
        "ظهري يؤلمني",
    ],
)
def test_clean_text_keeps_line_breaks_emoji_and_other_scripts(text: str) -> None:
    assert clean_text(text) == text


def test_a_sign_with_a_hidden_character_escalates_once_cleaned() -> None:
    typed = "I'm 30 weeks and I'm blee\u200bding heavily"
    assert default_detector().screen(typed).urgency is None
    assert default_detector().screen(clean_text(typed)).urgency is Urgency.EMERGENCY


def test_cut_at_word_ends_at_a_word_boundary() -> None:
    assert cut_at_word("short", 10) == "short"
    assert cut_at_word("one two three", 9) == "one two"
    assert cut_at_word("one two three", 7) == "one two"
    assert cut_at_word("onetwothree", 5) == "onetw"  # no boundary: a hard cut


def test_a_short_message_is_read_whole_by_all() -> None:
    prepared = prepare_text("my back hurts")
    assert prepared.nlu_text == prepared.screen_text == "my back hurts"
    assert not prepared.too_long_to_screen


def test_a_long_message_is_cut_for_nlu_but_screened_whole() -> None:
    text = FILLER * 60 + "and now I'm bleeding"
    assert NLU_MAX_CHARS < len(text) <= SCREEN_MAX_CHARS
    prepared = prepare_text(text)
    assert len(prepared.nlu_text) <= NLU_MAX_CHARS
    assert text.startswith(prepared.nlu_text)
    assert prepared.screen_text == text
    assert not prepared.too_long_to_screen


def test_a_message_beyond_the_screen_limit_is_flagged() -> None:
    text = FILLER * 200
    assert len(text) > SCREEN_MAX_CHARS
    prepared = prepare_text(text)
    assert len(prepared.screen_text) <= SCREEN_MAX_CHARS
    assert len(prepared.nlu_text) <= NLU_MAX_CHARS
    assert prepared.too_long_to_screen
