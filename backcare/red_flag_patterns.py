"""Compile the pattern language of red_flag_phrases.yml (see its header) to spaCy Matcher
patterns, on lemmas from spaCy's English lookup table."""

from __future__ import annotations

import itertools
from typing import Any

from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.matcher import Matcher

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
        self, matcher: Matcher, key: str, phrases: list[str], keywords: set[str] | None
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
                specs.append({"LEMMA": {"IN": sorted({self.lemma(w) for w in lemmas})}})
            if exact:
                specs.append({"LOWER": {"IN": exact}})
            if optional:
                specs = [dict(spec, OP="?") for spec in specs]
            options_per_token.append([[spec] for spec in specs])
        return [
            [spec for part in combination for spec in part]
            for combination in itertools.product(*options_per_token)
        ]


def lemma_table(nlp: Language) -> Table:
    """The pipeline's lemma lookup table, else spaCy's English one."""
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_lookup"):
            return lookups.get_table("lemma_lookup")
    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
