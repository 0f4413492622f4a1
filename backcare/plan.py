"""A short personal routine from the guides: which exercises, how long, how often.

Deterministic and fact-only (the wording is in replies.py). The guides advise combining gentle
mobility, strengthening and breathing in short, regular sessions of 10 to 20 minutes. No guide
gives a time for one exercise, so the plan does not add up per-exercise times: it keeps the
session to the guides' length (`Routine.min_minutes` to `max_minutes`) and holds at most
`MAX_EXERCISES` exercises, each done at the dosage its guide gives (or, without one, gently and
briefly), so that the whole round fits in that time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from backcare.knowledge_model import AREAS, STAGES, Caution, Exercise, Frequency, KnowledgeBase

# The kinds the fitness guide says work best together, in the order of a session.
PLAN_KINDS = ("mobility", "strengthening", "breathing")
# Our bound, not a guide's number: few enough exercises for one unhurried round in 10 minutes.
MAX_EXERCISES = 4
# The guides' advice when an exercise hurts, in order; only those that apply at the stage.
HURT_CAUTION_IDS = ("stop_if_discomfort", "severe_pain_get_checked", "persistent_pain_physio")


@dataclass(frozen=True)
class Plan:
    """A routine for a stage (None: not known, only exercises that suit every stage) and areas."""

    stage: str | None
    areas: tuple[str, ...]
    exercises: tuple[Exercise, ...]
    dropped_ids: tuple[str, ...]
    min_minutes: int
    max_minutes: int
    session_source_ids: tuple[str, ...]
    frequency: Frequency | None

    def to_slot(self) -> dict[str, Any]:
        """What the conversation keeps: enough to build the same plan again."""
        return {
            "stage": self.stage,
            "areas": list(self.areas),
            "dropped": list(self.dropped_ids),
            "exercises": [exercise.id for exercise in self.exercises],
        }


def _suits(exercise: Exercise, stage: str | None) -> bool:
    return set(STAGES) <= set(exercise.stages) if stage is None else stage in exercise.stages


def candidates(
    kb: KnowledgeBase, stage: str | None, areas: Sequence[str], dropped: Iterable[str] = ()
) -> list[Exercise]:
    """Plan-kind exercises for the areas that suit the stage, the areas taken in turn; within
    an area, those with a dosage from the guides first."""
    dropped = set(dropped)
    per_area = [
        [
            exercise
            for exercise in kb.exercises.values()
            if area in exercise.areas
            and _suits(exercise, stage)
            and exercise.kind in PLAN_KINDS
            and exercise.id not in dropped
        ]
        for area in areas
    ]
    per_area = [sorted(row, key=lambda exercise: exercise.dosage is None) for row in per_area]
    ordered = [ex for row in zip_longest(*per_area) for ex in row if ex is not None]
    return list({exercise.id: exercise for exercise in ordered}.values())


def build_plan(
    kb: KnowledgeBase, stage: str | None, areas: Sequence[str], dropped: Iterable[str] = ()
) -> Plan:
    """One exercise of each kind the guides offer for the areas (none named: the whole back),
    then more up to the limit, ordered mobility, strengthening, breathing."""
    if stage is not None and stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    if isinstance(areas, str) or any(area not in AREAS for area in areas):
        raise ValueError(f"unknown areas {areas!r}")
    dropped = tuple(dict.fromkeys(dropped))
    pool = candidates(kb, stage, areas or AREAS, dropped)
    firsts = {kind: next((ex for ex in pool if ex.kind == kind), None) for kind in PLAN_KINDS}
    chosen = [ex for ex in firsts.values() if ex is not None]
    chosen += [ex for ex in pool if ex not in chosen][: MAX_EXERCISES - len(chosen)]
    chosen.sort(key=lambda ex: (PLAN_KINDS.index(ex.kind), pool.index(ex)))
    routine = kb.routine
    return Plan(
        stage=stage,
        areas=tuple(areas),
        exercises=tuple(chosen),
        dropped_ids=dropped,
        min_minutes=routine.min_minutes,
        max_minutes=routine.max_minutes,
        session_source_ids=routine.session_source_ids,
        frequency=_frequency(kb, stage, chosen),
    )


def _frequency(
    kb: KnowledgeBase, stage: str | None, chosen: Sequence[Exercise]
) -> Frequency | None:
    """The first frequency whose sources cover the stage and that names a chosen exercise or
    the stage; None when no guide gives one (after birth, or the stage unknown)."""
    ids = {exercise.id for exercise in chosen}
    for frequency in kb.routine.frequencies:
        covered = {s for sid in frequency.source_ids for s in kb.sources[sid].stages}
        if stage in covered and (ids & set(frequency.exercise_ids) or stage in frequency.stages):
            return frequency
    return None


def plan_from_slot(kb: KnowledgeBase, value: Mapping[str, Any] | None) -> Plan | None:
    """The plan a slot keeps, built again (None when there is none or it is unreadable)."""
    if not isinstance(value, Mapping):
        return None
    try:
        return build_plan(
            kb, value.get("stage"), value.get("areas") or (), value.get("dropped") or ()
        )
    except (TypeError, ValueError):
        return None


def drop_exercise(kb: KnowledgeBase, plan: Plan, exercise_id: str) -> Plan:
    """The plan without an exercise that hurt (kept out of later rebuilds too)."""
    return build_plan(kb, plan.stage, plan.areas, (*plan.dropped_ids, exercise_id))


def hurt_cautions(kb: KnowledgeBase, stage: str | None) -> list[Caution]:
    """The guides' cautions for an exercise that hurt, those that apply at the stage."""
    by_id = {caution.id: caution for caution in kb.general_cautions}
    return [by_id[cid] for cid in HURT_CAUTION_IDS if by_id[cid].applies_to(stage)]
