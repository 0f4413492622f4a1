"""Words that make a message about another medical matter than back pain (a medicine, another
condition): such a question is neither a warning-sign question nor a request for exercises."""

from __future__ import annotations

import re

OTHER_MEDICAL = re.compile(
    r"\b(?:heartburn|reflux|indigestion|nausea|sickness|vomiting|constipation|piles"
    r"|haemorrhoids|hemorrhoids|thrush|acne|rash|itching|itchy|insomnia|cold|cough|flu|covid"
    r"|anxiety|depression|teeth|tooth|hair|paracetamol|acetaminophen|tylenol|ibuprofen|advil"
    r"|nurofen|aspirin|codeine|co-codamol|naproxen|medicine|medicines|medication|meds|tablets"
    r"|pills|antibiotics|drugs|vaccine|vaccines|jab|supplements?|vitamins?|caffeine|alcohol"
    r"|diet|food|eat|eating)\b",
    re.IGNORECASE,
)


def mentions_other_medical(text: str) -> bool:
    """True when the text names a medicine or a condition other than back pain."""
    return bool(OTHER_MEDICAL.search(text))
