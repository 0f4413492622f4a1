"""Deterministic red-flag screen for every user message.

Signs and their phrasings live in `red_flag_phrases.yml`. A message is tokenised with spaCy,
misspelled sign words are corrected, and spaCy `Matcher`s find sign phrases on lemmas (or
exact lower-case forms). A match counts as a *reported* sign only when it is not negated
("no bleeding"), not about someone else ("my sister had contractions"), not hypothetical
("if I start bleeding") and not a general question ("is bleeding a warning sign?").
Hypothetical and question mentions, and explicit questions such as "when should I call my
midwife?", set `asks_about_warning_signs` instead.

Pure Python and spaCy: no Rasa import, so the action server, tests and the benchmark can use it.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import Matcher
from spacy.tokens import Doc

PHRASES_PATH = Path(__file__).with_name("red_flag_phrases.yml")

GAP_LENGTH = 4
NEGATION_WINDOW = 6
MIN_CORRECTION_LENGTH = 5

NEGATION_LEMMAS = frozenset({"no", "not", "never", "without", "none", "nor", "neither", "deny"})
# "not sure if", "no idea why", "not just": a negation word that does not negate what follows.
PSEUDO_NEGATION_NEXT = frozenset(
    {"sure", "certain", "just", "only", "matter", "idea", "know", "tell", "longer", "doubt"}
)
# Words that end a negation's reach ("no bleeding, but cramping", "no fever just an ache").
SCOPE_BREAK_LEMMAS = frozenset(
    {"but", "though", "although", "however", "whereas", "except", "apart", "just", "only",
     "otherwise", "yet", "still", "instead"}
)
# "and"/"so"... start a new clause when a subject follows ("no fever and I feel dizzy").
CLAUSE_JOINERS = frozenset({"and", "so", "because", "then", "now", "plus", "also", "cause", "as"})
SENTENCE_END = frozenset({".", "!", "?", "...", "…", "\n"})
GAP_STOP_LEMMAS = sorted(NEGATION_LEMMAS | SCOPE_BREAK_LEMMAS)

FIRST_PERSON = frozenset({"i", "me", "my", "myself", "we", "us", "our", "ours", "im", "ive"})
THIRD_PERSON = frozenset(
    {"she", "he", "they", "her", "his", "their", "him", "them", "hers", "you", "your",
     "sister", "sis", "mum", "mom", "mother", "friend", "husband", "partner", "wife", "cousin",
     "aunt", "auntie", "colleague", "neighbour", "neighbor", "daughter", "son", "toddler",
     "brother", "dad", "father", "boyfriend", "girlfriend", "someone", "somebody", "people",
     "women", "woman", "lady", "ladies", "everyone", "anyone", "mate", "mates", "nan", "gran",
     "grandma", "niece", "coworker", "boss", "sil", "bestie", "pal"}
)
SUBJECT_WORDS = FIRST_PERSON | THIRD_PERSON | {"it", "baby", "the", "this", "that"}
# Words that make a question without "I" still read as a report ("bleeding since today?",
# "are these contractions?").
REPORT_MARKERS = frozenset(
    {"today", "tonight", "yesterday", "now", "since", "currently", "still", "lately",
     "recently", "again", "this", "these"}
)
HYPOTHETICAL_LEMMAS = frozenset({"if", "unless", "whether", "incase"})
# "not sure if", "wondering if": "if" that introduces a real doubt, not a hypothesis.
DOUBT_BEFORE_IF = frozenset(
    {"sure", "know", "wonder", "wondering", "unsure", "certain", "tell", "ask", "asking", "check"}
)
QUESTION_STARTS = frozenset(
    {"is", "are", "am", "was", "were", "do", "does", "did", "can", "could", "should", "would",
     "will", "what", "when", "which", "how", "why", "where", "who", "any", "has", "shall"}
)
QUESTION_MATCH_KEY = "warning_sign_question"


class Urgency(str, enum.Enum):
    """How soon the person needs care."""

    EMERGENCY = "emergency"
    SEE_SOON = "see_soon"

    @property
    def rank(self) -> int:
        """Higher is more urgent."""
        return 2 if self is Urgency.EMERGENCY else 1


@dataclass(frozen=True)
class RedFlagSign:
    """One warning sign; `label` is the plain wording used in replies."""

    id: str
    label: str
    urgency: Urgency


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one message.

    `signs` are the reported signs, most urgent first; `sign_spans` holds the character span
    (start, end) in the screened text of the first report of each sign.
    """

    urgency: Urgency | None
    signs: tuple[RedFlagSign, ...]
    asks_about_warning_signs: bool
    sign_spans: tuple[tuple[int, int], ...] = ()

    @property
    def escalate(self) -> bool:
        """True when the message reports at least one warning sign."""
        return self.urgency is not None


@dataclass(frozen=True)
class _SignMatch:
    sign_id: str
    start: int
    end: int


class _SpellingCorrector:
    """Maps misspelled sign words to the keyword they were meant to be.

    Explicit misspellings first; otherwise a word of at least MIN_CORRECTION_LENGTH letters
    that is not a known English word is replaced by the keyword one edit away (two for
    keywords of 8+ letters), found through a symmetric single-deletion index.
    """

    def __init__(
        self, keywords: Iterable[str], is_known: Callable[[str], bool], explicit: dict[str, str]
    ) -> None:
        self._explicit = explicit
        self._is_known = is_known
        self._keywords = frozenset(w for w in keywords if len(w) >= MIN_CORRECTION_LENGTH)
        self._index: dict[str, set[str]] = {}
        for keyword in self._keywords:
            for variant in _deletions(keyword):
                self._index.setdefault(variant, set()).add(keyword)
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """The corrected word, or `word` itself."""
        if word in self._explicit:
            return self._explicit[word]
        if len(word) < MIN_CORRECTION_LENGTH or not word.isalpha() or word in self._keywords:
            return word
        cached = self._cache.get(word)
        if cached is None:
            cached = word if self._is_known(word) else self._nearest_keyword(word)
            self._cache[word] = cached
        return cached

    def _nearest_keyword(self, word: str) -> str:
        candidates: set[str] = set()
        for variant in _deletions(word):
            candidates |= self._index.get(variant, set())
        scored = sorted((_edit_distance(word, c), c) for c in candidates)
        if scored and scored[0][0] <= (1 if len(scored[0][1]) < 8 else 2):
            return scored[0][1]
        return word


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


class RedFlagDetector:
    """Finds warning signs a person reports about themselves in a message."""

    def __init__(self, nlp: Language | None = None, phrases_path: Path | None = None) -> None:
        if nlp is None:
            from backcare.spacy_pipeline import load_nlp

            nlp = load_nlp()
        self._nlp = nlp
        config = yaml.safe_load((phrases_path or PHRASES_PATH).read_text(encoding="utf-8"))
        self._lemma_table = _lemma_table(nlp)
        self._lemma_overrides: dict[str, str] = config.get("lemma_overrides") or {}
        self.signs: dict[str, RedFlagSign] = {
            entry["id"]: RedFlagSign(entry["id"], entry["label"], Urgency(entry["urgency"]))
            for entry in config["signs"]
        }
        self._sign_matcher = Matcher(nlp.vocab)
        self._except_matcher = Matcher(nlp.vocab)
        self._question_matcher = Matcher(nlp.vocab)
        keywords: set[str] = set()
        for entry in config["signs"]:
            self._add(self._sign_matcher, entry["id"], entry["phrases"], keywords)
            self._add(self._except_matcher, entry["id"], entry.get("except") or [], None)
        self._add(
            self._question_matcher, QUESTION_MATCH_KEY, config["warning_sign_questions"], None
        )
        explicit = config.get("misspellings") or {}
        keywords |= set(explicit.values())
        known_words = frozenset(self._lemma_table.values()) | frozenset(
            config.get("real_words") or []
        )
        self._corrector = _SpellingCorrector(
            keywords, lambda word: word in known_words or word in self._lemma_table, explicit
        )

    def screen(self, text: str) -> Screening:
        """Screen raw message text."""
        return self.screen_doc(self._nlp.make_doc(text))

    def screen_doc(self, doc: Doc) -> Screening:
        """Screen a message already tokenised by spaCy (for example by Rasa's SpacyNLP)."""
        tokens = [t for t in doc if _keeps(t)]
        words = [self._corrector.correct(_word(t)) for t in tokens]
        if not words:
            return Screening(None, (), False)
        work = Doc(self._nlp.vocab, words=words, lemmas=[self._lemma(w) for w in words])
        context = _Context(work)

        matches = self._sign_matches(work)
        excluded: dict[str, list[tuple[int, int]]] = {}
        if matches:
            for key, start, end in self._except_matcher(work):
                excluded.setdefault(self._nlp.vocab.strings[key], []).append((start, end))

        reported: dict[str, tuple[int, int]] = {}
        mentioned = False
        for match in matches:
            if match.sign_id in reported or _overlaps(match, excluded.get(match.sign_id, [])):
                continue
            if context.negated(match.start):
                continue
            if context.about_someone_else(match.start):
                mentioned |= context.sentence_is_question[match.start]
                continue
            if context.hypothetical(match.start) or context.general_question(match.start):
                mentioned = True
                continue
            reported[match.sign_id] = (match.start, match.end)

        asks = mentioned or bool(self._question_matcher(work))
        ordered = sorted(
            reported.items(), key=lambda item: (-self.signs[item[0]].urgency.rank, item[1][0])
        )
        signs = tuple(self.signs[sign_id] for sign_id, _ in ordered)
        spans = tuple(
            (tokens[start].idx, tokens[end - 1].idx + len(tokens[end - 1].text))
            for _, (start, end) in ordered
        )
        urgency = signs[0].urgency if signs else None
        return Screening(urgency, signs, asks, spans)

    def _sign_matches(self, doc: Doc) -> list[_SignMatch]:
        strings = self._nlp.vocab.strings
        return [
            _SignMatch(strings[key], start, end)
            for key, start, end in sorted(self._sign_matcher(doc), key=lambda m: (m[1], m[2]))
        ]

    def _lemma(self, word: str) -> str:
        return self._lemma_overrides.get(word) or self._lemma_table.get(word, word)

    def _add(
        self, matcher: Matcher, key: str, phrases: list[str], keywords: set[str] | None
    ) -> None:
        patterns: list[list[dict[str, Any]]] = []
        for phrase in phrases:
            patterns.extend(self._compile(phrase, keywords))
        matcher.add(key, patterns)

    def _compile(self, phrase: str, keywords: set[str] | None) -> list[list[dict[str, Any]]]:
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
                specs.append({"LEMMA": {"IN": sorted({self._lemma(w) for w in lemmas})}})
            if exact:
                specs.append({"LOWER": {"IN": exact}})
            if optional:
                specs = [dict(spec, OP="?") for spec in specs]
            options_per_token.append([[spec] for spec in specs])
        return [
            [spec for part in combination for spec in part]
            for combination in itertools.product(*options_per_token)
        ]


class _Context:
    """Clause, sentence and question structure of a working doc, for judging one match."""

    def __init__(self, doc: Doc) -> None:
        self._lower = [t.lower_ for t in doc]
        self._lemma = [t.lemma_ for t in doc]
        self.sentence_start: list[int] = []
        self.clause_start: list[int] = []
        sentence_start = clause_start = 0
        for i, lower in enumerate(self._lower):
            previous = self._lower[i - 1] if i else ""
            if previous in SENTENCE_END:
                sentence_start = clause_start = i
            elif i and doc[i - 1].is_punct or self._lemma[i] in SCOPE_BREAK_LEMMAS or (
                lower in CLAUSE_JOINERS
                and i + 1 < len(doc)
                and self._lower[i + 1] in SUBJECT_WORDS
            ):
                clause_start = i
            self.sentence_start.append(sentence_start)
            self.clause_start.append(clause_start)
        question_by_sentence: dict[int, bool] = {}
        for i, start in enumerate(self.sentence_start):
            ends_sentence = i + 1 == len(doc) or self.sentence_start[i + 1] != start
            if ends_sentence:
                question_by_sentence[start] = (
                    self._lower[i] == "?" or "?" in self._lower[start : i + 1]
                    or self._lower[start] in QUESTION_STARTS
                )
        self.sentence_is_question = [question_by_sentence[s] for s in self.sentence_start]

    def negated(self, start: int) -> bool:
        """A negation word shortly before `start` in the same clause."""
        lowest = max(self.clause_start[start], start - NEGATION_WINDOW)
        for i in range(start - 1, lowest - 1, -1):
            if self._lemma[i] in NEGATION_LEMMAS and not self._pseudo_negation(i):
                return True
            if self._lemma[i] == "free" and i + 1 < start and self._lower[i + 1] == "of":
                return True
        return False

    def _pseudo_negation(self, i: int) -> bool:
        following = self._lower[i + 1] if i + 1 < len(self._lower) else ""
        if following in PSEUDO_NEGATION_NEXT:
            return True
        # "No I'm bleeding": an answer, not a negation of what follows.
        at_sentence_start = self.sentence_start[i] == i
        return at_sentence_start and self._lower[i] == "no" and following in FIRST_PERSON

    def about_someone_else(self, start: int) -> bool:
        """The nearest person word before the match in the sentence is not the speaker."""
        for i in range(start - 1, self.sentence_start[start] - 1, -1):
            if self._lower[i] in FIRST_PERSON:
                return False
            if self._lower[i] in THIRD_PERSON:
                return True
        return False

    def hypothetical(self, start: int) -> bool:
        """An "if" / "in case" / "what if" before the match in the same clause."""
        for i in range(start - 1, self.clause_start[start] - 1, -1):
            if self._lemma[i] in HYPOTHETICAL_LEMMAS:
                before = self._lower[i - 1] if i else ""
                return before not in DOUBT_BEFORE_IF
            if self._lower[i] == "case" and i and self._lower[i - 1] == "in":
                return True
        return False

    def general_question(self, start: int) -> bool:
        """A question whose clause has no first-person or report word ("is bleeding normal?")."""
        if not self.sentence_is_question[start]:
            return False
        clause = range(self.clause_start[start], self._clause_end(start))
        return not any(
            self._lower[i] in FIRST_PERSON or self._lower[i] in REPORT_MARKERS for i in clause
        )

    def _clause_end(self, start: int) -> int:
        end = start
        while end < len(self._lower) and self.clause_start[end] == self.clause_start[start]:
            end += 1
        return end


def _keeps(token: Any) -> bool:
    """Drop spaces (except line breaks) and hyphens inside words ("light-headed")."""
    if token.is_space:
        return "\n" in token.text
    if token.text == "-" and token.i > 0:
        return bool(token.nbor(-1).whitespace_) or token.whitespace_ != ""
    return True


def _word(token: Any) -> str:
    return "\n" if token.is_space else token.lower_


def _overlaps(match: _SignMatch, spans: list[tuple[int, int]]) -> bool:
    return any(start < match.end and match.start < end for start, end in spans)


def _lemma_table(nlp: Language) -> Any:
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_lookup"):
            return lookups.get_table("lemma_lookup")
    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


@lru_cache(maxsize=1)
def default_detector() -> RedFlagDetector:
    """The shared detector built from the packaged phrase list."""
    return RedFlagDetector()
