"""Calibrate the urgency of reported signs to the whole message (current NHS / ACOG guidance).

The sign list gives each sign one level; some signs mean different things at different stages:
- signs that only mean something in pregnancy (reduced movements, waters, labour) are not
  escalated in a message about the time after birth;
- light bleeding in the weeks after birth is expected (lochia), so it is not escalated unless
  something says it is heavy (soaking a pad, large clots, heavier again, bright red again);
- light spotting in the first trimester without pain or cramps is see-soon, any other bleeding
  in pregnancy stays an emergency;
- a headache is see-soon when it is bad or will not go, not when it is a passing one;
- tightenings described as irregular or painless (Braxton Hicks) are not labour;
- contractions or tightenings from 37 weeks are labour, not preterm labour: see-soon (call the
  maternity unit), not an emergency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backcare.stage import POSTPARTUM, TRIMESTER_1, parse_stage
from backcare.urgency import Urgency

BLEEDING = "vaginal_bleeding"
LIGHT_BLEEDING = re.compile(
    r"\b(?:light|lightly|spotting|spot|spots|specks?|smear|tinged|a little|a bit of|bit of"
    r"|brown|brownish|pink|pinkish|lochia|tiny|normal bleeding|usual bleeding|has ?n'?t changed"
    r"|not changed|no heavier|not heavier|a bit|slowing|slowed|less|lighter|easing|tailing)\b"
    r"|\b(?:bleeding|blood|lochia)\s+(?:\w+\s+){0,3}(?:normal|usual|as before)\b"
)
HEAVY_BLEEDING = re.compile(
    r"\b(?:heavy|heavier|heavily|soak\w*|clots?|clotting|golf ?ball|gush\w*|pouring|bright red"
    r"|lots of|loads of|a lot of|flooding|through (?:a|my|the) pad|pad an hour|every hour"
    r"|more than a period|like a period|dripping|running down|size of|plum|satsuma|golf|lemon"
    r"|every hour|soaked through|quite a bit|under an hour|in an hour|within an hour"
    r"|every (?:\d+|ten|fifteen|twenty|thirty|few) min\w*"
    r"|through (?:a |my |the )?(?:\w+ ){0,2}pads?"
    # red again after it had eased, and pads changed again and again
    r"|red again|back to (?:bright |fresh )?red"
    r"|(?:chang\w*|gone through|used|on) (?:my |the |a )?(?:\w+ )?pads? (?:\d+|two|three|four|five"
    r"|six) times|(?:\d+|two|three|four|five|six) pads? (?:in|since|already))\b"
)
# Pain that goes with a bleed in early pregnancy (back pain alone does not count).
PAIN_WITH_BLEEDING = re.compile(
    r"\b(?:cramp\w*|tummy (?:ache|pain)|stomach (?:ache|pain)|abdominal|belly pain"
    r"|period(?:-like)? pain|pelvic pain|contraction\w*|sharp|stabbing|one side|right side"
    r"|left side|shoulder tip)\b"
)
NEGATION_BEFORE = re.compile(r"\b(?:no|not|without|nor|any|n't|nt|never)\b(?:\W+\w+){0,2}\W*$")
# Tightenings that are irregular and painless (Braxton Hicks) are not labour.
IRREGULAR_STATED = re.compile(
    r"\b(?:irregular|not regular|nothing regular|no pattern|the odd tightening|odd tightening)\b"
)
# Heaviness low in the pelvis is expected near term, when the baby moves down. Before 37 weeks
# pelvic pressure is a sign of preterm labour, so it stays a concern there.
TERM_ONLY_CONCERN = frozenset({"pelvic_pressure"})
IRREGULAR = re.compile(
    r"\b(?:irregular|no pattern|not regular|on and off|now and then|once or twice|every so often"
    r"|few times a day|don'?t hurt|doesn'?t hurt|painless|nothing painful|not painful"
    r"|stop when|(?:said|says|told me|just|only|probably|definitely) (?:it'?s |they'?re |that'?s )?"
    r"(?:just )?(?:braxton|bh))\b"
)
REGULAR = re.compile(
    r"\bevery \d+|\b(?:regular|regularly|closer together|close together|in waves|coming in waves"
    r"|apart|clockwork)\b"
    r"|\bevery (?:few |couple of |two |three |four |five |six |seven |eight |nine |ten )min"
    r"|\b\d+ (?:or \d+ )?times (?:since|in|an? hour|this)"
)
LABOUR_SIGNS = frozenset({"contractions", "tightenings"})
# Signs that only mean something while pregnant ("baby has slowed down" after birth is not
# reduced fetal movement).
PREGNANCY_ONLY_SIGNS = LABOUR_SIGNS | {"reduced_fetal_movement", "fluid_leaking"}
TERM_WEEKS = 37
HEADACHE = "headache"
# A headache is a reason to call the same day when it is bad or will not go (pre-eclampsia);
# a passing one is not (vision changes and sudden swelling are emergency signs of their own).
BAD_HEADACHE = re.compile(
    r"\b(?:severe|bad|really|awful|terrible|pounding|splitting|worst|migraine|constant|won'?t go"
    r"|doesn'?t go|not going|for days|all day|since yesterday|paracetamol|tylenol|blinding"
    r"|for (?:two|three|several|a few|\d+) days|every day|two days|days"
    r"|throbbing|banging|killer)\b"
)


@dataclass(frozen=True)
class MessageFacts:
    """What the whole message says that bears on urgency."""

    stage: str | None
    weeks_pregnant: float | None
    light_bleeding: bool
    heavy_bleeding: bool
    pain_with_bleeding: bool
    irregular_tightenings: bool
    bad_headache: bool

    @property
    def bleeding_amount_matters(self) -> bool:
        """After birth, early in pregnancy or at an unknown stage, how heavy a bleed is decides
        its level; the message says neither light nor heavy."""
        unclear_stage = self.stage in (None, POSTPARTUM, TRIMESTER_1)
        return unclear_stage and not (self.light_bleeding or self.heavy_bleeding)

    @classmethod
    def of(cls, text: str) -> MessageFacts:
        lowered = text.lower()
        info = parse_stage(text)
        return cls(
            stage=info.stage if info else None,
            weeks_pregnant=info.weeks if info and info.stage != POSTPARTUM else None,
            light_bleeding=bool(LIGHT_BLEEDING.search(lowered)),
            heavy_bleeding=any(
                not NEGATION_BEFORE.search(lowered[: match.start()])
                for match in HEAVY_BLEEDING.finditer(lowered)
            ),
            pain_with_bleeding=any(
                not NEGATION_BEFORE.search(lowered[: match.start()])
                for match in PAIN_WITH_BLEEDING.finditer(lowered)
            ),
            bad_headache=bool(BAD_HEADACHE.search(lowered)),
            irregular_tightenings=bool(IRREGULAR_STATED.search(lowered))
            or bool(IRREGULAR.search(lowered) and not REGULAR.search(lowered)),
        )


def calibrate(levels: dict[str, Urgency], facts: MessageFacts) -> dict[str, Urgency]:
    """The level of each reported sign for this message; a sign left out is not a concern."""
    calibrated: dict[str, Urgency] = {}
    for sign_id, level in levels.items():
        if sign_id in PREGNANCY_ONLY_SIGNS and facts.stage == POSTPARTUM:
            continue
        if sign_id == BLEEDING and facts.light_bleeding and not facts.heavy_bleeding:
            if facts.stage == POSTPARTUM:
                continue
            if facts.stage == TRIMESTER_1 and not facts.pain_with_bleeding:
                level = Urgency.SEE_SOON
        at_term = facts.weeks_pregnant is not None and facts.weeks_pregnant >= TERM_WEEKS
        if sign_id == HEADACHE and not facts.bad_headache:
            continue
        if sign_id in LABOUR_SIGNS and facts.irregular_tightenings:
            continue
        if sign_id in TERM_ONLY_CONCERN and at_term:
            continue
        if sign_id in LABOUR_SIGNS and at_term:
            level = Urgency.SEE_SOON
        calibrated[sign_id] = level
    return calibrated
