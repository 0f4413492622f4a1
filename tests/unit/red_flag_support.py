"""Helpers for the red-flag screen's tests: the level a message is screened at, and its signs."""

from __future__ import annotations

from backcare.red_flags import RedFlagDetector

# reduced movements in words no sign of the rules holds ("quiet", "somersaults"): the learned
# second opinion's to hear
QUIET_BABY = (
    "my little one has been really quiet all afternoon, usually he's doing somersaults by now, "
    "33 weeks and my back aches"
)


def level(detector: RedFlagDetector, text: str) -> str:
    """ "emergency", "see_soon", "routine", "question" (asks about warning signs) or "none"."""
    screening = detector.screen(text)
    if screening.urgency is not None:
        return screening.urgency.value
    if screening.routine_signs:
        return "routine"
    return "question" if screening.asks_about_warning_signs else "none"


def signs(detector: RedFlagDetector, text: str) -> set[str]:
    """The ids of the signs that escalate."""
    return {sign.id for sign in detector.screen(text).signs}
