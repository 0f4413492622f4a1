"""The deterministic body-area lexicon (backcare.body_areas)."""

from __future__ import annotations

import pytest

from backcare.body_areas import find_areas


def areas(text: str) -> list[str]:
    return [mention.area for mention in find_areas(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # everyday words and typos
        ("my bum hurts", ["glutes"]),
        ("pain in my buttocks", ["glutes"]),
        ("pain between my shoulder blades at 30w", ["upper_back"]),
        ("between my shoulders ache from feeding", ["upper_back"]),
        ("SPD is awful", ["hips_pelvis"]),
        ("SI joint pain", ["hips_pelvis"]),
        ("my pubic bone", ["hips_pelvis"]),
        ("tailbone is sore", ["lower_back"]),
        ("my neck and shoulders from carrying him", ["neck_shoulders"]),
        ("lowr bak and hips", ["lower_back", "hips_pelvis"]),
        ("ache just above my bum", ["lower_back"]),
        ("ribs at the back", ["mid_back"]),
        # areas named only to be denied are left out
        ("sorry, I meant my upper back, not lower", ["upper_back"]),
        ("not my hips, my lower back", ["lower_back"]),
        ("no hip pain, just my neck", ["neck_shoulders"]),
        # "back" alone is the low back, unless it is not about the body
        ("my back hurts", ["lower_back"]),
        ("backache all day", ["lower_back"]),
        ("My back and bum are sore", ["lower_back", "glutes"]),
        ("back still aches tho", ["lower_back"]),
        ("lying on my back", []),
        ("back to work next week", []),
        ("the back of my leg", []),
        ("my upper back hurts", ["upper_back"]),
        ("back a bit achy and pelvis sore", ["lower_back", "hips_pelvis"]),
        ("my main gripe is my back from bending over", ["lower_back"]),
        ("lying on my back hurts my hips", ["hips_pelvis"]),
        ("I put my back out", ["lower_back"]),
        ("she says it wraps round to the front", []),
        # a treatment for the back names the back
        ("is a tens machine on my back ok at 20 weeks?", ["lower_back"]),
        ("can I put muscle rub on my back?", ["lower_back"]),
        ("can I use a tens machine for labour, lying on my back?", []),
    ],
)
def test_areas_named_in_a_message(text: str, expected: list[str]) -> None:
    assert areas(text) == expected


def test_exercise_names_are_not_areas() -> None:
    assert areas("how do I do a pelvic tilt? my neck is stiff") == ["neck_shoulders"]
    assert areas("is the hip flexor stretch ok") == []


def test_spans_point_at_the_words() -> None:
    text = "at 20 weeks my bum hurts"
    (mention,) = find_areas(text)
    assert text[mention.start : mention.end] == "bum"
