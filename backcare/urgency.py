"""How soon a person needs care (shared by the red-flag screen and its calibration)."""

from __future__ import annotations

import enum


class Urgency(str, enum.Enum):
    """How soon the person needs care.

    EMERGENCY and SEE_SOON escalate; ROUTINE (pain that has simply lasted, or aches at night)
    does not: the exercises are still offered, with a note to mention it to a midwife or physio.
    """

    EMERGENCY = "emergency"
    SEE_SOON = "see_soon"
    ROUTINE = "routine"

    @property
    def rank(self) -> int:
        """Higher is more urgent."""
        return {Urgency.EMERGENCY: 2, Urgency.SEE_SOON: 1, Urgency.ROUTINE: 0}[self]

    @property
    def escalates(self) -> bool:
        return self is not Urgency.ROUTINE
