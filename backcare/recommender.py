"""Pick exercises for a stage and body areas from the knowledge base, deterministically."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backcare.knowledge_base import AREAS, STAGES, Exercise, KnowledgeBase

# With no area given we recommend for the low back: the documents say pregnancy and postpartum
# back pain shows up there most often.
DEFAULT_AREAS = ("lower_back",)
UNKNOWN_STAGE = "unknown"
UNKNOWN_STAGE_NOTE = (
    "As I don't know your stage, I only suggest exercises the guides support in every "
    "trimester and after birth. Tell me how far along you are, or how long ago you gave birth, "
    "for more options."
)
AREA_PHRASES = {
    "lower_back": "lower back",
    "mid_back": "mid back",
    "upper_back": "upper back",
    "neck_shoulders": "neck and shoulders",
    "hips_pelvis": "hips and pelvis",
    "glutes": "glutes",
}
STAGE_PHRASES = {
    "trimester_1": "the first trimester",
    "trimester_2": "the second trimester",
    "trimester_3": "the third trimester",
    "postpartum": "the time after birth",
}


@dataclass(frozen=True)
class Recommendation:
    """One suggested exercise and why it was chosen."""

    exercise: Exercise
    reason: str


@dataclass(frozen=True)
class RecommendationResult:
    """A page of recommendations plus what the caller should tell the person."""

    recommendations: tuple[Recommendation, ...]
    stage: str | None
    stage_known: bool
    note: str | None
    see_provider: bool
    exhausted: bool


def recommend(
    kb: KnowledgeBase,
    stage: str | None,
    areas: Iterable[str],
    exclude: Iterable[str] = (),
    limit: int = 3,
) -> RecommendationResult:
    """Recommend up to `limit` exercises for the areas that suit the stage, skipping `exclude`.

    Stage None or "unknown" allows only exercises suited to every stage. Areas listed as
    uncovered for the stage get the see-a-provider reason instead of exercises.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    stage = None if stage in (None, UNKNOWN_STAGE) else stage
    if stage is not None and stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    wanted = tuple(dict.fromkeys(areas)) or DEFAULT_AREAS
    unknown_areas = [area for area in wanted if area not in AREAS]
    if unknown_areas:
        raise ValueError(f"unknown area(s): {', '.join(unknown_areas)}")

    uncovered = [area for area in wanted if (area, stage) in kb.uncovered]
    covered = [area for area in wanted if area not in uncovered]
    notes = [UNKNOWN_STAGE_NOTE] if stage is None else []
    notes += dict.fromkeys(kb.uncovered[(area, stage)] for area in uncovered)

    candidates = [
        exercise
        for exercise in kb.exercises.values()
        if _suits(exercise, stage) and set(exercise.areas) & set(covered)
    ]
    candidates.sort(key=lambda exercise: _rank(kb, exercise, stage, covered))
    shown = set(exclude)
    remaining = [exercise for exercise in candidates if exercise.id not in shown]
    return RecommendationResult(
        recommendations=tuple(
            Recommendation(exercise, _reason(exercise, stage, covered))
            for exercise in remaining[:limit]
        ),
        stage=stage,
        stage_known=stage is not None,
        note=" ".join(notes) or None,
        see_provider=bool(uncovered),
        exhausted=bool(candidates) and not remaining,
    )


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


def _reason(exercise: Exercise, stage: str | None, areas: list[str]) -> str:
    matched = [AREA_PHRASES[area] for area in areas if area in exercise.areas]
    helps = matched[0] if len(matched) == 1 else f"{', '.join(matched[:-1])} and {matched[-1]}"
    if stage is None:
        return f"Helps your {helps} and the guides support it in every trimester and after birth."
    reason = f"Helps your {helps} and suits {STAGE_PHRASES[stage]}."
    if stage in exercise.preferred_stages:
        reason += " The guide singles it out for this stage."
    return reason
