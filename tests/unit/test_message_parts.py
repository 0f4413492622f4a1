"""backcare.message_parts: long answers split to a platform's limit, never mid-sentence."""

from __future__ import annotations

import pytest

from backcare.message_parts import split_message

ESCALATION = (
    "I'm sorry you're dealing with this. You mentioned bleeding, and that can need urgent care. "
    "Please call your local emergency number or go to your maternity unit now."
)


def test_an_answer_that_fits_goes_whole() -> None:
    assert split_message(ESCALATION, len(ESCALATION)) == [ESCALATION]
    assert split_message(f"  {ESCALATION}\n", 4096) == [ESCALATION]


def test_nothing_to_send_is_no_message() -> None:
    assert split_message("  \n\n ", 100) == []


def test_paragraphs_are_packed_whole_and_in_order() -> None:
    paragraphs = [f"Paragraph {n}. " + "word " * 20 for n in range(6)]
    paragraphs = [paragraph.strip() for paragraph in paragraphs]
    parts = split_message("\n\n".join(paragraphs), 250)
    assert all(len(part) <= 250 for part in parts)
    assert "\n\n".join(parts) == "\n\n".join(paragraphs), "nothing lost, nothing reordered"
    assert len(parts) == 3, "two paragraphs of 111 characters fit in one part of 250"


def test_a_long_paragraph_is_cut_between_sentences() -> None:
    sentences = [f"Sentence number {n} says something useful." for n in range(20)]
    paragraph = " ".join(sentences)
    parts = split_message(f"Intro.\n\n{paragraph}\n\nEnd.", 160)
    assert all(len(part) <= 160 for part in parts)
    assert parts[0] == "Intro.", "a paragraph that does not fit starts a new part"
    for part in parts[1:-1]:
        assert part.endswith("useful."), "every part ends at a sentence end"
    assert " ".join(parts[1:]).replace("\n\n", " ").split() == f"{paragraph} End.".split()


def test_lines_of_a_list_stay_whole() -> None:
    options = "\n".join(f"{n}. Option number {n}" for n in range(1, 9))
    parts = split_message(options, 60)
    assert all(len(part) <= 60 for part in parts)
    assert "\n".join(parts).split("\n") == options.split("\n")


def test_no_sentence_end_inside_an_abbreviation_or_a_lower_case_continuation() -> None:
    text = "Try gentle moves, e.g. cat-cow. Then rest. " * 3
    parts = split_message(text, 45)
    assert all(not part.endswith("e.g.") for part in parts)


def test_only_a_sentence_longer_than_the_limit_is_cut_between_words() -> None:
    words = ["gentle"] * 30
    parts = split_message(" ".join(words), 50)
    assert all(len(part) <= 50 for part in parts)
    assert " ".join(parts).split() == words


def test_a_word_longer_than_the_limit_is_cut() -> None:
    assert split_message("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_the_limit_must_allow_a_character() -> None:
    with pytest.raises(ValueError):
        split_message("hi", 0)
