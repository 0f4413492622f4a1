"""Whether a reported sign is current: not from a previous pregnancy, not clearly over, and
when it may be over, whether the screen should ask; and the answer "it has stopped"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # red_flag_context imports RECENT from here
    from backcare.red_flag_context import MessageContext

PREVIOUS_PREGNANCY = re.compile(
    r"\b(?:last|previous|prior|other|1st|first|earlier) (?:pregnancy|pregnancies|time round"
    r"|time around|birth|labou?r|delivery)\b|\bwith (?:my|our) (?:first|1st|eldest|older|oldest"
    r"|other|last)\b|\bwith #?1\b"
    # "with my son I had SPD" opens its sentence or follows the pregnancy; "on the trampoline
    # with my toddler" is company
    r"|(?:^|\b(?:pregnant|pregnancy|expecting|when|time|weeks|wks|w) )with (?:my|our)"
    r" (?:son|daughter|dd\d?|ds\d?|dc\d|toddler|big boy|big girl)\b"
    r"|\bafter (?:my|our) (?:first|1st|eldest|older|last)\b|\bmy first (?:was|baby)\b"
    r"|\bfirst time (?:round|around)\b|\blast time\b|\byears? ago\b"
    r"|\bwhen i was (?:pregnant|expecting)\b|\bpregnant with (?:my )?(?:dd|ds|first|son|daughter"
    r"|eldest)\b"
)
# A parent writing for a pregnant daughter: "when I was carrying her" is the writer's own
# pregnancy (elsewhere "carrying her" may be holding a baby: "fell when I was carrying him").
PARENT_OF_PREGNANT = re.compile(
    r"\b(?:my|our) (?:daughter|dd)\b[^.!?]{0,30}\b(?:pregnant|expecting|\d+ ?(?:weeks|wks|w)\b)"
)
CARRIED_HER = re.compile(r"\bwhen i was carrying (?:her|you)\b")
RESOLVED = re.compile(
    r"\b(?:fine|ok|okay|good|normal|perfect|well|nothing) (?:since|ever since|after that|now)\b"
    r"|\b(?:stopped|settled|cleared|resolved|went away|gone away|gone now|it passed|has passed"
    r"|sorted|fine (?:again )?(?:as soon as|once|the moment)"
    r"|since then|no more|never came back|nothing since|all clear|all fine|all good"
    r"|recovered|healed|better now|was gone|were gone|gone in|cleared in|went in"
    r"|(?:went|gone|settled|cleared|passed) (?:after|within|by) (?:a|an|the|one|two|\d+|few))\b"
    r"|\b(?:scans?|ctg|trace|monitoring|tests?|results?) (?:were|was|are|have been|all|came back)?"
    r" ?(?:fine|ok|okay|normal|good|perfect|clear)\b"
)
PAST_TIME = re.compile(
    r"\b(?:had|was|were|did|got|earlier|used to|early on|back then|back in|once"
    r"|at (?:about |around |roughly )?\d+ ?(?:weeks?|wks?|w)|in (?:my|the) first (?:tri|trimester)"
    r"|weeks ago|months ago|last (?:week|month)"
    r"|a while ago|when i was)\b"
)
ANSWER_STOPPED = re.compile(
    r"\b(?:stopped|settled|cleared|gone|went away|passed|over|finished|not happening|no more"
    r"|any ?more|ages ago|weeks ago|days ago|a while ago|last week|back in|was before|fine now"
    r"|one off|was a one)\b"
)
# "the instructor went through bleeding, waters... none of it's happening to me"
NONE_OF_IT = re.compile(
    r"\bnone of (?:it|that|this|them|those|these)(?: 's| is| are| has| have)?(?: been)?"
    r" (?:happening|happened|going on|applies|apply)\b"
)
# Words that place a sign now or very recently.
RECENT = (
    r"today|tonight|this (?:morning|afternoon|evening)|last night|yesterday|right now|now"
    r"|just now|an? (?:hour|few hours) ago|again|still|currently"
)
RECENT_TIME = re.compile(rf"\b(?:{RECENT}|just|since this|keeps?)\b")
# "it had almost stopped, but since yesterday it's bright red again": no longer over.
STARTED_AGAIN = re.compile(r"\bagain\b|\bbut (?:now|since|today|tonight|this)\b")
PAST_REPORT = re.compile(r"\b(?:had|was|were|did|got|noticed|bled|felt)\b")
# A negation just before a "stopped" word ("it has not stopped", "never really settled").
NEGATED_BEFORE = re.compile(r"\b(?:not|n't|never|nt)\s+(?:\w+\s+)?$")


def not_current(context: MessageContext, start: int, urgent: bool) -> bool:
    """From a previous pregnancy, clearly past and over ("had spotting early on, all scans fine
    since"), or followed by "none of it is happening". For an emergency sign a recent time word
    ("this morning", "again") keeps it current even when it has stopped: then the screen asks
    if it still is."""
    before, after = context.sentence(start)
    if NONE_OF_IT.search(after):
        return True
    end = context.clause_end(start)
    clause = " ".join(context.words[context.clause_start[start] : end])
    if urgent and RECENT_TIME.search(clause):
        return False
    sentence = context.sentence_text(start)
    previous = PREVIOUS_PREGNANCY.search(sentence)
    if previous and not sentence[: previous.start()].endswith(("since my ", "since the ")):
        return True
    if CARRIED_HER.search(sentence) and PARENT_OF_PREGNANT.search(context.text):
        return True
    resolved = next(
        (
            match
            for match in RESOLVED.finditer(after)
            if not NEGATED_BEFORE.search(after[: match.start()])
        ),
        None,
    )
    if not resolved or STARTED_AGAIN.search(after[resolved.end() :]):
        return False
    return bool(PAST_TIME.search(before + " " + clause))


def maybe_over(context: MessageContext, start: int, end: int) -> bool:
    """Told in the past tense with no word saying it is still going on ("I had some
    bleeding at 8 weeks"): the screen escalates and asks whether it is happening now."""
    clause = " ".join(context.words[context.clause_start[start] : end])
    sentence = context.sentence_text(start)
    return bool(PAST_REPORT.search(clause)) and not RECENT_TIME.search(sentence)


def says_it_stopped(text: str) -> bool:
    """The message says something has stopped or is over ("no, it stopped yesterday"): the
    answer to the screen's "Is this happening now?"."""
    lowered = text.lower().replace("’", "'")
    return any(
        not NEGATED_BEFORE.search(lowered[: match.start()])
        for match in ANSWER_STOPPED.finditer(lowered)
    )
