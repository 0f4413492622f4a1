"""Whether a clinician has already checked and explained a symptom ("MW checked me, said the
tingling in my hands is just carpal tunnel"): such a mention is not a new report."""

from __future__ import annotations

import bisect
import itertools
import re

from backcare.red_flag_context import SENTENCE_BREAK, MessageContext

EXPLAINED = re.compile(
    r"(?:\b(?:midwife|midwives|mw|ob|obgyn|doctor|doc|dr|gp|consultant|physio|pt|nurse|triage"
    r"|hospital|they|health visitor|hv|l&d|l & d|labour ward|a&e|er)\b[^.!?]{0,40}"
    r"\b(?:said|says|told|check|checked|reckons|thinks|confirmed|reassured|diagnosed|explained"
    r"|put it down|scanned|examined|looked at|tested|had a look|had a feel|monitored|traced"
    r"|sent (?:me|her|us) (?:for|to)|referred"
    r"|(?:took|did|measured) (?:my |her )?(?:bp|blood pressure|obs|urine|temperature|temp)"
    r"|did (?:a |an |the )?(?:scan|trace|ctg|ultrasound|doppler))\b"
    r"|\b(?:got|was|been|went|get)\s+(?:checked|seen|scanned|monitored|examined)\b)"
    r"[^.!?]{0,90}\b(?:just|normal|fine|nothing|only|common|round|to wait|ligament|braxton|bh"
    r"|spd|pgp|sciatica|carpal|hormones?|relaxin|expected|harmless|benign|meralgia|not serious"
    r"|nothing to worry|to worry about|no clot|ruled out|all clear|nothing wrong|perfect|healthy"
    r"|all good|all ok|ok|okay|(?:n't|not) (?:an? )?(?:clot|dvt|infection|labou?r)|irritable"
    r"|early (?:stuff|labou?r|days|signs)|latent|prodromal)\b"
    # "got the all clear after the bleed": checked and found fine, the check itself explains it
    r"|\b(?:got|given|gave (?:me|her|us)|had) (?:the |an )?all ?clear\b"
)
# "... they scanned it, all fine, but this leg thing started yesterday": something new.
SOMETHING_NEW = re.compile(r"\bbut\b.*\b(?:now|today|yesterday|started|new|this|since)\b")


def explained_sentences(context: MessageContext) -> frozenset[int]:
    """The numbers of the sentences holding a clinician's explanation (an explanation followed
    by "but this leg thing started yesterday" explains something else)."""
    text = context.text
    offsets = list(itertools.accumulate((len(word) + 1 for word in context.words), initial=0))
    return frozenset(
        context.sentence_number[bisect.bisect_right(offsets, match.start()) - 1]
        for match in EXPLAINED.finditer(text)
        if not SOMETHING_NEW.search(SENTENCE_BREAK.split(text[match.end() :])[0])
    )


def explained(context: MessageContext, sentences: frozenset[int], start: int) -> bool:
    """A clinician has checked and explained it, in the same or the next sentence ("went in
    because my leg was swollen, they scanned it, no clot")."""
    number = context.sentence_number[start]
    return bool({number, number + 1} & sentences)
