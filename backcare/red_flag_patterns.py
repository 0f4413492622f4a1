"""Compile the pattern language of red_flag_phrases.yml (see its header) to spaCy Matcher
patterns, on lemmas from spaCy's English lookup table."""

from __future__ import annotations

import itertools
from typing import Any

from spacy.attrs import LEMMA, LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from backcare.red_flag_words import WORDS

GAP_LENGTH = 4
# A gap inside a pattern never crosses a negation or a "but" (red_flag_words.yml).
GAP_STOP_LEMMAS = sorted(WORDS.negation_lemmas | WORDS.gap_stop_lemmas)


class PatternCompiler:
    """Turns pattern lines into Matcher patterns; `lemma` is the lemma a word is matched by."""

    def __init__(self, nlp: Language, lemma_overrides: dict[str, str]) -> None:
        self._nlp = nlp
        self._overrides = lemma_overrides
        self.lemma_table = lemma_table(nlp)

    def lemma(self, word: str) -> str:
        return self._overrides.get(word) or self.lemma_table.get(word, word)

    def add(
        self, matcher: AnchoredMatcher, key: str, phrases: list[str], keywords: set[str] | None
    ) -> None:
        """Add the patterns of `phrases` under `key`; collect their words into `keywords`."""
        patterns: list[list[dict[str, Any]]] = []
        for phrase in phrases:
            patterns.extend(self.compile(phrase, keywords))
        matcher.add(key, patterns)

    def compile(self, phrase: str, keywords: set[str] | None) -> list[list[dict[str, Any]]]:
        """Turn one pattern line (see the YAML header) into Matcher patterns."""
        options_per_token: list[list[list[dict[str, Any]]]] = []
        for item in phrase.split():
            if item == "~":
                gap = {"IS_PUNCT": False, "LEMMA": {"NOT_IN": GAP_STOP_LEMMAS}, "OP": "?"}
                options_per_token.append([[dict(gap) for _ in range(GAP_LENGTH)]])
                continue
            optional = item.endswith("?") and len(item) > 1
            alternatives = item.rstrip("?").split("|") if optional else item.split("|")
            exact = [a[1:] for a in alternatives if a.startswith("=")]
            lemmas = [a for a in alternatives if not a.startswith("=")]
            for word in exact + lemmas:
                if len(self._nlp.make_doc(word)) != 1:
                    raise ValueError(f"{word!r} in {phrase!r} is not a single token")
                if keywords is not None and word.isalpha():
                    keywords.add(word)
            specs: list[dict[str, Any]] = []
            if lemmas:
                specs.append(_one_of("LEMMA", sorted({self.lemma(w) for w in lemmas})))
            if exact:
                specs.append(_one_of("LOWER", exact))
            if optional:
                specs = [dict(spec, OP="?") for spec in specs]
            options_per_token.append([[spec] for spec in specs])
        return [
            [spec for part in combination for spec in part]
            for combination in itertools.product(*options_per_token)
        ]


def _one_of(attribute: str, words: list[str]) -> dict[str, Any]:
    """A token spec for any of `words`: a plain value for one word, which spaCy compares in C,
    else a set, which it tests in Python for every token."""
    return {attribute: words[0] if len(words) == 1 else {"IN": words}}


class AnchoredMatcher:
    """spaCy's Matcher, split by key, running only the keys that could match a message.

    A pattern needs every token that is not optional; one of them is its anchor, preferably one
    without common words. A key none of whose anchors is among a message's words or lemmas
    cannot match, so it is skipped. Same matches as one Matcher over every key, at a fraction of
    the cost: a message holds the anchors of a few keys only, and the screen runs on every
    message (one Matcher was a tenth of the Rasa server's time).
    """

    def __init__(self, vocab: Vocab) -> None:
        self._vocab = vocab
        self._matchers: dict[str, Matcher] = {}
        # per attribute (LOWER, LEMMA): word's hash -> keys with a pattern anchored on it
        self._keys_by_anchor: dict[int, dict[int, set[str]]] = {LOWER: {}, LEMMA: {}}
        self._unanchored: set[str] = set()

    def add(self, key: str, patterns: list[list[dict[str, Any]]]) -> None:
        self._matchers.setdefault(key, Matcher(self._vocab)).add(key, patterns)
        for pattern in patterns:
            anchor = _anchor(pattern)
            if anchor is None:
                self._unanchored.add(key)
                continue
            attribute, words = anchor
            keys_by_word = self._keys_by_anchor[LOWER if attribute == "LOWER" else LEMMA]
            for word in words:
                keys_by_word.setdefault(self._vocab.strings.add(word), set()).add(key)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(match id, start, end) of every match, as spaCy's Matcher gives them."""
        if not doc.has_annotation("LEMMA"):
            raise ValueError("AnchoredMatcher needs a Doc with lemmas")
        candidates = set(self._unanchored)
        if len(doc):
            columns = doc.to_array([LOWER, LEMMA]).T.tolist()
            for attribute, words in zip((LOWER, LEMMA), columns, strict=True):
                keys_by_word = self._keys_by_anchor[attribute]
                for word in set(words):
                    candidates.update(keys_by_word.get(word, ()))
        matches: list[tuple[int, int, int]] = []
        for key, matcher in self._matchers.items():
            if key in candidates:
                # lemmas checked above, once instead of once per key
                matches.extend(matcher(doc, allow_missing=True))
        return matches


def _anchor(pattern: list[dict[str, Any]]) -> tuple[str, frozenset[str]] | None:
    """The required token of `pattern` to look for first, as (attribute, its words): the one
    with the fewest common words, then the fewest words. None when no token is required, or
    a required token tests something other than LOWER or LEMMA."""
    anchors = []
    for spec in pattern:
        if "OP" in spec:
            continue
        if len(spec) != 1 or not set(spec) <= {"LOWER", "LEMMA"}:
            return None
        ((attribute, value),) = spec.items()
        words = frozenset(value["IN"] if isinstance(value, dict) else [value])
        anchors.append((attribute, words))
    if not anchors:
        return None
    return min(anchors, key=lambda anchor: (len(anchor[1] & STOP_WORDS), len(anchor[1])))


def lemma_table(nlp: Language) -> Table:
    """The pipeline's lemma lookup table, else spaCy's English one."""
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_lookup"):
            return lookups.get_table("lemma_lookup")
    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
