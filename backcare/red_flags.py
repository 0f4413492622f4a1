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

import bisect
import itertools
import re
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

from backcare.other_medical import mentions_other_medical
from backcare.red_flag_calibration import BLEEDING, MessageFacts, calibrate
from backcare.text import edit_distance
from backcare.urgency import Urgency

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
    {
        "but",
        "though",
        "although",
        "however",
        "whereas",
        "except",
        "apart",
        "just",
        "only",
        "otherwise",
        "yet",
        "still",
        "instead",
    }
)
# "and"/"so"... start a new clause when a subject follows ("no fever and I feel dizzy").
CLAUSE_JOINERS = frozenset({"and", "so", "because", "then", "now", "plus", "also", "cause", "as"})
# Signs about the baby, where "she" and "he" usually mean the baby.
BABY_SIGNS = frozenset({"reduced_fetal_movement"})
PRONOUNS = frozenset({"she", "he", "her", "him", "they", "them", "hers", "his", "their"})
# Signs where the writer is often the object ("someone ran into the back of us").
OBJECT_SIGNS = frozenset({"pain_after_fall"})
# Signs that are events ("I fainted", "I fell"): asking "is this happening now?" makes no sense.
EVENT_SIGNS = frozenset({"fainting", "pain_after_fall", "coughing_blood"})
QUOTES = frozenset({"'", '"', "‘", "’", "“", "”", "`"})
SENTENCE_END = frozenset({".", "!", "?", "...", "…", "\n"})
# A gap inside a pattern never crosses a negation or a "but" ("swollen but not red"); it may
# cross "just" or "still" ("scar is still oozing").
GAP_STOP_LEMMAS = sorted(
    NEGATION_LEMMAS | {"but", "though", "although", "however", "whereas", "except", "otherwise"}
)
# A concept (a body, fluid or baby term with a change or state term) fires when its two parts
# stand in one sentence at most this many words apart, in either order.
CONCEPT_WINDOW = 12

FIRST_PERSON = frozenset(
    {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "im", "ive"}
)
POSSESSIVES = frozenset({"my", "our"})
FIRST_PERSON_SUBJECTS = frozenset({"i", "im", "ive", "me", "we", "us", "myself"})
MINE_AS_SUBJECT = frozenset({"'s", "is", "has", "was", "feels", "looks", "'ve", "been"})
THIRD_PERSON = frozenset(
    {
        "she",
        "he",
        "they",
        "her",
        "his",
        "their",
        "him",
        "them",
        "hers",
        "sister",
        "sis",
        "mum",
        "mom",
        "mother",
        "friend",
        "husband",
        "partner",
        "wife",
        "cousin",
        "aunt",
        "auntie",
        "colleague",
        "neighbour",
        "neighbor",
        "daughter",
        "son",
        "toddler",
        "brother",
        "dad",
        "father",
        "boyfriend",
        "girlfriend",
        "someone",
        "somebody",
        "people",
        "women",
        "woman",
        "lady",
        "ladies",
        "everyone",
        "anyone",
        "mate",
        "mates",
        "nan",
        "gran",
        "grandma",
        "niece",
        "coworker",
        "boss",
        "sil",
        "bestie",
        "pal",
    }
)
SUBJECT_WORDS = FIRST_PERSON | THIRD_PERSON | {"it", "baby", "the", "this", "that", "you"}
# Other adults whose symptoms a writer reports (never the writer's children).
ADULT_OTHERS = THIRD_PERSON - {
    "daughter", "son", "toddler", "him", "his", "he", "them", "their", "they", "people",
    "everyone", "anyone", "someone", "somebody",
}  # fmt: skip
# Words that make a question without "I" still read as a report ("bleeding since today?",
# "are these contractions?").
REPORT_MARKERS = frozenset(
    {
        "today",
        "tonight",
        "yesterday",
        "now",
        "since",
        "currently",
        "still",
        "lately",
        "recently",
        "again",
        "this",
        "these",
    }
)
HYPOTHETICAL_LEMMAS = frozenset({"if", "unless", "whether", "incase"})
# "not sure if", "wondering if": "if" that introduces a real doubt, not a hypothesis.
DOUBT_BEFORE_IF = frozenset(
    {"sure", "know", "wonder", "wondering", "unsure", "certain", "tell", "ask", "asking", "check"}
)
QUESTION_STARTS = frozenset(
    {
        "is",
        "are",
        "am",
        "was",
        "were",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "will",
        "what",
        "when",
        "which",
        "how",
        "why",
        "where",
        "who",
        "any",
        "has",
        "shall",
    }
)
QUESTION_MATCH_KEY = "warning_sign_question"

# Time: a sign from a previous pregnancy, or one clearly in the past and over, is not a report.
PREVIOUS_PREGNANCY = re.compile(
    r"\b(?:last|previous|prior|other|1st|first|earlier) (?:pregnancy|pregnancies|time round"
    r"|time around|birth|labou?r|delivery)\b|\bwith (?:my|our) (?:first|1st|eldest|older|oldest"
    r"|other|last|son|daughter|dd\d?|ds\d?|dc\d|toddler|big boy|big girl)\b|\bwith #?1\b"
    r"|\bafter (?:my|our) (?:first|1st|eldest|older|last)\b|\bmy first (?:was|baby)\b"
    r"|\bfirst time (?:round|around)\b|\blast time\b|\byears? ago\b"
    r"|\bwhen i was pregnant with\b|\bpregnant with (?:my )?(?:dd|ds|first|son|daughter|eldest)\b"
)
RESOLVED = re.compile(
    r"\b(?:fine|ok|okay|good|normal|perfect|well|nothing) (?:since|ever since|after that|now)\b"
    r"|\b(?:stopped|settled|cleared|resolved|went away|gone away|gone now|it passed|has passed"
    r"|sorted"
    r"|since then|no more|never came back|nothing since|all clear|all fine|all good"
    r"|recovered|healed|better now|was gone|were gone|gone in|cleared in|went in)\b"
    r"|\bscans? (?:were|was|are|have been|all)? ?(?:fine|ok|okay|normal|good|perfect|clear)\b"
)
PAST_TIME = re.compile(
    r"\b(?:had|was|were|did|got|used to|early on|back then|back in|once"
    r"|at (?:about |around |roughly )?\d+ ?(?:weeks?|wks?|w)|in (?:my|the) first (?:tri|trimester)"
    r"|weeks ago|months ago|last (?:week|month)"
    r"|a while ago|when i was)\b"
)
ANSWER_STOPPED = re.compile(
    r"\b(?:stopped|settled|cleared|gone|went away|passed|over|finished|not happening|no more"
    r"|any ?more|ages ago|weeks ago|days ago|a while ago|last week|back in|was before|fine now"
    r"|one off|was a one)\b"
)
# Words that place a sign now or very recently.
_RECENT = (
    r"today|tonight|this (?:morning|afternoon|evening)|last night|yesterday|right now|now"
    r"|just now|an? (?:hour|few hours) ago|again|still|currently"
)
RECENT_TIME = re.compile(rf"\b(?:{_RECENT}|just|since this|keeps?)\b")
# "Is a bit of blood normal at 22 weeks? It's pinkish and there's a little cramp": a general
# question followed by a sentence about it happening now is a report.
FOLLOW_UP_REPORT = re.compile(rf"\b(?:{_RECENT}|since|it 's|its|it is|there 's|theres|there is)\b")
# "it had almost stopped, but since yesterday it's bright red again": no longer over.
STARTED_AGAIN = re.compile(r"\bagain\b|\bbut (?:now|since|today|tonight|this)\b")
PAST_REPORT = re.compile(r"\b(?:had|was|were|did|got|noticed|bled|felt)\b")
SOMETHING_NEW = re.compile(r"\bbut\b.*\b(?:now|today|yesterday|started|new|this|since)\b")
# A question with specifics ("contractions every 10 min at 30 wks??") is a report.
SPECIFICS = re.compile(r"\bevery \d+|\b\d+ ?(?:mins?|minutes|hours?|hrs?)\b|\btwice\b|\bsince\b")
# A symptom the person's midwife or doctor has checked and explained.
EXPLAINED = re.compile(
    r"(?:\b(?:midwife|midwives|mw|ob|obgyn|doctor|doc|dr|gp|consultant|physio|pt|nurse|triage"
    r"|hospital|they|health visitor|hv|l&d|l & d|labour ward|a&e|er)\b[^.!?]{0,40}"
    r"\b(?:said|says|told|check|checked|reckons|thinks|confirmed|reassured|diagnosed|explained"
    r"|put it down|scanned|examined|looked at|tested|had a look|had a feel|monitored|traced)\b"
    r"|\b(?:got|was|been|went|get)\s+(?:checked|seen|scanned|monitored|examined)\b)"
    r"[^.!?]{0,90}\b(?:just|normal|fine|nothing|only|common|round|to wait|ligament|braxton|bh"
    r"|spd|pgp|sciatica|carpal|hormones?|relaxin|expected|harmless|benign|meralgia|not serious"
    r"|nothing to worry|to worry about|no clot|ruled out|all clear|nothing wrong|perfect|healthy"
    r"|all good|all ok|ok|okay)\b"
)
# A partner, parent, sister or friend writing on behalf of the pregnant or recently delivered
# person: her symptoms are the report ("my wife is 34 weeks and she's bleeding").
ON_BEHALF = re.compile(
    r"\b(?:wife|partner|girlfriend|gf|fiancee|fiancée|fiance|daughter|sister|friend|missus"
    r"|other half|dp|dw|sil|she|her)\b[^.!?]{0,25}\b(?:is|'s|s|who'?s|who is|currently|just)"
    r"\b[^.!?]{0,12}\b(?:pregnant|expecting|\d+ ?(?:weeks?|wks?|w|months?|\+ ?\d)|due|postpartum|pp"
    r"|had (?:a|the|our|her) baby|gave birth|given birth|in (?:her|the) (?:\w+ )?trimester)"
    r"|\b(?:wife|partner|girlfriend|gf|fiancee|fiancée|daughter|sister|dp|dw|missus)\b"
    r"[^.!?]{0,20}\b(?:gave birth|given birth|delivered|had (?:a|the|our|her|an) "
    r"(?:\w+ )?(?:baby|son|daughter|section|c section|caesarean|cesarean|twins|lo|birth))\b"
    r"|\b(?:for|on behalf of) my (?:wife|partner|girlfriend|daughter|sister|friend|fiancee)\b"
    r"|\bour (?:baby|bump|lo|little one|son|daughter)\b|\bwe(?:'re| are) (?:\d+|expecting)"
    r"|\b(?:wife|partner|girlfriend|gf|fiancee|daughter|sister|dp|dw|missus)\W{1,3}\d+"
    r"\s*(?:weeks?|wks?|w|\+\d)"
)
ON_BEHALF_PERSON = frozenset(
    {
        "she",
        "her",
        "hers",
        "wife",
        "partner",
        "girlfriend",
        "gf",
        "fiancee",
        "daughter",
        "sister",
        "friend",
        "missus",
        "dp",
        "dw",
        "sil",
        "we",
        "us",
        "our",
    }
)


@dataclass(frozen=True)
class RedFlagSign:
    """One warning sign; `label` is the plain wording used in replies."""

    id: str
    label: str
    urgency: Urgency


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one message.

    `signs` are the reported signs that escalate, most urgent first; `sign_spans` holds the
    character span (start, end) in the screened text of the first report of each sign.
    `routine_signs` are reported signs of the routine level (no escalation). `check` names
    the one question that would refine an escalation: "happening_now" when a sign may be over,
    "bleeding_amount" when the level of a bleed depends on how heavy it is.
    """

    urgency: Urgency | None
    signs: tuple[RedFlagSign, ...]
    asks_about_warning_signs: bool
    sign_spans: tuple[tuple[int, int], ...] = ()
    routine_signs: tuple[RedFlagSign, ...] = ()
    check: str | None = None

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
        scored = sorted((edit_distance(word, c), c) for c in candidates)
        if scored and scored[0][0] <= (1 if len(scored[0][1]) < 8 else 2):
            return scored[0][1]
        return word


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


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
        self._concept_matcher = Matcher(nlp.vocab)
        self._concepts: list[tuple[str, str, str]] = []  # (sign id, part-a key, part-b key)
        self._except_matcher = Matcher(nlp.vocab)
        self._question_matcher = Matcher(nlp.vocab)
        keywords: set[str] = set()
        for entry in config["signs"]:
            self._add(self._sign_matcher, entry["id"], entry.get("phrases") or [], keywords)
            self._add(self._except_matcher, entry["id"], entry.get("except") or [], None)
            for number, (part_a, part_b) in enumerate(entry.get("concepts") or []):
                keys = (f"{entry['id']}#{number}a", f"{entry['id']}#{number}b")
                for key, part in zip(keys, (part_a, part_b), strict=True):
                    phrases = [part] if isinstance(part, str) else list(part)
                    self._add(self._concept_matcher, key, phrases, keywords)
                self._concepts.append((entry["id"], *keys))
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

        matches = self._sign_matches(work) + self._concept_matches(work, context)
        matches.sort(key=lambda match: (match.start, match.end))
        excluded: dict[str, list[tuple[int, int]]] = {}
        if matches:
            for key, start, end in self._except_matcher(work):
                excluded.setdefault(self._nlp.vocab.strings[key], []).append((start, end))

        reported: dict[str, tuple[int, int]] = {}
        time_unclear: set[str] = set()
        mentioned = False
        for match in matches:
            if match.sign_id in reported or _overlaps(match, excluded.get(match.sign_id, [])):
                continue
            if (
                context.negated(match.start)
                or context.not_current(
                    match.start, self.signs[match.sign_id].urgency is Urgency.EMERGENCY
                )
                or context.explained(match.start)
            ):
                continue
            if context.about_someone_else(
                match.start,
                match.end,
                objects_me=match.sign_id in OBJECT_SIGNS,
                pronouns_are_baby=match.sign_id in BABY_SIGNS,
            ):
                mentioned |= context.sentence_is_question[match.start]
                continue
            if context.hypothetical(match.start) or context.general_question(match.start):
                mentioned = True
                continue
            reported[match.sign_id] = (match.start, match.end)
            if match.sign_id not in EVENT_SIGNS and context.maybe_over(match.start, match.end):
                time_unclear.add(match.sign_id)

        # "does heartburn count as something to see someone about?" is not about warning signs
        other_condition = mentions_other_medical(" ".join(words)) and not reported
        asks = (mentioned or bool(self._question_matcher(work))) and not other_condition
        if not reported:
            return Screening(None, (), asks)
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
        return Screening(urgency, signs, asks, spans, routine, check)

    def _at_level(self, sign_id: str, urgency: Urgency) -> RedFlagSign:
        sign = self.signs[sign_id]
        return sign if sign.urgency is urgency else RedFlagSign(sign.id, sign.label, urgency)

    def _concept_matches(self, doc: Doc, context: _Context) -> list[_SignMatch]:
        """Both parts of a concept in one sentence, close together, neither part negated."""
        if not self._concepts:
            return []
        strings = self._nlp.vocab.strings
        spans: dict[str, list[tuple[int, int]]] = {}
        for key, start, end in self._concept_matcher(doc):
            spans.setdefault(strings[key], []).append((start, end))
        found = []
        for sign_id, key_a, key_b in self._concepts:
            for a_start, a_end in spans.get(key_a, []):
                for b_start, b_end in spans.get(key_b, []):
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
            elif (
                i
                and doc[i - 1].is_punct
                or self._lemma[i] in SCOPE_BREAK_LEMMAS
                or (
                    lower in CLAUSE_JOINERS
                    and i + 1 < len(doc)
                    and self._lower[i + 1] in SUBJECT_WORDS
                )
            ):
                clause_start = i
            self.sentence_start.append(sentence_start)
            self.clause_start.append(clause_start)
        question_by_sentence: dict[int, bool] = {}
        for i, start in enumerate(self.sentence_start):
            ends_sentence = i + 1 == len(doc) or self.sentence_start[i + 1] != start
            if ends_sentence:
                question_by_sentence[start] = (
                    self._lower[i] == "?"
                    or "?" in self._lower[start : i + 1]
                    or self._lower[start] in QUESTION_STARTS
                )
        self.sentence_is_question = [question_by_sentence[s] for s in self.sentence_start]
        text = " ".join(self._lower)
        self._on_behalf = bool(ON_BEHALF.search(text))
        sentence_starts = sorted(set(self.sentence_start))
        self._sentence_number = [sentence_starts.index(start) for start in self.sentence_start]
        offsets = list(itertools.accumulate((len(word) + 1 for word in self._lower), initial=0))
        # an explanation followed by "but this leg thing started yesterday" explains something
        # else
        self._explained_sentences = {
            self._sentence_number[bisect.bisect_right(offsets, match.start()) - 1]
            for match in EXPLAINED.finditer(text)
            if not SOMETHING_NEW.search(re.split(r" [.!?] ", text[match.end() :])[0])
        }

    def explained(self, start: int) -> bool:
        """A clinician has checked and explained it, in the same or the next sentence ("went in
        because my leg was swollen, they scanned it, no clot")."""
        number = self._sentence_number[start]
        return bool({number, number + 1} & self._explained_sentences)

    def _sentence(self, index: int) -> tuple[str, str]:
        """The words of the sentence up to `index`, and from `index` to the end of the next
        sentence."""
        start = self.sentence_start[index]
        end, sentences = index, 0
        while end < len(self._lower) and sentences < 2:
            if (
                end + 1 < len(self._lower)
                and self.sentence_start[end + 1] != self.sentence_start[end]
            ):
                sentences += 1
            end += 1
        return " ".join(self._lower[start:index]), " ".join(self._lower[index:end])

    def not_current(self, start: int, urgent: bool) -> bool:
        """From a previous pregnancy, or clearly past and over ("had spotting early on, all
        scans fine since"). For an emergency sign a recent time word ("this morning", "again")
        keeps it current even when it has stopped: then the screen asks if it still is."""
        before, after = self._sentence(start)
        end = self._clause_end(start)
        clause = " ".join(self._lower[self.clause_start[start] : end])
        if urgent and RECENT_TIME.search(clause):
            return False
        sentence = f"{before} {re.split(r' [.!?] ', after)[0]}"
        previous = PREVIOUS_PREGNANCY.search(sentence)
        if previous and not sentence[: previous.start()].endswith(("since my ", "since the ")):
            return True
        resolved = next(
            (
                match
                for match in RESOLVED.finditer(after)
                if not re.search(r"\b(?:not|n't|never|nt)\s+(?:\w+\s+)?$", after[: match.start()])
            ),
            None,
        )
        if not resolved or STARTED_AGAIN.search(after[resolved.end() :]):
            return False
        return bool(PAST_TIME.search(before + " " + clause))

    def negated(self, start: int, after: int = 0) -> bool:
        """A negation word shortly before `start` in the same clause (and at or after `after`)."""
        lowest = max(self.clause_start[start], start - NEGATION_WINDOW, after)
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

    def maybe_over(self, start: int, end: int) -> bool:
        """Told in the past tense with no word saying it is still going on ("I had some
        bleeding at 8 weeks"): the screen escalates and asks whether it is happening now."""
        clause = " ".join(self._lower[self.clause_start[start] : end])
        before, after = self._sentence(start)
        sentence = f"{before} {re.split(r' [.!?] ', after)[0]}"
        return bool(PAST_REPORT.search(clause)) and not RECENT_TIME.search(sentence)

    def about_someone_else(
        self, start: int, end: int, objects_me: bool = False, pronouns_are_baby: bool = False
    ) -> bool:
        """The nearest person word before the match in its clause is not the speaker (nor,
        when someone writes on her behalf, the pregnant or recently delivered person). For
        signs where the writer is the object (`objects_me`: "ran into the back of us"), a
        first-person word in or just after the match makes it the writer's; for signs about
        the baby (`pronouns_are_baby`: "she's only kicked twice") "she" and "he" are the baby."""
        if objects_me:
            after = self._lower[end : min(end + 3, self._clause_end(start))]
            if any(word in FIRST_PERSON for word in self._lower[start:end] + after):
                return False
        for i in range(start - 1, self.clause_start[start] - 1, -1):
            word = self._lower[i]
            if word in POSSESSIVES and i < start - 2:
                continue  # "a friend from my group passed out": "my" is not the subject
            if word == "mine" and self._lower[i + 1] not in MINE_AS_SUBJECT:
                continue  # "a friend of mine" is the friend
            if word in FIRST_PERSON:
                return False
            if self._on_behalf and word in ON_BEHALF_PERSON:
                return False
            if pronouns_are_baby and word in PRONOUNS:
                continue
            if word in THIRD_PERSON:
                return True
        # A clause with no person word continues its sentence's subject ("my SIL went in with
        # a kidney infection, fever, back pain"); children are never that subject here.
        for i in range(self.clause_start[start] - 1, self.sentence_start[start] - 1, -1):
            word = self._lower[i]
            if word in FIRST_PERSON_SUBJECTS or (self._on_behalf and word in ON_BEHALF_PERSON):
                return False
            if word in ADULT_OTHERS and not (pronouns_are_baby and word in PRONOUNS):
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
        if any(self._lower[i] in FIRST_PERSON for i in clause):
            return False
        before, rest = self._sentence(start)
        sentence = f"{before} {re.split(r' [.!?] ', rest)[0]}"
        if any(word in REPORT_MARKERS for word in sentence.split()) or SPECIFICS.search(sentence):
            return False
        following = re.split(r" [.!?] ", rest, maxsplit=1)[1:]
        return not (following and FOLLOW_UP_REPORT.search(following[0]))

    def _clause_end(self, start: int) -> int:
        end = start
        while end < len(self._lower) and self.clause_start[end] == self.clause_start[start]:
            end += 1
        return end


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
    return any(start < match.end and match.start < end for start, end in spans)


def _lemma_table(nlp: Language) -> Any:
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_lookup"):
            return lookups.get_table("lemma_lookup")
    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


def says_it_stopped(text: str) -> bool:
    """The message says something has stopped or is over ("no, it stopped yesterday"): the
    answer to the screen's "Is this happening now?"."""
    lowered = text.lower().replace("’", "'")
    return any(
        not re.search(r"\b(?:not|n't|never|nt)\s+(?:\w+\s+)?$", lowered[: match.start()])
        for match in ANSWER_STOPPED.finditer(lowered)
    )


@lru_cache(maxsize=1)
def default_detector() -> RedFlagDetector:
    """The shared detector built from the packaged phrase list."""
    return RedFlagDetector()
