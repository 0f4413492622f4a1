"""Deterministic red-flag screen for every user message.

Signs and their phrasings live in `red_flag_phrases.yml` (read by red_flag_signs.py). A message
is tokenised with spaCy, misspelled sign words are corrected (spelling.py), and spaCy `Matcher`s
find sign phrases on lemmas or exact lower-case forms (red_flag_patterns.py). A match counts as
a *reported* sign only when it is not negated ("no bleeding"), not hypothetical ("if I start
bleeding") and not a general question ("is bleeding a warning sign?") (red_flag_context.py),
not about someone else ("my sister had contractions", red_flag_person.py), current
(red_flag_time.py) and not already explained by a clinician (red_flag_explained.py).
Hypothetical and question mentions, and explicit questions such as "when should I call my
midwife?", set `asks_about_warning_signs` instead; a question whether the writer's own
situation is worrying ("should I be worried?") sets it too, and `asks_whether_to_worry`, so a
message that also states its stage or area can be answered as the report it is. Someone else's
sign told in a curiosity question ("my mum had sciatica, will I get it too?") asks nothing.
The levels of the reported signs are then calibrated to the whole message
(red_flag_calibration.py).

Pure Python and spaCy: no Rasa import, so the action server, tests and the benchmark can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from backcare.other_medical import mentions_other_medical
from backcare.red_flag_calibration import BLEEDING, MessageFacts, calibrate
from backcare.red_flag_context import MessageContext
from backcare.red_flag_explained import explained, explained_sentences
from backcare.red_flag_patterns import AnchoredMatcher, PatternCompiler
from backcare.red_flag_person import about_someone_else, writes_on_behalf
from backcare.red_flag_signs import PHRASES_PATH, RedFlagSign, read_phrase_book
from backcare.red_flag_time import maybe_over, not_current
from backcare.spelling import SpellingCorrector
from backcare.urgency import Urgency

QUESTION_MATCH_KEY = "warning_sign_question"
WORRY_MATCH_KEY = "worry_question"
CURIOSITY_MATCH_KEY = "curiosity_question"
# A concept (a body, fluid or baby term with a change or state term) fires when its two parts
# stand in one sentence at most this many words apart, in either order.
CONCEPT_WINDOW = 12
QUOTES = frozenset({"'", '"', "‘", "’", "“", "”", "`"})


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one message.

    `signs` are the reported signs that escalate, most urgent first; `sign_spans` holds the
    character span (start, end) in the screened text of the first report of each sign.
    `routine_signs` are reported signs of the routine level (no escalation). `check` names
    the one question that would refine an escalation: "happening_now" when a sign may be over,
    "bleeding_amount" when the level of a bleed depends on how heavy it is.
    `asks_whether_to_worry`: the only warning-sign question is whether the writer's own
    situation is worrying ("should I be worried?"), not a request for the list.
    """

    urgency: Urgency | None
    signs: tuple[RedFlagSign, ...]
    asks_about_warning_signs: bool
    sign_spans: tuple[tuple[int, int], ...] = ()
    routine_signs: tuple[RedFlagSign, ...] = ()
    check: str | None = None
    asks_whether_to_worry: bool = False

    @property
    def escalate(self) -> bool:
        """True when the message reports at least one warning sign."""
        return self.urgency is not None


@dataclass(frozen=True)
class _SignMatch:
    """A sign found at tokens [start, end); for a message concept, `lead` is the span of its
    first part, elsewhere in the message, which must be neither excepted, past nor someone
    else's either."""

    sign_id: str
    start: int
    end: int
    lead: tuple[int, int] | None = None

    def spans(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)] + ([self.lead] if self.lead else [])


class RedFlagDetector:
    """Finds warning signs a person reports about themselves in a message."""

    def __init__(self, nlp: Language | None = None, phrases_path: Path = PHRASES_PATH) -> None:
        if nlp is None:
            from backcare.spacy_pipeline import load_nlp

            nlp = load_nlp()
        self._nlp = nlp
        book = read_phrase_book(phrases_path)
        self._patterns = PatternCompiler(nlp, book.lemma_overrides)
        self._entries = {entry.sign.id: entry for entry in book.signs}
        self.signs: dict[str, RedFlagSign] = {entry.sign.id: entry.sign for entry in book.signs}
        self._sign_matcher = AnchoredMatcher(nlp.vocab)
        self._concept_matcher = AnchoredMatcher(nlp.vocab)
        # (sign id, part-a key, part-b key, whether the parts may stand anywhere in the message)
        self._concepts: list[tuple[str, str, str, bool]] = []
        self._except_matcher = AnchoredMatcher(nlp.vocab)
        self._question_matcher = AnchoredMatcher(nlp.vocab)
        self._worry_matcher = AnchoredMatcher(nlp.vocab)
        self._curiosity_matcher = AnchoredMatcher(nlp.vocab)
        keywords: set[str] = set()
        for entry in book.signs:
            sign_id = entry.sign.id
            self._patterns.add(self._sign_matcher, sign_id, list(entry.phrases), keywords)
            self._patterns.add(self._except_matcher, sign_id, list(entry.exceptions), None)
            concepts = [(parts, False) for parts in entry.concepts]
            concepts += [(parts, True) for parts in entry.message_concepts]
            for number, (parts, whole_message) in enumerate(concepts):
                keys = (f"{sign_id}#{number}a", f"{sign_id}#{number}b")
                for key, part in zip(keys, parts, strict=True):
                    self._patterns.add(self._concept_matcher, key, list(part), keywords)
                self._concepts.append((sign_id, *keys, whole_message))
        self._patterns.add(
            self._question_matcher, QUESTION_MATCH_KEY, list(book.warning_sign_questions), None
        )
        self._patterns.add(self._worry_matcher, WORRY_MATCH_KEY, list(book.worry_questions), None)
        self._patterns.add(
            self._curiosity_matcher, CURIOSITY_MATCH_KEY, list(book.curiosity_questions), None
        )
        keywords |= set(book.misspellings.values())
        table = self._patterns.lemma_table
        known_words = frozenset(table.values()) | book.real_words
        self.corrector = SpellingCorrector(
            keywords, lambda word: word in known_words or word in table, book.misspellings
        )

    def screen(self, text: str) -> Screening:
        """Screen raw message text."""
        return self.screen_doc(self._nlp.make_doc(text))

    def screen_doc(self, doc: Doc) -> Screening:
        """Screen a message already tokenised by spaCy (for example by Rasa's SpacyNLP)."""
        tokens = [t for t in doc if _keeps(t)]
        words = [self.corrector.correct(_word(t)) for t in tokens]
        if not words:
            return Screening(None, (), False)
        lemmas = [self._patterns.lemma(w) for w in words]
        work = Doc(self._nlp.vocab, words=words, lemmas=lemmas)
        context = MessageContext(work)

        matches = self._sign_matches(work) + self._concept_matches(work, context)
        matches.sort(key=lambda match: (match.start, match.end))
        excluded: dict[str, list[tuple[int, int]]] = {}
        if matches:
            for key, start, end in self._except_matcher(work):
                excluded.setdefault(self._nlp.vocab.strings[key], []).append((start, end))
        on_behalf = writes_on_behalf(context.text)
        explanations = explained_sentences(context)
        curious = {context.sentence_start[start] for _, start, _ in self._curiosity_matcher(work)}

        reported: dict[str, tuple[int, int]] = {}
        time_unclear: set[str] = set()
        mentioned = False
        for match in matches:
            if match.sign_id in reported or _overlaps(match, excluded.get(match.sign_id, [])):
                continue
            entry = self._entries[match.sign_id]
            urgent = entry.sign.urgency is Urgency.EMERGENCY
            if context.negated(match.start) or any(
                not_current(context, start, urgent) or explained(context, explanations, start)
                for start, _ in match.spans()
            ):
                continue
            # a message concept's first part may stand in a question about others ("anyone
            # else's scar oozing? mine's ... pink and warm"): then only the report counts
            judged = [
                (start, end)
                for start, end in match.spans()
                if (start, end) == (match.start, match.end)
                or not context.sentence_is_question[start]
            ]
            if any(
                about_someone_else(
                    context,
                    start,
                    end,
                    on_behalf,
                    objects_me=entry.writer_may_be_object,
                    pronouns_are_baby=entry.pronouns_mean_baby,
                )
                for start, end in judged
            ):
                # "my mum had terrible sciatica, will I get it too?" is curiosity, not a request
                # for the warning list
                mentioned |= (
                    context.sentence_is_question[match.start]
                    and context.sentence_start[match.start] not in curious
                )
                continue
            if context.hypothetical(match.start) or context.general_question(match.start):
                mentioned = True
                continue
            reported[match.sign_id] = (match.start, match.end)
            if not entry.event and maybe_over(context, match.start, match.end):
                time_unclear.add(match.sign_id)

        # "does heartburn count as something to see someone about?" is not about warning signs
        other_condition = mentions_other_medical(" ".join(words)) and not reported
        wants_list = mentioned or bool(self._question_matcher(work))
        worries = not wants_list and bool(self._worry_matcher(work))
        asks = (wants_list or worries) and not other_condition
        if not reported:
            return Screening(None, (), asks, asks_whether_to_worry=asks and worries)
        facts = MessageFacts.of(doc.text)
        levels = calibrate({sign_id: self.signs[sign_id].urgency for sign_id in reported}, facts)
        ordered = sorted(
            ((sign_id, span) for sign_id, span in reported.items() if sign_id in levels),
            key=lambda item: (-levels[item[0]].rank, item[1][0]),
        )
        signs = tuple(
            self._at_level(sign_id, levels[sign_id])
            for sign_id, _ in ordered
            if levels[sign_id].escalates
        )
        spans = tuple(
            (tokens[start].idx, tokens[end - 1].idx + len(tokens[end - 1].text))
            for sign_id, (start, end) in ordered
            if levels[sign_id].escalates
        )
        routine = tuple(
            self._at_level(sign_id, Urgency.ROUTINE)
            for sign_id, _ in ordered
            if not levels[sign_id].escalates
        )
        urgency = signs[0].urgency if signs else None
        check = None
        if urgency is not None:
            if any(sign.id in time_unclear for sign in signs):
                check = "happening_now"
            elif levels.get(BLEEDING) is Urgency.EMERGENCY and facts.bleeding_amount_matters:
                check = "bleeding_amount"
        return Screening(urgency, signs, asks, spans, routine, check, asks and worries)

    def _at_level(self, sign_id: str, urgency: Urgency) -> RedFlagSign:
        sign = self.signs[sign_id]
        return sign if sign.urgency is urgency else RedFlagSign(sign.id, sign.label, urgency)

    def _concept_matches(self, doc: Doc, context: MessageContext) -> list[_SignMatch]:
        """Both parts of a concept in one sentence, close together, neither part negated; for
        a message concept, both parts anywhere in the message, and the sign is judged where
        its second part stands ("my back comes and goes. maybe every 10 mins")."""
        if not self._concepts:
            return []
        strings = self._nlp.vocab.strings
        spans: dict[str, list[tuple[int, int]]] = {}
        for key, start, end in self._concept_matcher(doc):
            spans.setdefault(strings[key], []).append((start, end))
        found = []
        for sign_id, key_a, key_b, whole_message in self._concepts:
            for a_start, a_end in spans.get(key_a, []):
                for b_start, b_end in spans.get(key_b, []):
                    if whole_message:
                        if not (context.negated(a_start) or context.negated(b_start)):
                            found.append(_SignMatch(sign_id, b_start, b_end, (a_start, a_end)))
                        continue
                    start, end = min(a_start, b_start), max(a_end, b_end)
                    gap = max(a_start, b_start) - min(a_end, b_end)
                    # a part is not negated by a negation inside the other part ("could n't
                    # hold my bowels": the "n't" belongs to the sign)
                    if (
                        gap <= CONCEPT_WINDOW
                        and context.sentence_start[start] == context.sentence_start[end - 1]
                        and not context.negated(a_start, after=b_end if b_end <= a_start else 0)
                        and not context.negated(b_start, after=a_end if a_end <= b_start else 0)
                    ):
                        found.append(_SignMatch(sign_id, start, end))
        return found

    def _sign_matches(self, doc: Doc) -> list[_SignMatch]:
        strings = self._nlp.vocab.strings
        return [
            _SignMatch(strings[key], start, end)
            for key, start, end in sorted(self._sign_matcher(doc), key=lambda m: (m[1], m[2]))
        ]


def _keeps(token: Any) -> bool:
    """Drop spaces (except line breaks) and hyphens inside words ("light-headed")."""
    if token.is_space:
        return "\n" in token.text
    if token.text in QUOTES:
        return False
    if token.text == "-" and token.i > 0:
        return bool(token.nbor(-1).whitespace_) or token.whitespace_ != ""
    return True


def _word(token: Any) -> str:
    return "\n" if token.is_space else token.lower_


def _overlaps(match: _SignMatch, spans: list[tuple[int, int]]) -> bool:
    return any(
        start < match_end and match_start < end
        for match_start, match_end in match.spans()
        for start, end in spans
    )


@lru_cache(maxsize=1)
def default_detector() -> RedFlagDetector:
    """The shared detector built from the packaged phrase list."""
    return RedFlagDetector()
