"""The sentences, clauses and questions of a message, and what its grammar says about a sign
mention in it: negated ("no bleeding"), hypothetical ("if I start bleeding") or a general
question ("is bleeding a warning sign?")."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from backcare.red_flag_time import RECENT
from backcare.red_flag_words import WORDS

NEGATION_WINDOW = 6
SENTENCE_END = frozenset({".", "!", "?", "...", "…", "\n"})
SENTENCE_BREAK = re.compile(r" [.!?] ")
SUBJECT_WORDS = WORDS.first_person | WORDS.third_person | WORDS.other_subjects
# "Is a bit of blood normal at 22 weeks? It's pinkish and there's a little cramp": a general
# question followed by a sentence about it happening now is a report.
FOLLOW_UP_REPORT = re.compile(
    rf"\b(?:{RECENT}|since|it 's|its|it is|there 's|theres|there is|(?:right|left) one)\b"
)
# A question with specifics ("contractions every 10 min??", "is pink spotting normal at 10+4?",
# "... at 30w? tmi") is a report: the writer's own week, told in the forum's notation, or a
# comparison only someone looking at it makes.
SPECIFICS = re.compile(
    r"\bevery \d+|\b\d+ ?(?:mins?|minutes|hours?|hrs?)\b|\btwice\b|\bsince\b"
    r"|\b\d{1,2} ?\+ ?\d\b|\b\d{1,2} ?(?:w|wks?)\b|\b(?:at|@) \d{1,2} ?weeks?\b"
    # "is it normal for one calf to be fatter than the other?": an observation
    r"|\bthan the other\b"
)


class MessageContext:
    """Sentence, clause and question structure of a screened doc, by token index."""

    def __init__(self, doc: Doc) -> None:
        self.words = [t.lower_ for t in doc]
        self._lemma = [t.lemma_ for t in doc]
        self.text = " ".join(self.words)
        self.sentence_start: list[int] = []
        self.clause_start: list[int] = []
        sentence_start = clause_start = 0
        for i, lower in enumerate(self.words):
            previous = self.words[i - 1] if i else ""
            if previous in SENTENCE_END:
                sentence_start = clause_start = i
            elif (
                i
                and doc[i - 1].is_punct
                or self._lemma[i] in WORDS.scope_break_lemmas
                or (
                    lower in WORDS.clause_joiners
                    and i + 1 < len(doc)
                    and self.words[i + 1] in SUBJECT_WORDS
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
                    self.words[i] == "?"
                    or "?" in self.words[start : i + 1]
                    or self.words[start] in WORDS.question_starts
                )
        self.sentence_is_question = [question_by_sentence[s] for s in self.sentence_start]
        sentence_starts = sorted(set(self.sentence_start))
        self.sentence_number = [sentence_starts.index(start) for start in self.sentence_start]

    def sentence(self, index: int) -> tuple[str, str]:
        """The words of the sentence up to `index`, and from `index` to the end of the next
        sentence."""
        start = self.sentence_start[index]
        end, sentences = index, 0
        while end < len(self.words) and sentences < 2:
            if (
                end + 1 < len(self.words)
                and self.sentence_start[end + 1] != self.sentence_start[end]
            ):
                sentences += 1
            end += 1
        return " ".join(self.words[start:index]), " ".join(self.words[index:end])

    def sentence_text(self, index: int) -> str:
        """The sentence `index` stands in (cut at a full stop, "!" or "?")."""
        before, after = self.sentence(index)
        return f"{before} {SENTENCE_BREAK.split(after)[0]}"

    def clause_end(self, start: int) -> int:
        end = start
        while end < len(self.words) and self.clause_start[end] == self.clause_start[start]:
            end += 1
        return end

    def negated(self, start: int, after: int = 0) -> bool:
        """A negation word shortly before `start` in the same clause (and at or after `after`)."""
        lowest = max(self.clause_start[start], start - NEGATION_WINDOW, after)
        for i in range(start - 1, lowest - 1, -1):
            if self._lemma[i] in WORDS.negation_lemmas and not self._pseudo_negation(i):
                return True
            if self._lemma[i] == "free" and i + 1 < start and self.words[i + 1] == "of":
                return True
        return False

    def _pseudo_negation(self, i: int) -> bool:
        following = self.words[i + 1] if i + 1 < len(self.words) else ""
        if following in WORDS.pseudo_negation_next:
            return True
        # "No I'm bleeding": an answer, not a negation of what follows.
        at_sentence_start = self.sentence_start[i] == i
        return at_sentence_start and self.words[i] == "no" and following in WORDS.first_person

    def _opens_with_past_tense(self, sentence_start: int) -> bool:
        """The sentence opens, after fillers, with a past tense: a report without its "I"."""
        for word in self.words[sentence_start:]:
            if word not in WORDS.report_openers:
                return word in WORDS.past_report_verbs or (len(word) > 4 and word.endswith("ed"))
        return False

    def hypothetical(self, start: int) -> bool:
        """An "if" / "in case" / "what if" before the match in the same clause."""
        for i in range(start - 1, self.clause_start[start] - 1, -1):
            if self._lemma[i] in WORDS.hypothetical_lemmas:
                before = self.words[i - 1] if i else ""
                # "if I think my waters are leaking": a real doubt, not a hypothesis
                doubt_after = set(self.words[i + 1 : i + 3]) & WORDS.doubt_before_if
                return before not in WORDS.doubt_before_if and not doubt_after
            if self.words[i] == "case" and i and self.words[i - 1] == "in":
                return True
        return False

    def general_question(self, start: int) -> bool:
        """A question whose clause has no first-person or report word ("is bleeding normal?")."""
        if not self.sentence_is_question[start]:
            return False
        clause = range(self.clause_start[start], self.clause_end(start))
        if any(self.words[i] in WORDS.first_person for i in clause):
            return False
        before, rest = self.sentence(start)
        sentence = f"{before} {SENTENCE_BREAK.split(rest)[0]}"
        if any(word in WORDS.report_markers for word in sentence.split()) or SPECIFICS.search(
            sentence
        ):
            return False
        if self._opens_with_past_tense(self.sentence_start[start]):
            return False
        following = SENTENCE_BREAK.split(rest, maxsplit=1)[1:]
        return not (following and FOLLOW_UP_REPORT.search(following[0]))
