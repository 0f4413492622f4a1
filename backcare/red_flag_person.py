"""Whose sign a mention is: the writer's (or, when someone writes on her behalf, the pregnant
or recently delivered person's), or someone else's ("my sister had contractions")."""

from __future__ import annotations

import re

from backcare.red_flag_context import MessageContext
from backcare.red_flag_words import WORDS

# A partner, parent, sister or friend writing on behalf of the pregnant or recently delivered
# person: her symptoms are the report ("my wife is 34 weeks and she's bleeding").
ON_BEHALF = re.compile(
    r"\b(?:wife|partner|girlfriend|gf|fiancee|fiancée|fiance|daughter|sister|friend|missus"
    r"|other half|dp|dw|sil|she|her|mate|bestie|bff)\b[^.!?]{0,25}"
    r"\b(?:is|'s|s|who'?s|who is|currently|just)"
    r"\b[^.!?]{0,12}\b(?:pregnant|expecting|\d+ ?(?:weeks?|wks?|w|months?|\+ ?\d)|due|postpartum|pp"
    r"|had (?:a|the|our|her) baby|gave birth|given birth|in (?:her|the) (?:\w+ )?trimester)"
    r"|\b(?:wife|partner|girlfriend|gf|fiancee|fiancée|daughter|sister|dp|dw|missus)\b"
    r"[^.!?]{0,20}\b(?:gave birth|given birth|delivered|had (?:a|the|our|her|an) "
    r"(?:\w+ )?(?:baby|son|daughter|section|c section|caesarean|cesarean|twins|lo|birth))\b"
    r"|\b(?:for|on behalf of) my (?:best )?(?:wife|partner|girlfriend|daughter|sister|friend"
    r"|fiancee|mate|bestie|bff)\b"
    r"|\bour (?:baby|bump|lo|little one|son|daughter)\b|\bwe(?:'re| are) (?:\d+|expecting)"
    r"|\b(?:wife|partner|girlfriend|gf|fiancee|daughter|sister|dp|dw|missus)\W{1,3}\d+"
    r"\s*(?:weeks?|wks?|w|\+\d)"
)
# A husband or partner writing about his wife or girlfriend in a message about a pregnancy or
# a birth ("my missus says she's wet herself ... 27 weeks", "my wife's c section scar"): the
# pregnancy is hers, in whichever sentence it is stated; "wife's scar..." may open the message.
FEMALE_PARTNER = re.compile(
    r"(?:\b(?:my|our) |^)(?:wife|missus|missis|dw|girlfriend|gf|fiancee|fiancée|other half)\b"
)
PREGNANCY_OR_BIRTH = re.compile(
    r"\b(?:pregnant|pregnancy|expecting|due|trimester|bump|postpartum|pp|post op|labou?r"
    r"|c section|csection|section|caesarean|cesarean|midwife|mw|gave birth|given birth"
    r"|\d+ ?(?:weeks?|wks?|w)|\d+ ?\+ ?\d)\b"
)
ADULT_OTHERS = WORDS.third_person - WORDS.not_adults


def writes_on_behalf(text: str) -> bool:
    """The (lower-cased, tokenised) message is written on behalf of a pregnant or recently
    delivered person."""
    return bool(ON_BEHALF.search(text)) or bool(
        FEMALE_PARTNER.search(text) and PREGNANCY_OR_BIRTH.search(text)
    )


def about_someone_else(
    context: MessageContext,
    start: int,
    end: int,
    on_behalf: bool,
    objects_me: bool = False,
    pronouns_are_baby: bool = False,
) -> bool:
    """The nearest person word before the match in its clause is not the speaker (nor, when
    someone writes on her behalf, the pregnant or recently delivered person). For signs
    where the writer is the object (`objects_me`: "ran into the back of us"), a first-person
    word in or just after the match makes it the writer's; for signs about the baby
    (`pronouns_are_baby`: "she's only kicked twice") "she" and "he" are the baby."""
    words = context.words
    if objects_me:
        after = words[end : min(end + 3, context.clause_end(start))]
        if any(
            word in WORDS.first_person or (on_behalf and word in WORDS.on_behalf_person)
            for word in words[start:end] + after
        ):
            return False
    for i in range(start - 1, context.clause_start[start] - 1, -1):
        word = words[i]
        if word in WORDS.possessives and i < start - 2:
            continue  # "a friend from my group passed out": "my" is not the subject
        if word == "mine" and words[i + 1] not in WORDS.mine_as_subject:
            continue  # "a friend of mine" is the friend
        if word in WORDS.first_person:
            return False
        if on_behalf and word in WORDS.on_behalf_person:
            return False
        if pronouns_are_baby and word in WORDS.pronouns:
            continue
        if word in WORDS.third_person:
            return True
    # A clause with no person word continues its sentence's subject ("my SIL went in with
    # a kidney infection, fever, back pain"); children are never that subject here.
    for i in range(context.clause_start[start] - 1, context.sentence_start[start] - 1, -1):
        word = words[i]
        if word in WORDS.first_person_subjects or (on_behalf and word in WORDS.on_behalf_person):
            return False
        if word in ADULT_OTHERS and not (pronouns_are_baby and word in WORDS.pronouns):
            return True
    return False
