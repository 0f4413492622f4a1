"""Load and validate the guidance knowledge base in backcare/knowledge/*.yml."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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
KNOWLEDGE_DIR = Path(__file__).with_name("knowledge")


class KnowledgeBaseError(ValueError):
    """The knowledge files are missing, malformed or inconsistent."""


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
        """Whether the caution applies at a stage; None (or 'unknown') means any stage."""
        return stage in (None, "unknown") or stage in self.stages


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


Item = Exercise | Cause | Tip | Caution


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
    nearest: dict[tuple[str, str], NearestHelp] = field(default_factory=dict)

    def suitable_exercises(self, area: str, stage: str) -> list[Exercise]:
        """Exercises that help an area and suit a stage, in file order."""
        return [ex for ex in self.exercises.values() if area in ex.areas and stage in ex.stages]

    def causes_for(self, area: str | None = None, stage: str | None = None) -> list[Cause]:
        """Causes for an area and stage; None (or stage 'unknown') matches all."""
        _check_id(area, AREAS, "area")
        stage = _known_stage(stage)
        return [
            cause
            for cause in self.causes
            if (area is None or area in cause.areas) and (stage is None or stage in cause.stages)
        ]

    def cautions_for(self, exercise: Exercise, stage: str | None) -> list[Caution]:
        """The exercise's cautions that apply at a stage, in file order.

        Stage None (or 'unknown') returns all of the exercise's cautions.
        """
        stage = _known_stage(stage)
        return [caution for caution in exercise.cautions if caution.applies_to(stage)]

    def general_cautions_for(self, stage: str | None) -> list[Caution]:
        """General cautions that apply at a stage; None (or 'unknown') returns all."""
        stage = _known_stage(stage)
        return [caution for caution in self.general_cautions if caution.applies_to(stage)]

    def nearest_help(self, area: str, stage: str) -> tuple[list[str], list[Tip]]:
        """For an uncovered (area, stage) pair: the nearest area ids, in order, whose exercises
        for the stage the guides relate to the area, and tips with the guides' general advice
        for it. Covered pairs (and stage 'unknown') give ([], [])."""
        _check_id(area, AREAS, "area")
        if stage == "unknown":
            return [], []
        _check_id(stage, STAGES, "stage")
        help_ = self.nearest.get((area, stage))
        if help_ is None:
            return [], []
        tips = {tip.id: tip for tip in self.tips}
        return list(help_.nearest_areas), [tips[tip_id] for tip_id in help_.tip_ids]

    def tips_for(self, topic: str, stage: str | None = None) -> list[Tip]:
        """Tips on one self-care topic, in file order; with a stage, only tips whose sources
        cover that stage (no after-birth tip in pregnancy). None or 'unknown' keeps all."""
        _check_id(topic, TIP_TOPICS, "tip topic")
        stage = _known_stage(stage)
        return [
            tip
            for tip in self.tips
            if tip.topic == topic
            and (
                stage is None
                or any(stage in self.sources[source_id].stages for source_id in tip.source_ids)
            )
        ]


def _known_stage(stage: str | None) -> str | None:
    """A stage id, or None for no stage or 'unknown'; raises on anything else."""
    stage = None if stage == "unknown" else stage
    _check_id(stage, STAGES, "stage")
    return stage


def _check_id(value: str | None, allowed: tuple[str, ...], kind: str) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"unknown {kind} {value!r}; expected one of {', '.join(allowed)}")


class _Entry:
    """One YAML mapping being read; errors name the file and the entry id."""

    def __init__(self, path: Path, raw: Any, index: int, id_key: str | None = "id") -> None:
        self.path = path
        self.label = f"#{index + 1}"
        if not isinstance(raw, dict):
            raise self.error("entry is not a mapping")
        self.raw = raw
        if id_key is not None:
            self.id = self.text(id_key)
            self.label = self.id

    def error(self, message: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(f"{self.path.name}: entry '{self.label}': {message}")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.raw.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"'{key}' must be a non-empty string")
        return value.strip()

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false")
        return value

    def texts(self, key: str, required: bool = True) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            raise self.error(f"'{key}' must be a list of non-empty strings")
        return tuple(item.strip() for item in value)

    def ids(self, key: str, allowed: Iterable[str], required: bool = True) -> tuple[str, ...]:
        values = self.texts(key, required)
        if required and not values:
            raise self.error(f"'{key}' must not be empty")
        allowed = set(allowed)
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise self.error(f"unknown id(s) in '{key}': {', '.join(unknown)}")
        if len(set(values)) != len(values):
            raise self.error(f"duplicate ids in '{key}'")
        return values


def _entries(path: Path, key: str, id_key: str | None = "id") -> list[_Entry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeBaseError(f"{path.name}: cannot read: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise KnowledgeBaseError(f"{path.name}: expected a top-level list '{key}'")
    entries = [_Entry(path, raw, index, id_key) for index, raw in enumerate(data[key])]
    seen: set[str] = set()
    for entry in entries:
        if entry.label in seen:
            raise entry.error("duplicate id")
        seen.add(entry.label)
    return entries


def _read_sources(path: Path) -> dict[str, Source]:
    sources = {}
    for entry in _entries(path, "sources"):
        author_kind = entry.text("author_kind")
        if author_kind not in AUTHOR_KINDS:
            raise entry.error(f"'author_kind' must be one of {', '.join(AUTHOR_KINDS)}")
        sources[entry.id] = Source(
            id=entry.id,
            file=entry.text("file"),
            title=entry.text("title"),
            title_derived=entry.flag("title_derived"),
            publisher=entry.text("publisher", required=False),
            author=entry.text("author", required=False),
            author_kind=author_kind,
            gives_steps=entry.flag("gives_steps"),
            stages=entry.ids("stages", STAGES),
            areas=entry.ids("areas", AREAS),
        )
    return sources


def _read_stages(entry: _Entry, key: str, allowed: Iterable[str]) -> tuple[str, ...] | None:
    """An optional non-empty list of stage ids; None when the key is absent."""
    if entry.raw.get(key) is None:
        return None
    return entry.ids(key, allowed)


def _read_cautions(path: Path, sources: dict[str, Source]) -> tuple[Caution, ...]:
    cautions = []
    for entry in _entries(path, "cautions"):
        source_ids = entry.ids("source_ids", sources)
        stages = _read_stages(entry, "stages", STAGES) or STAGES
        if not set(stages) <= {stage for sid in source_ids for stage in sources[sid].stages}:
            raise entry.error("'stages' include a stage none of its sources covers")
        cautions.append(
            Caution(id=entry.id, text=entry.text("text"), source_ids=source_ids, stages=stages)
        )
    return tuple(cautions)


def _read_why_by_stage(entry: _Entry, stages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    value = entry.raw.get("why_by_stage")
    if value is None:
        return ()
    if not isinstance(value, dict) or not value:
        raise entry.error("'why_by_stage' must be a non-empty mapping of stage to text")
    pairs = []
    for stage, text in value.items():
        if stage not in stages:
            raise entry.error(f"'why_by_stage' names {stage!r}, which is not one of its stages")
        if not isinstance(text, str) or not text.strip():
            raise entry.error(f"'why_by_stage' text for {stage!r} must be a non-empty string")
        pairs.append((stage, text.strip()))
    return tuple(pairs)


def _read_exercise(
    entry: _Entry, sources: dict[str, Source], cautions: dict[str, Caution]
) -> Exercise:
    source_ids = entry.ids("source_ids", sources)
    stages = entry.ids("stages", STAGES)
    areas = entry.ids("areas", AREAS)
    cited = [sources[source_id] for source_id in source_ids]
    if not set(stages) <= {stage for source in cited for stage in source.stages}:
        raise entry.error("'stages' include a stage none of its sources covers")
    if not set(areas) <= {area for source in cited for area in source.areas}:
        raise entry.error("'areas' include an area none of its sources covers")
    preferred = entry.ids("preferred_stages", stages, required=False)
    steps = entry.texts("steps", required=False)
    steps_source_id = entry.text("steps_source_id", required=False)
    if bool(steps) != (steps_source_id is not None):
        raise entry.error("'steps' and 'steps_source_id' must be given together")
    if steps_source_id is not None and (
        steps_source_id not in source_ids or not sources[steps_source_id].gives_steps
    ):
        raise entry.error("'steps_source_id' must be one of its sources that gives steps")
    dosage = entry.text("dosage", required=False)
    dosage_source_ids = entry.ids("dosage_source_ids", source_ids, required=False)
    if (dosage is None) != (not dosage_source_ids):
        raise entry.error("'dosage' and 'dosage_source_ids' must be given together")
    exercise_cautions = tuple(cautions[cid] for cid in entry.ids("cautions", cautions))
    for caution in exercise_cautions:
        if not set(caution.stages) & set(stages):
            raise entry.error(f"caution {caution.id!r} applies to none of its stages")
    for stage in stages:
        if not any(stage in caution.stages for caution in exercise_cautions):
            raise entry.error(f"no caution applies at stage {stage!r}")
    return Exercise(
        id=entry.id,
        name=entry.text("name"),
        aliases=entry.texts("aliases", required=False),
        areas=areas,
        stages=stages,
        stage_basis=entry.text("stage_basis"),
        preferred_stages=preferred,
        steps=steps,
        steps_source_id=steps_source_id,
        dosage=dosage,
        dosage_source_ids=dosage_source_ids,
        why=entry.text("why"),
        cautions=exercise_cautions,
        source_ids=source_ids,
        why_by_stage=_read_why_by_stage(entry, stages),
    )


def _read_exercises(
    path: Path, sources: dict[str, Source], cautions: dict[str, Caution]
) -> dict[str, Exercise]:
    exercises: dict[str, Exercise] = {}
    owners: dict[str, str] = {}
    for entry in _entries(path, "exercises"):
        exercise = _read_exercise(entry, sources, cautions)
        for phrase in {exercise.id, exercise.name.lower(), *(a.lower() for a in exercise.aliases)}:
            if owners.setdefault(phrase, exercise.id) != exercise.id:
                raise entry.error(f"name or alias {phrase!r} already belongs to {owners[phrase]}")
        exercises[exercise.id] = exercise
    return exercises


def _read_causes(path: Path, sources: dict[str, Source]) -> tuple[Cause, ...]:
    return tuple(
        Cause(
            id=entry.id,
            areas=entry.ids("areas", AREAS),
            stages=entry.ids("stages", STAGES),
            text=entry.text("text"),
            source_ids=entry.ids("source_ids", sources),
        )
        for entry in _entries(path, "causes")
    )


def _read_tips(path: Path, sources: dict[str, Source]) -> tuple[Tip, ...]:
    tips = []
    for entry in _entries(path, "tips"):
        topic = entry.text("topic")
        if topic not in TIP_TOPICS:
            raise entry.error(f"unknown topic {topic!r}")
        tips.append(
            Tip(
                id=entry.id,
                topic=topic,
                text=entry.text("text"),
                source_ids=entry.ids("source_ids", sources),
            )
        )
    return tuple(tips)


def _read_uncovered(
    path: Path, exercises: dict[str, Exercise], tips: tuple[Tip, ...]
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], NearestHelp]]:
    """Uncovered pairs with their reason, and what to offer instead (nearest areas, tips)."""
    uncovered: dict[tuple[str, str], str] = {}
    nearest: dict[tuple[str, str], NearestHelp] = {}
    for entry in _entries(path, "uncovered", id_key=None):
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


def _check_coverage(kb: KnowledgeBase, path: Path) -> None:
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


def _load(directory: Path) -> KnowledgeBase:
    sources = _read_sources(directory / "sources.yml")
    cautions = _read_cautions(directory / "cautions.yml", sources)
    exercises = _read_exercises(
        directory / "exercises.yml", sources, {caution.id: caution for caution in cautions}
    )
    tips = _read_tips(directory / "tips.yml", sources)
    uncovered, nearest = _read_uncovered(directory / "cautions.yml", exercises, tips)
    kb = KnowledgeBase(
        sources=sources,
        exercises=exercises,
        causes=_read_causes(directory / "causes.yml", sources),
        tips=tips,
        general_cautions=cautions,
        uncovered=uncovered,
        nearest=nearest,
    )
    _check_coverage(kb, directory / "cautions.yml")
    return kb


@functools.lru_cache(maxsize=1)
def _load_default() -> KnowledgeBase:
    return _load(KNOWLEDGE_DIR)


def load_knowledge_base(directory: Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base; the default directory is loaded once and cached."""
    return _load_default() if directory is None else _load(Path(directory))
