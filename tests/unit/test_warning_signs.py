"""The warning-sign answer is generated from the sign data and never leaves a sign out."""

from __future__ import annotations

import yaml

from backcare.red_flags import PHRASES_PATH
from backcare.warning_signs import DOMAIN_PATH, RESPONSE, render_block, render_text, updated_domain


def _domain_answer() -> str:
    domain = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
    return domain["responses"][RESPONSE][0]["text"]


def test_domain_answer_is_the_generated_one() -> None:
    current = DOMAIN_PATH.read_text(encoding="utf-8")
    assert updated_domain(current, render_block(render_text())) == current


def test_every_sign_the_screen_knows_is_in_the_answer() -> None:
    answer = " ".join(_domain_answer().split())
    signs = yaml.safe_load(PHRASES_PATH.read_text(encoding="utf-8"))["signs"]
    assert signs
    for sign in signs:
        assert (sign.get("list_label") or sign["label"]) in answer, sign["id"]


def test_urgent_levels_come_first_and_say_what_to_do() -> None:
    paragraphs = _domain_answer().split("\n")
    assert paragraphs[1].startswith("Call your local emergency number")
    assert paragraphs[2].startswith("Contact your healthcare provider")
    assert "bleeding" in paragraphs[1] and "a fever or high temperature" in paragraphs[2]
