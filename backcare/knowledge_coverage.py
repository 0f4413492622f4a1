"""The coverage rule: every (area, stage) pair has at least two suitable exercises, or is
listed in coverage.yml with the reason and the nearest help to offer instead."""

from __future__ import annotations

from pathlib import Path

from backcare.knowledge_files import KnowledgeBaseError, read_entries
from backcare.knowledge_model import AREAS, STAGES, Exercise, KnowledgeBase, NearestHelp, Tip


def read_coverage(
    path: Path, exercises: dict[str, Exercise], tips: tuple[Tip, ...]
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], NearestHelp]]:
    """Uncovered pairs with their reason, and what to offer instead (nearest areas, tips)."""
    uncovered: dict[tuple[str, str], str] = {}
    nearest: dict[tuple[str, str], NearestHelp] = {}
    for entry in read_entries(path, "uncovered", id_key=None):
        area, stage = entry.text("area"), entry.text("stage")
        entry.label = f"{area}/{stage}"
        if area not in AREAS or stage not in STAGES:
            raise entry.error("unknown area or stage")
        if (area, stage) in uncovered:
            raise entry.error("duplicate pair")
        uncovered[(area, stage)] = entry.text("reason")
        nearest_areas = entry.ids("nearest_areas", AREAS, required=False)
        if area in nearest_areas:
            raise entry.error("'nearest_areas' must not name the area itself")
        for nearest_area in nearest_areas:
            if not any(
                nearest_area in ex.areas and stage in ex.stages for ex in exercises.values()
            ):
                raise entry.error(
                    f"nearest area {nearest_area!r} has no exercise that suits {stage!r}"
                )
        tip_ids = entry.ids("tip_ids", (tip.id for tip in tips), required=False)
        if not nearest_areas and not tip_ids:
            raise entry.error("give 'nearest_areas' with exercises for the stage or 'tip_ids'")
        nearest[(area, stage)] = NearestHelp(nearest_areas=nearest_areas, tip_ids=tip_ids)
    return uncovered, nearest


def check_coverage(kb: KnowledgeBase, path: Path) -> None:
    """Every (area, stage) pair has two suitable exercises or is listed as uncovered."""
    for area in AREAS:
        for stage in STAGES:
            count = len(kb.suitable_exercises(area, stage))
            listed = (area, stage) in kb.uncovered
            if count < 2 and not listed:
                raise KnowledgeBaseError(
                    f"{path.name}: entry '{area}/{stage}': only {count} suitable exercise(s); "
                    "list the pair under 'uncovered' with a reason"
                )
            if count >= 2 and listed:
                raise KnowledgeBaseError(
                    f"{path.name}: entry '{area}/{stage}': listed as uncovered but has "
                    f"{count} suitable exercises"
                )
