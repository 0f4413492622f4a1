"""Pick exercises for a stage and body areas from the knowledge base, deterministically."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backcare.knowledge_base import AREAS, STAGES, Exercise, KnowledgeBase, Tip
from backcare.knowledge_model import check_id

# With no area given we recommend for the low back: the documents say pregnancy and postpartum
# back pain shows up there most often.
DEFAULT_AREAS = ("lower_back",)


@dataclass(frozen=True)
class RecommendationResult:
    """A page of recommended exercises and the facts the reply needs (no wording).

    `uncovered` are requested areas the guides name no exercise for at this stage; for them
    `nearest_areas` are the areas whose exercises (suited to the stage) the guides relate to
    them, and `nearest_tips` the guides' general advice. `stage` is None when unknown: then
    only exercises suited to every stage are recommended.
    """

    exercises: tuple[Exercise, ...]
    stage: str | None
    areas: tuple[str, ...]
    uncovered: tuple[str, ...]
    nearest_areas: tuple[str, ...]
    nearest_tips: tuple[Tip, ...]
    exhausted: bool


def recommend(
    kb: KnowledgeBase,
    stage: str | None,
    areas: Iterable[str],
    exclude: Iterable[str] = (),
    limit: int = 3,
) -> RecommendationResult:
    """Recommend up to `limit` exercises for the areas that suit the stage, skipping `exclude`.

    Stage None (not known) allows only exercises suited to every stage. For an area the
    guides give no exercise for at this stage, exercises for its nearest areas come after
    those for the requested areas, and the guides' general tips for it are returned.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    check_id(stage, STAGES, "stage")
    wanted = tuple(dict.fromkeys(areas)) or DEFAULT_AREAS
    unknown_areas = [area for area in wanted if area not in AREAS]
    if unknown_areas:
        raise ValueError(f"unknown area(s): {', '.join(unknown_areas)}")

    uncovered = tuple(area for area in wanted if (area, stage) in kb.uncovered)
    nearest_areas: list[str] = []
    nearest_tips: list[Tip] = []
    for area in uncovered:
        near, tips = kb.nearest_help(area, stage)
        nearest_areas += [a for a in near if a not in wanted and a not in nearest_areas]
        nearest_tips += [tip for tip in tips if tip not in nearest_tips]
    covered = [area for area in wanted if area not in uncovered]

    direct = _ranked(kb, stage, covered)
    near = [ex for ex in _ranked(kb, stage, nearest_areas) if ex not in direct]
    candidates = direct + near
    shown = set(exclude)
    remaining = [exercise for exercise in candidates if exercise.id not in shown]
    return RecommendationResult(
        exercises=tuple(remaining[:limit]),
        stage=stage,
        areas=wanted,
        uncovered=uncovered,
        nearest_areas=tuple(nearest_areas),
        nearest_tips=tuple(nearest_tips),
        exhausted=bool(candidates) and not remaining,
    )


def _ranked(kb: KnowledgeBase, stage: str | None, areas: list[str]) -> list[Exercise]:
    candidates = [
        exercise
        for exercise in kb.exercises.values()
        if _suits(exercise, stage) and set(exercise.areas) & set(areas)
    ]
    return sorted(candidates, key=lambda exercise: _rank(kb, exercise, stage, areas))


def _suits(exercise: Exercise, stage: str | None) -> bool:
    if stage is None:
        return set(STAGES) <= set(exercise.stages)
    return stage in exercise.stages


def _rank(
    kb: KnowledgeBase, exercise: Exercise, stage: str | None, areas: list[str]
) -> tuple[int, ...]:
    """Sort key, best first: more requested areas, singled out for the stage, more sources
    addressing the area and stage, more specific to the stage; ties keep file order."""
    matched = set(exercise.areas) & set(areas)
    supporting = [
        source
        for source in (kb.sources[source_id] for source_id in exercise.source_ids)
        if matched & set(source.areas) and (stage is None or stage in source.stages)
    ]
    return (
        -len(matched),
        -(stage in exercise.preferred_stages),
        -len(supporting),
        len(exercise.stages),
    )
