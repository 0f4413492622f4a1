"""The pattern compiler and the anchored matcher the red-flag screen runs on every message."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher
from spacy.tokens import Doc

from backcare.red_flag_patterns import AnchoredMatcher, PatternCompiler
from backcare.red_flag_signs import read_phrase_book
from backcare.spacy_pipeline import load_nlp

MESSAGES = (
    "my waters broke and there's a trickle that keeps coming",
    "I can't feel the baby move as much today, kicks are weaker",
    "fell down the stairs this morning and now my back is killing me",
    "my left calf is swollen, red and hot to touch",
    "it burns when I pee and my lower back aches",
    "no bleeding at all, just sore between my shoulder blades",
    "more exercises please",
    "",
)


def lemma_doc(compiler: PatternCompiler, text: str) -> Doc:
    words = text.lower().split()
    return Doc(load_nlp().vocab, words=words, lemmas=[compiler.lemma(w) for w in words])


def test_the_anchored_matcher_finds_exactly_what_one_spacy_matcher_finds() -> None:
    nlp = load_nlp()
    book = read_phrase_book()
    compiler = PatternCompiler(nlp, book.lemma_overrides)
    anchored, plain = AnchoredMatcher(nlp.vocab), Matcher(nlp.vocab)
    for entry in book.signs:
        for matcher in (anchored, plain):
            compiler.add(matcher, entry.sign.id, list(entry.phrases), None)
    found_any = False
    for text in MESSAGES:
        doc = lemma_doc(compiler, text)
        expected = plain(doc) if len(doc) else []
        assert sorted(anchored(doc)) == sorted(expected), text
        found_any |= bool(expected)
    assert found_any, "the messages should hold some signs"


def test_a_key_runs_only_when_its_anchor_is_in_the_message_or_it_has_no_anchor() -> None:
    nlp = load_nlp()
    compiler = PatternCompiler(nlp, {})
    matcher = AnchoredMatcher(nlp.vocab)
    # "back" is a stop word in spaCy's list, so "hurt|ache" anchors the pattern
    compiler.add(matcher, "pain", ["back ~ hurt|ache"], None)
    compiler.add(matcher, "optional_only", ["really?"], None)
    runs: list[str] = []
    for key, spacy_matcher in list(matcher._matchers.items()):

        def run(doc: Doc, *, key: str = key, spacy_matcher: Matcher = spacy_matcher, **options):
            runs.append(key)
            return spacy_matcher(doc, **options)

        matcher._matchers[key] = run
    found = matcher(lemma_doc(compiler, "my back really hurts"))
    assert {nlp.vocab.strings[key] for key, _, _ in found} == {"pain", "optional_only"}
    runs.clear()
    matcher(lemma_doc(compiler, "my back is fine"))
    assert runs == ["optional_only"]


def test_the_anchored_matcher_refuses_a_doc_without_lemmas() -> None:
    nlp = load_nlp()
    matcher = AnchoredMatcher(nlp.vocab)
    matcher.add("x", [[{"LEMMA": "bleed"}]])
    with pytest.raises(ValueError, match="lemmas"):
        matcher(Doc(nlp.vocab, words=["bleeding"]))
