"""The guidance knowledge base: load it, validated and cached, from backcare/knowledge/*.yml.

What it holds is defined in knowledge_model.py; knowledge_files.py reads and checks each file,
and knowledge_coverage.py the coverage rule with the help offered where the guides give too
little. The names other modules use with a loaded knowledge base are importable from here.
"""

from __future__ import annotations

import functools
from pathlib import Path

from backcare.knowledge_coverage import check_coverage, read_coverage
from backcare.knowledge_files import (
    KnowledgeBaseError,
    read_causes,
    read_cautions,
    read_exercises,
    read_routine,
    read_sources,
    read_tips,
)
from backcare.knowledge_model import (
    AREAS,
    STAGES,
    TIP_TOPICS,
    Cause,
    Caution,
    Exercise,
    Frequency,
    Item,
    KnowledgeBase,
    Routine,
    Source,
    Tip,
)

__all__ = [
    "AREAS",
    "KNOWLEDGE_DIR",
    "STAGES",
    "TIP_TOPICS",
    "Cause",
    "Caution",
    "Exercise",
    "Frequency",
    "Item",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Routine",
    "Source",
    "Tip",
    "load_knowledge_base",
]

KNOWLEDGE_DIR = Path(__file__).with_name("knowledge")


def load_knowledge_base(directory: Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base; the default directory is loaded once and cached."""
    return _load_default() if directory is None else _load(Path(directory))


@functools.lru_cache(maxsize=1)
def _load_default() -> KnowledgeBase:
    return _load(KNOWLEDGE_DIR)


def _load(directory: Path) -> KnowledgeBase:
    sources = read_sources(directory / "sources.yml")
    cautions = read_cautions(directory / "cautions.yml", sources)
    exercises = read_exercises(
        directory / "exercises.yml", sources, {caution.id: caution for caution in cautions}
    )
    tips = read_tips(directory / "tips.yml", sources)
    uncovered, nearest = read_coverage(directory / "coverage.yml", exercises, tips)
    kb = KnowledgeBase(
        sources=sources,
        exercises=exercises,
        causes=read_causes(directory / "causes.yml", sources),
        tips=tips,
        general_cautions=cautions,
        uncovered=uncovered,
        routine=read_routine(directory / "routine.yml", sources, exercises),
        nearest=nearest,
    )
    check_coverage(kb, directory / "coverage.yml")
    return kb
