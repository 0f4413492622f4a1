"""Reply wording composed from the knowledge base (no Rasa)."""

from __future__ import annotations

import pytest

from backcare.knowledge_base import load_knowledge_base
from backcare.recommender import recommend
from backcare.replies import (
    first_sentence,
    join_words,
    recommendation_reply,
    red_flag_reminder,
    tips_reply,
)


@pytest.mark.parametrize(
    ("words", "joined"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_join_words(words: list[str], joined: str) -> None:
    assert join_words(words) == joined


def test_first_sentence() -> None:
    assert first_sentence("One thing. Another thing.") == "One thing."
    assert first_sentence("Only one") == "Only one"


def test_recommendation_lists_name_why_dosage_source_and_buttons() -> None:
    kb = load_knowledge_base()
    result = recommend(kb, "trimester_2", ["upper_back"])
    reply = recommendation_reply(kb, result, ["upper_back"])
    assert reply.text.startswith(
        "Here are some gentle exercises for your upper back in your second"
    )
    for item in result.recommendations:
        assert item.exercise.name in reply.text
        assert kb.citation(item.exercise) in reply.text
    assert [b.title for b in reply.buttons][-2:] == ["More exercises", "Why does this hurt?"]


def test_uncovered_area_and_stage_refers_to_a_provider_without_exercises() -> None:
    kb = load_knowledge_base()
    area, stage = next(iter(kb.uncovered))
    reply = recommendation_reply(kb, recommend(kb, stage, [area]), [area])
    assert "healthcare provider or a physical therapist" in reply.text
    assert not any(exercise.name in reply.text for exercise in kb.exercises.values())


def test_exhausted_paging_says_so() -> None:
    kb = load_knowledge_base()
    everything = list(kb.exercises)
    result = recommend(kb, "postpartum", ["lower_back"], exclude=everything)
    reply = recommendation_reply(kb, result, ["lower_back"], follow_up=True)
    assert reply.text.startswith("That's all the exercises")


def test_reminder_only_after_a_red_flag() -> None:
    assert red_flag_reminder(None) is None
    assert "fever" in (red_flag_reminder("a fever") or "")


def test_unknown_topic_offers_the_menu_instead_of_failing() -> None:
    reply = tips_reply(load_knowledge_base(), "knitting")
    assert reply.text.startswith("The guides I use don't cover that")
    assert reply.buttons
