"""What the guidance knowledge base holds (ids, items, queries), independent of its files.

Stages are stage ids, or None when the person's stage is not known (the action adapter turns
the slot value "unknown" into None): then every stage's items apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AREAS = ("lower_back", "mid_back", "upper_back", "neck_shoulders", "hips_pelvis", "glutes")
STAGES = ("trimester_1", "trimester_2", "trimester_3", "postpartum")
TIP_TOPICS = (
    "posture",
    "sitting",
    "sleep",
    "lifting",
    "gear",
    "heat_cold",
    "massage",
    "staying_active",
    "exercise_routine",
)
AUTHOR_KINDS = ("fitness_site", "physical_therapy_clinic", "blog", "podcast")
EXERCISE_KINDS = ("mobility", "strengthening", "breathing", "activity", "class")


@dataclass(frozen=True)
class Source:
    """One guidance document the knowledge is based on."""

    id: str
    file: str
    title: str
    title_derived: bool
    publisher: str | None
    author: str | None
    author_kind: str
    gives_steps: bool
    stages: tuple[str, ...]
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Caution:
    """A general caution from the documents, for the stages it applies to (default: all)."""

    id: str
    text: str
    source_ids: tuple[str, ...]
    stages: tuple[str, ...] = STAGES

    def applies_to(self, stage: str | None) -> bool:
        """Whether the caution applies at a stage; None means any stage."""
        return stage is None or stage in self.stages


@dataclass(frozen=True)
class Exercise:
    """An exercise, stretch or practice named in the documents."""

    id: str
    name: str
    aliases: tuple[str, ...]
    areas: tuple[str, ...]
    stages: tuple[str, ...]
    stage_basis: str
    preferred_stages: tuple[str, ...]
    steps: tuple[str, ...]
    steps_source_id: str | None
    dosage: str | None
    dosage_source_ids: tuple[str, ...]
    why: str
    cautions: tuple[Caution, ...]
    source_ids: tuple[str, ...]
    kind: str
    why_by_stage: tuple[tuple[str, str], ...] = ()

    @property
    def has_documented_steps(self) -> bool:
        """Whether a document describes how to do it."""
        return bool(self.steps)

    def why_for(self, stage: str | None) -> str:
        """Why it helps at a stage: the stage's own rationale if it has one, else `why`.

        `why` itself is worded to hold at every stage the exercise suits.
        """
        return dict(self.why_by_stage).get(stage or "", self.why)


@dataclass(frozen=True)
class Cause:
    """A reason for back pain in some areas and stages."""

    id: str
    areas: tuple[str, ...]
    stages: tuple[str, ...]
    text: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Tip:
    """A self-care tip on one topic."""

    id: str
    topic: str
    text: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Frequency:
    """How often to practise, for the listed exercises or at the listed stages."""

    id: str
    text: str
    source_ids: tuple[str, ...]
    exercise_ids: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Routine:
    """How to practise: the session length the guides give and how often, most specific first."""

    min_minutes: int
    max_minutes: int
    session_text: str
    session_source_ids: tuple[str, ...]
    frequencies: tuple[Frequency, ...]


Item = Exercise | Cause | Tip | Caution | Frequency


@dataclass(frozen=True)
class NearestHelp:
    """What to offer for an uncovered (area, stage) pair instead of a dead end."""

    nearest_areas: tuple[str, ...]
    tip_ids: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    """All guidance, validated and cross-referenced."""

    sources: dict[str, Source]
    exercises: dict[str, Exercise]
    causes: tuple[Cause, ...]
    tips: tuple[Tip, ...]
    general_cautions: tuple[Caution, ...]
    uncovered: dict[tuple[str, str], str]
    routine: Routine
    nearest: dict[tuple[str, str], NearestHelp] = field(default_factory=dict)

    def suitable_exercises(self, area: str, stage: str) -> list[Exercise]:
        """Exercises that help an area and suit a stage, in file order."""
        return [ex for ex in self.exercises.values() if area in ex.areas and stage in ex.stages]

    def causes_for(self, area: str | None = None, stage: str | None = None) -> list[Cause]:
        """Causes for an area and stage; None matches all."""
        check_id(area, AREAS, "area")
        check_id(stage, STAGES, "stage")
        return [
            cause
            for cause in self.causes
            if (area is None or area in cause.areas) and (stage is None or stage in cause.stages)
        ]

    def cautions_for(self, exercise: Exercise, stage: str | None) -> list[Caution]:
        """The exercise's cautions that apply at a stage, in file order.

        Stage None returns all of the exercise's cautions.
        """
        check_id(stage, STAGES, "stage")
        return [caution for caution in exercise.cautions if caution.applies_to(stage)]

    def general_cautions_for(self, stage: str | None) -> list[Caution]:
        """General cautions that apply at a stage; None returns all."""
        check_id(stage, STAGES, "stage")
        return [caution for caution in self.general_cautions if caution.applies_to(stage)]

    def nearest_help(self, area: str, stage: str | None) -> tuple[list[str], list[Tip]]:
        """For an uncovered (area, stage) pair: the nearest area ids, in order, whose exercises
        for the stage the guides relate to the area, and tips with the guides' general advice
        for it. Covered pairs (and stage None) give ([], [])."""
        check_id(area, AREAS, "area")
        check_id(stage, STAGES, "stage")
        help_ = self.nearest.get((area, stage))
        if help_ is None:
            return [], []
        tips = {tip.id: tip for tip in self.tips}
        return list(help_.nearest_areas), [tips[tip_id] for tip_id in help_.tip_ids]

    def tips_for(self, topic: str, stage: str | None = None) -> list[Tip]:
        """Tips on one self-care topic, in file order; with a stage, only tips whose sources
        cover that stage (no after-birth tip in pregnancy). None keeps all."""
        check_id(topic, TIP_TOPICS, "tip topic")
        check_id(stage, STAGES, "stage")
        return [
            tip
            for tip in self.tips
            if tip.topic == topic
            and (
                stage is None
                or any(stage in self.sources[source_id].stages for source_id in tip.source_ids)
            )
        ]


def check_id(value: str | None, allowed: tuple[str, ...], kind: str) -> None:
    """Raise ValueError unless `value` is None or one of `allowed`."""
    if value is not None and value not in allowed:
        raise ValueError(f"unknown {kind} {value!r}; expected one of {', '.join(allowed)}")
