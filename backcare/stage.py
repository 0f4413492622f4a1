"""Parse free-text pregnancy / postpartum stage mentions into canonical stage ids.

Pure Python (no Rasa import). ``parse_stage("30 wks")`` returns
``StageInfo(stage="trimester_3", weeks=30.0)``; text that does not name a stage
clearly (e.g. "I'm pregnant" alone) returns ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backcare.knowledge_base import STAGES

__all__ = [
    "POSTPARTUM",
    "TRIMESTER_1",
    "TRIMESTER_2",
    "TRIMESTER_3",
    "StageInfo",
    "find_stage_mention",
    "has_stage_context",
    "parse_stage",
    "stage_for_months",
    "stage_for_weeks",
]

TRIMESTER_1, TRIMESTER_2, TRIMESTER_3, POSTPARTUM = STAGES

FULL_TERM_WEEKS = 40
WEEKS_PER_MONTH = 52 / 12  # ~4.33
MAX_PREGNANCY_WEEKS = 45
MAX_POSTPARTUM_WEEKS = 52 * 5


@dataclass(frozen=True)
class StageInfo:
    """A canonical stage and, when known, a number of weeks.

    ``weeks`` is weeks pregnant for trimester stages and weeks since birth for
    ``postpartum``.
    """

    stage: str
    weeks: float | None = None


_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40}
_ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2,
    "third": 3, "3rd": 3, "three": 3, "last": 3, "final": 3,
}  # fmt: skip

_NUMBER_WORD = (
    r"(?:(?:twenty|thirty|forty)(?:[\s-]?(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a|an|a\s+couple\s+of|a\s+few"
    r"|couple(?:\s+of)?|few|half\s+a|a\s+half)"
)
_NUM = (
    rf"(?P<num>\d{{1,3}}(?:[.,]\d+)?(?:\s*(?:and\s+a\s+half|½))?"
    rf"|{_NUMBER_WORD}(?:\s+and\s+a\s+half)?)"
)
_VAGUE = re.compile(r"^(?:an?|(?:a\s+)?few|(?:a\s+)?couple(?:\s+of)?|half\s+a|a\s+half)$")

_WEEK = r"(?:weeks?|wks?|wk|w(?=\b)|weeeks?|weks?)"
_MONTH = r"(?:months?|mos?|mnths?|mths?|monthes|mo)"
_DAY = r"(?:days?)"
_YEAR = r"(?:years?|yrs?)"
# A time since the birth may be given in years too ("a year after giving birth").
_SINCE_BIRTH_UNIT = rf"{_WEEK}|{_MONTH}|{_DAY}|{_YEAR}"

_BABY = (
    r"(?:baby|babies|twins|son|daughter|little\s+one|bub|bubs|bubba|newborn|kid|boy|girl"
    r"|lo|dd|ds|dd\d|ds\d)"
)
# forum shorthand for one's child, which may stand straight before an age ("LO 3mo")
_BABY_SHORT = r"(?:lo|dd|ds|dd\d|ds\d|bub|bubs)"
_SECTION = r"(?:c[\s-]?section|csection|caesarean|cesarean|c-sec)"
# "since my section", "10 days post section", "an emergency section 12 days ago"
_ANY_SECTION = (
    rf"(?:{_SECTION}|(?:(?:my|her|the|an?|emergency|elective|planned|post)[\s-]+)section\b)"
)
_NUM_PLAIN = _NUM.replace("(?P<num>", "(?:")
_POSTPARTUM_WORDS = re.compile(
    r"\b(?:post[\s-]?partum|post[\s-]?natal|post[\s-]?pregnancy|pp|after\s+(?:the\s+)?birth"
    rf"|post[\s-]?{_SECTION}|after\s+(?:my\s+|the\s+|a\s+)?(?:{_SECTION}|delivery)"
    rf"|after\s+(?:giving\s+birth|having\s+(?:my|the|a|our)\s+{_BABY})"
    r"|(?:just|recently)\s+(?:gave|given)\s+birth|gave\s+birth|given\s+birth"
    rf"|(?:had|delivered|welcomed)\s+(?:(?:my|a|the|our|her|their)\s+)?(?:(?:first|second|third|1st"
    rf"|2nd|3rd|new|little)\s+)?(?:{_BABY}|{_SECTION})\b"
    rf"|i\s+delivered\b|{_BABY}(?:\s+(?:was|were))?\s+born|new\s+(?:mum|mom|mother|mama)|lochia"
    rf"|{_SECTION}\s+(?:scar|wound|incision|stitches|recovery)"
    r"|birth\s+(?:\S+\s+){1,3}ago|delivered|newborn|4th\s+trimester|fourth\s+trimester"
    rf"|since\s+(?:the\s+|my\s+|her\s+)?(?:birth|delivery|{_SECTION})|{_ANY_SECTION}\s+(?:\S+\s+){{1,4}}ago"
    r"|after\s+(?:the\s+|my\s+|a\s+)?(?:forceps|ventouse)|(?:since|after)\s+(?:my|her)\s+section"
    r"|post[\s-]?section"
    rf"|since\s+(?:i\s+)?(?:delivered|had|gave)|{_SECTION}\s+\S+\s+\S+\s+ago|{_SECTION}\s+\S+\s+ago"
    # a baby's age: "LO is 4 months", "baby's 6 wks", "DS 8wks", "my 10 week old"
    rf"|(?:{_BABY}(?:\s+is|\s+turned|\s+just\s+turned|\s*'s|\s+now)|{_BABY_SHORT})"
    rf"(?:\s+(?:now|almost|nearly|just|only|about))?\s+{_NUM_PLAIN}\s*-?\s*(?:{_WEEK}|{_MONTH}|{_DAY})\b"
    rf"|\b{_NUM_PLAIN}\s*-?\s*(?:weeks?|wks?|months?|mos?|days?)\s*-?\s*old\b"
    r"|since\s+(?:giving\s+birth|having\s+(?:her|him|them|the\s+baby|my\s+baby|my\s+\w+)))",
    re.IGNORECASE,
)
_PREGNANCY_WORDS = re.compile(
    r"\b(?:pregnant|pregnancy|preggo|preggers|prego|pregant|pregnent|preg|expecting|gestation"
    r"|trimester|tri|due(?!\s+to)|along|bump)\b"
    r"|\b(?:i'?m|i\s+am|im)\s+(?:now\s+|almost\s+|nearly\s+|about\s+|only\s+|just\s+)?"
    r"\w+(?:[\s-]\w+)?\s*(?:weeks?|wks?|months?)\b(?!\s+(?:ago|into|in|of|since|now))"
    # forum notation: "29+3", "31w", "31w2d", "FTM", "STM", "at 22 weeks"
    r"|(?<![\w+])\d{1,2}\s*\+\s*\d\b|(?<![\w+])\d{1,2}\s*(?:w|wks?)(?:\s*\d\s*d)?\b"
    r"|\b(?:ftm|stm|ttc|edd|ob|obgyn|midwife)\b|\bat\s+\d{1,2}\s*(?:weeks?|wks?)\b"
    # "21 weeks." as a sentence of its own, or opening the message ("13 weeks and already...")
    r"|(?:^|[.!?,;]\s*)\d{1,2}\s*(?:weeks?|wks?)\s*(?:[.!?,;]|$|and\b|with\b)"
    r"|(?:^|[.!?,;]\s*)(?:now|currently)\s+\d{1,2}\s*(?:weeks?|wks?)\b"
    r"|\d{1,2}\s*(?:weeks?|wks?)\s+(?:tomorrow|today|now|gone|along|preg)\b|\b\d{1,2}/40\b"
    r"|\b(?:halfway|full\s+term)\b",
    re.IGNORECASE,
)


# "4 weeks on with this one", "6 weeks on from the birth": time counted from an event.
_COUNTED_ON = r"on\s+(?:with|from|since|after)\b"
# "10 wks pp", "6 months postpartum": a stated time since the birth, whatever else is said.
_EXPLICIT_POSTPARTUM = re.compile(
    rf"\b{_NUM_PLAIN}\s*-?\s*(?:{_WEEK}|{_MONTH}|{_DAY})\s*(?:postpartum|post[\s-]?partum|pp\b"
    r"|post[\s-]?natal)"
)
_DURATION_BEFORE = re.compile(
    r"\b(?:for|past|last|over|lasted|lasting|every|each|per|within)\s+(?:the\s+)?(?:last\s+|past\s+)?"
    r"(?:like\s+|about\s+|around\s+|almost\s+|nearly\s+|over\s+|roughly\s+)?$"
)
# Which of several week mentions is the person's stage now: "this time I'm 24 weeks" beats
# "reduced movements at 34 weeks" with a first baby.
_PRESENT_BEFORE = re.compile(
    r"\b(?:now|currently|i'?m|im|i\s+am|am|this\s+time|at\s+the\s+moment|ftm|stm|here)"
    r"\W*(?:\w+\W+){0,2}$"
)
_PAST_IN_SENTENCE = re.compile(
    r"\b(?:had|was|were|got|induced|happened|ended|fainted|bled|started|with\s+my\s+first"
    r"|last\s+pregnancy|previous|ago)\b[^.!?]*$"
)


def _to_number(raw: str) -> float | None:
    """Turn '30', '2.5', 'thirty two', 'a couple of', '3 and a half' into a number."""
    text = raw.strip().lower().replace("½", " and a half").replace(",", ".")
    half = 0.0
    if re.search(r"\band\s+a\s+half$", text):
        half = 0.5
        text = re.sub(r"\s*and\s+a\s+half$", "", text).strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) + half
    if text in ("a", "an"):
        return 1.0 + half
    if text in ("half a", "a half"):
        return 0.5
    if re.fullmatch(r"(?:a\s+)?couple(?:\s+of)?", text):
        return 2.0 + half
    if re.fullmatch(r"(?:a\s+)?few", text):
        return 3.0 + half
    parts = re.split(r"[\s-]+", text)
    if len(parts) == 1 and parts[0] in _UNITS:
        return float(_UNITS[parts[0]]) + half
    if parts and parts[0] in _TENS:
        value = _TENS[parts[0]]
        if len(parts) == 2 and parts[1] in _UNITS and _UNITS[parts[1]] < 10:
            value += _UNITS[parts[1]]
        elif len(parts) > 1:
            return None
        return float(value) + half
    return None


def stage_for_weeks(weeks: float) -> str:
    """Map weeks pregnant to a trimester id (1-13, 14-27, 28+)."""
    if weeks < 14:
        return TRIMESTER_1
    if weeks < 28:
        return TRIMESTER_2
    return TRIMESTER_3


def stage_for_months(months: float) -> str:
    """Map months pregnant to a trimester id (1-3, 4-6, 7-9)."""
    if months <= 3:
        return TRIMESTER_1
    if months <= 6:
        return TRIMESTER_2
    return TRIMESTER_3


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‐", "-").replace("–", "-")
    return re.sub(r"\s+", " ", text).strip()


def has_stage_context(text: str) -> bool:
    """True when the text has a pregnancy or birth word (used to accept bare numbers)."""
    return bool(_PREGNANCY_WORDS.search(text) or _POSTPARTUM_WORDS.search(text))


def _round(value: float) -> float:
    return round(value, 1)


def _postpartum_duration(text: str) -> float | None:
    """Weeks since birth from a postpartum phrase, or None when no duration is given."""
    patterns = (
        # "8 weeks postpartum", "6 wks pp", "3 months after birth", "6 weeks post c-section"
        rf"{_NUM}\s*-?\s*(?P<unit>{_SINCE_BIRTH_UNIT})\s*(?:old\s+)?(?:postpartum|post[\s-]?partum"
        r"|pp\b|post[\s-]?natal|post[\s-]?birth|post[\s-]?(?:c[\s-]?section|csection|section|op|delivery)"
        r"|after\s+(?:the\s+)?(?:birth|delivery|giving\s+birth|having|my\s+c[\s-]?section|c[\s-]?section"
        r"|my\s+section|(?:the\s+|my\s+)?(?:forceps|ventouse))"
        r"|since\s+(?:the\s+)?(?:birth|delivery|i\s+had|i\s+gave|giving\s+birth|my\s+c|my\s+section))",
        # "had my baby 3 weeks ago", "gave birth two months ago", "c-section 6 weeks ago"
        rf"(?:birth|baby|babies|twins|son|daughter|little\s+one|delivered|delivery|section|csection"
        rf"|caesarean|cesarean)\b[^.?!]{{0,30}}?\b{_NUM}\s*(?P<unit>{_SINCE_BIRTH_UNIT})\s*(?:ago|back)",
        # "my baby is 2 months old", "my son is 10 weeks", "LO 3mo", "baby's 6 wks"
        rf"\b(?:{_BABY}(?:\s+is|\s+are|\s*'s|\s+turned|\s+just\s+turned|\s+now)|{_BABY_SHORT})"
        rf"(?:\s+(?:almost|nearly|now|just|only|about))?\s+{_NUM}\s*-?\s*"
        rf"(?P<unit>{_SINCE_BIRTH_UNIT})",
        # "a 6 week old baby", "my 3 month old"
        rf"\b{_NUM}\s*-?\s*(?P<unit>{_SINCE_BIRTH_UNIT})\s*-?\s*old\b",
        # "3 weeks ago i had my baby", "6 weeks since i gave birth"
        rf"\b{_NUM}\s*(?P<unit>{_SINCE_BIRTH_UNIT})\s*(?:ago|since)\s+(?:i|we)\s+"
        r"(?:had|gave|delivered|welcomed)",
        # "4 wks on with this one", "6 weeks on from the birth" (a birth word is in the text)
        rf"\b{_NUM}\s*(?P<unit>{_SINCE_BIRTH_UNIT})\s+{_COUNTED_ON}",
    )
    for pattern in patterns:
        match = re.search(pattern, text)
        if not match:
            continue
        number = _to_number(match.group("num"))
        if number is None:
            continue
        weeks = _in_weeks(number, match.group("unit"))
        if 0 <= weeks <= MAX_POSTPARTUM_WEEKS:
            return _round(weeks)
    return None


def _in_weeks(number: float, unit: str) -> float:
    """A number of years, months, days or weeks, in weeks."""
    if re.fullmatch(_YEAR, unit):
        return number * 52
    if re.fullmatch(_MONTH, unit):
        return number * WEEKS_PER_MONTH
    if re.fullmatch(_DAY, unit):
        return number / 7
    return number


_BABY_CONTEXT = re.compile(
    rf"\b(?:{_BABY}|nursing|feeding|breastfeed\w*|bottle|nap\w*|cot|crib|pram|stroller)\b"
)
_PREGNANT_CONTEXT = re.compile(r"\b(?:pregnan\w*|trimester|bump|due|expecting|weeks? along)\b")


def _pregnant_relative(text: str) -> bool:
    """ "My daughter is 38 weeks": a relative far into a pregnancy, not a baby's age (babies'
    ages past about four months are given in months)."""
    match = re.search(
        r"\b(?:daughter|dd|sister|wife|partner|girlfriend|gf|friend)(?:\s+is|\s*'s)\s+(?:now\s+)?"
        r"(?P<num>\d{1,2})\s*(?:weeks?|wks?|w)\b(?!\s*old)",
        text,
    )
    if not match:
        return False
    return int(match.group("num")) > 16 or text[match.end() :].lstrip().startswith("pregnant")


def _baby_age_by_pronoun(text: str) -> float | None:
    """Weeks since birth from "he's 7 weeks" in a message about a baby (not a pregnancy)."""
    if not _BABY_CONTEXT.search(text) or _PREGNANT_CONTEXT.search(text):
        return None
    match = re.search(
        rf"\b(?:he|she|they)(?:'s|\s+is|\s+are|'re)\s+(?:now\s+|just\s+|almost\s+|nearly\s+"
        rf"|only\s+)?{_NUM}\s*(?P<unit>{_WEEK}|{_MONTH}|{_DAY})\b",
        text,
    )
    if not match:
        return None
    number = _to_number(match.group("num"))
    if number is None:
        return None
    weeks = _round(_in_weeks(number, match.group("unit")))
    # "she's 30 weeks" about a partner is a pregnancy: babies' ages past about four months
    # are given in months
    is_weeks = re.fullmatch(_WEEK, match.group("unit")) is not None
    return None if is_weeks and weeks > 16 else weeks


def _sentence_at(text: str, index: int) -> str:
    """The sentence of `text` that holds the character at `index`."""
    start = max(text.rfind(end, 0, index) for end in ".!?\n") + 1
    ends = [found for end in ".!?\n" if (found := text.find(end, index)) != -1]
    return text[start : min(ends) if ends else len(text)]


def _present_score(text: str, start: int) -> int:
    """How surely a stage mention at `start` is the person's stage now: higher after "now",
    "I'm", "this time"; lower in a sentence told in the past ("at 34 weeks I had...")."""
    before = text[:start]
    return 2 * bool(_PRESENT_BEFORE.search(before)) - 2 * bool(_PAST_IN_SENTENCE.search(before))


def _pregnancy_weeks(text: str) -> float | None:
    """Weeks pregnant from 'due in 3 weeks', '30 wks', 'week 33' and the like."""
    found = _scored_pregnancy_weeks(text)
    return found[1] if found else None


def _scored_pregnancy_weeks(text: str) -> tuple[int, float] | None:
    """The likeliest weeks pregnant and how surely it is the stage now (see _present_score)."""
    due = re.search(
        rf"\bdue\s+(?:date\s+is\s+)?in\s+{_NUM}\s*(?P<unit>{_WEEK}|{_MONTH}|{_DAY})", text
    )
    if due:
        number = _to_number(due.group("num"))
        if number is not None:
            left = _in_weeks(number, due.group("unit"))
            if 0 <= left < FULL_TERM_WEEKS:
                return 2, _round(FULL_TERM_WEEKS - left)
    if re.search(r"\bdue\s+(?:next\s+month|in\s+a\s+month)\b", text):
        return 2, 36.0
    if re.search(r"\bdue\s+(?:next\s+week|any\s+day|this\s+week|soon|tomorrow|today)\b", text):
        return 2, 39.0
    if re.search(r"\bdue\s+in\s+(?:a\s+)?couple\s+of\s+months\b", text):
        return 2, _round(FULL_TERM_WEEKS - 2 * WEEKS_PER_MONTH)

    # "30 wks", "24 weeks pregnant", "32+4 weeks", "at 20 weeks", "thirty weeks along",
    # "week 33", and forum notation "32w", "32w4d", "32+4"
    candidates: list[tuple[int, int, float]] = []  # (-score, position, weeks)
    patterns = (
        (
            rf"(?<![\w+]){_NUM}\s*(?:\+\s*\d\s*)?-?\s*(?P<unit>{_WEEK})(?:\s*\+\s*\d)?\b"
            rf"(?!\s*(?:ago|old|{_COUNTED_ON}|postpartum|post[\s-]?partum|pp\b|post[\s-]?natal"
            # "an 8 week wait", "a 6 week course": a length of time, not the pregnancy
            r"|wait|waiting|course|programme|program|plan|block|break|holiday))",
            0,
        ),
        (r"\bweek\s*(?:#\s*)?(?P<num>\d{1,2})\b", 0),
        (r"(?<![\w+])(?P<num>\d{1,2})\s*(?:w\d?d?|\+\d)\b", 1),
        (r"(?<![\w/])(?P<num>\d{1,2})\s*/\s*40\b", 1),
    )
    for pattern, bonus in patterns:
        for mention in re.finditer(pattern, text):
            before = text[: mention.start()]
            if _DURATION_BEFORE.search(before) or _VAGUE.match(mention.group("num")):
                continue
            number = _to_number(mention.group("num"))
            if number is None or not 1 <= number <= MAX_PREGNANCY_WEEKS:
                continue
            score = bonus + _present_score(text, mention.start())
            candidates.append((-score, mention.start(), _round(number)))
    if not candidates:
        return None
    score, _, weeks = min(candidates)
    return -score, weeks


def _pregnancy_months(text: str) -> tuple[int, float] | None:
    """Months pregnant from '6 months pregnant', 'six months along', 'im 7 months', and how
    surely it is the stage now (see _present_score)."""
    for match in re.finditer(
        rf"(?<![\w+]){_NUM}\s*-?\s*(?P<unit>{_MONTH})\b(?!\s*(?:ago|old|postpartum|pp\b|post|after|since))",
        text,
    ):
        if _DURATION_BEFORE.search(text[: match.start()]) or _VAGUE.match(match.group("num")):
            continue
        number = _to_number(match.group("num"))
        if number is not None and 0 < number <= 10:
            return _present_score(text, match.start()), number
    return None


def _trimester(text: str) -> str | None:
    match = re.search(
        r"\b(?P<ord>first|1st|second|2nd|third|3rd|last|final|one|two|three|1|2|3)"
        r"\s*(?:trimester|trimster|trimestre|trimesters|tri|trim|tm)\b",
        text,
    )
    if not match:
        match = re.search(r"\b(?:trimester|tri)\s*(?P<ord>one|two|three|1|2|3)\b", text)
    if not match:
        match = re.search(r"\bt(?P<ord>[123])\b", text)
    if not match:
        return None
    raw = match.group("ord")
    ordinal = int(raw) if raw.isdigit() else _ORDINALS.get(raw)
    return {1: TRIMESTER_1, 2: TRIMESTER_2, 3: TRIMESTER_3}.get(ordinal or 0)


def parse_stage(text: str | None) -> StageInfo | None:
    """Parse a stage mention; return ``None`` when no stage is clearly named.

    Bare week/month counts ("30 wks", "six months") are read as pregnancy durations,
    except when the text says the time was after birth or "ago".
    """
    if not text or not text.strip():
        return None
    norm = _normalise(text)

    if re.search(r"\b(?:fourth|4th)\s+trimester\b", norm):
        return StageInfo(POSTPARTUM, _postpartum_duration(norm))

    if (
        _POSTPARTUM_WORDS.search(norm)
        and not _pregnant_relative(norm)
        and not re.search(
            r"\b(?:before|until|till|when)\s+(?:the\s+)?(?:birth|i\s+(?:give|have|deliver))", norm
        )
    ):
        # "due in 3 weeks" or "my first baby" mentions aside, a birth word means postpartum,
        # unless it is clearly about a future birth ("after birth" plans while pregnant): a
        # future word in a sentence with a birth word ("will they make it worse?" elsewhere
        # is about something else)
        birth_sentences = " ".join(
            _sentence_at(norm, match.start()) for match in _POSTPARTUM_WORDS.finditer(norm)
        )
        future = re.search(
            r"\b(?:will|going\s+to|gonna|plan|planning|once)\b|'ll\b"
            r"|\bshould\s+(?:go|ease|settle|stop|get\s+better|be\s+gone|clear)\b",
            birth_sentences,
        )
        earlier_baby = re.search(
            r"\b(?:last|previous|other)\s+(?:pregnancy|baby|birth|time)\b|\bwith\s+my\s+(?:first"
            r"|last|eldest|older)\b|\bstm\b|\bthis\s+time\b",
            norm,
        )
        # "this time (baby's 5 weeks)": weeks that are the baby's age are no pregnancy
        weeks_pregnant = _pregnancy_weeks(norm)
        future = future or (
            earlier_baby
            and weeks_pregnant is not None
            and weeks_pregnant != _postpartum_duration(norm)
        )
        pregnant_now = re.search(
            r"\b(?:i'?m|i\s+am|currently|now)\s+(?:\w+\s+)?pregnant\b"
            r"|\b(?:i'?m|i\s+am)\s+(?:now\s+|only\s+|nearly\s+|almost\s+)?\d{1,2}\s*(?:weeks?|wks?|w)\b"
            r"(?!\s*(?:pp|postpartum|post|after|since|out|on|old))|\bdue\s+(?:in|next|any|this)\b",
            norm,
        )
        # "physio says kegels will help ... at 10 wks pp": a stated time since the birth
        # is the stage now, whatever the message says about the future
        if _EXPLICIT_POSTPARTUM.search(norm) and not pregnant_now:
            return StageInfo(POSTPARTUM, _postpartum_duration(norm))
        if not future and not pregnant_now:
            return StageInfo(POSTPARTUM, _postpartum_duration(norm))

    baby_age = _baby_age_by_pronoun(norm)
    if baby_age is not None:
        return StageInfo(POSTPARTUM, baby_age)

    trimester = _trimester(norm)
    weeks = _scored_pregnancy_weeks(norm)
    months = _pregnancy_months(norm)
    # "in week 9 I had some blood ... now I am 6 month": the mention told as now wins
    if months is not None and (weeks is None or months[0] > weeks[0]):
        return StageInfo(stage_for_months(months[1]), _round(months[1] * WEEKS_PER_MONTH))
    if weeks is not None:
        return StageInfo(stage_for_weeks(weeks[1]), weeks[1])
    if trimester:
        return StageInfo(trimester, None)
    if re.search(r"\b(?:early|newly|just\s+found\s+out)\b[^.?!]{0,20}\bpregnan", norm) or re.search(
        r"\bearly\s+(?:in\s+(?:my|the)\s+)?pregnancy\b", norm
    ):
        return StageInfo(TRIMESTER_1, None)
    if re.search(r"\bhalfway\b", norm):
        return StageInfo(TRIMESTER_2, 20.0)
    if re.search(r"\b(?:nearly\s+|almost\s+)?full\s+term\b", norm):
        return StageInfo(TRIMESTER_3, None)
    if re.search(r"\b(?:late|end\s+of\s+(?:my|the))\s+(?:in\s+(?:my|the)\s+)?pregnancy\b", norm):
        return StageInfo(TRIMESTER_3, None)
    return None


def find_stage_mention(text: str, max_tokens: int = 10) -> tuple[StageInfo, int, int] | None:
    """Find the shortest span of ``text`` that names a stage, as (info, start, end).

    The span is the shortest run of words whose parse equals the parse of the
    whole text (falling back to one with the same stage id); None when the text
    names no stage.
    """
    whole = parse_stage(text)
    if whole is None:
        return None
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    same_stage: tuple[int, int] | None = None
    for size in range(1, min(max_tokens, len(words)) + 1):
        for i in range(len(words) - size + 1):
            start, end = words[i][0], words[i + size - 1][1]
            while end > start and text[end - 1] in ".,!?;:)\"'":
                end -= 1
            while start < end and text[start] in "(\"'":
                start += 1
            info = parse_stage(text[start:end])
            if info == whole:
                return whole, start, end
            if info is not None and info.stage == whole.stage and same_stage is None:
                same_stage = (start, end)
    if same_stage is not None:
        return whole, same_stage[0], same_stage[1]
    return whole, 0, len(text)
