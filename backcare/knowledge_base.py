"""Load and validate the guidance knowledge base in backcare/knowledge/*.yml."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
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
NO_STEPS_MESSAGE = (
    "The guides name this exercise but don't explain how to do it, so please ask a physical "
    "therapist or a prenatal fitness instructor to show you good form."
)


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
    """A general caution from the documents."""

    id: str
    text: str
    source_ids: tuple[str, ...]


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

    @property
    def has_documented_steps(self) -> bool:
        """Whether a document describes how to do it."""
        return bool(self.steps)


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
class KnowledgeBase:
    """All guidance, validated and cross-referenced."""

    sources: dict[str, Source]
    exercises: dict[str, Exercise]
    causes: tuple[Cause, ...]
    tips: tuple[Tip, ...]
    general_cautions: tuple[Caution, ...]
    uncovered: dict[tuple[str, str], str]

    def source_titles(self, item: Item) -> list[str]:
        """Titles of the documents an item comes from."""
        return [self.sources[source_id].title for source_id in item.source_ids]

    def citation(self, item: Item) -> str:
        """A short citation line such as 'Source: <title>'."""
        return self._cite(item.source_ids)

    def _cite(self, source_ids: Iterable[str]) -> str:
        titles = [self.sources[source_id].title for source_id in dict.fromkeys(source_ids)]
        label = "Source" if len(titles) == 1 else "Sources"
        return f"{label}: {'; '.join(titles)}"

    def suitable_exercises(self, area: str, stage: str) -> list[Exercise]:
        """Exercises that help an area and suit a stage, in file order."""
        return [ex for ex in self.exercises.values() if area in ex.areas and stage in ex.stages]

    def causes_for(self, area: str | None = None, stage: str | None = None) -> list[Cause]:
        """Causes for an area and stage; None (or stage 'unknown') matches all."""
        _check_id(area, AREAS, "area")
        stage = None if stage == "unknown" else stage
        _check_id(stage, STAGES, "stage")
        return [
            cause
            for cause in self.causes
            if (area is None or area in cause.areas) and (stage is None or stage in cause.stages)
        ]

    def tips_for(self, topic: str) -> list[Tip]:
        """Tips on one self-care topic, in file order."""
        _check_id(topic, TIP_TOPICS, "tip topic")
        return [tip for tip in self.tips if tip.topic == topic]

    def how_to(self, exercise: Exercise) -> str:
        """Numbered steps and dosage with citation, or a note that no document gives steps."""
        lines = [f"{number}. {step}" for number, step in enumerate(exercise.steps, start=1)]
        if not lines:
            lines.append(NO_STEPS_MESSAGE)
        if exercise.dosage:
            lines.append(f"How much: {exercise.dosage}.")
        steps_ids = [exercise.steps_source_id] if exercise.steps_source_id else []
        how_to_ids = [*steps_ids, *exercise.dosage_source_ids] or exercise.source_ids
        return "\n".join([*lines, self._cite(how_to_ids)])


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


def _read_cautions(path: Path, sources: dict[str, Source]) -> tuple[Caution, ...]:
    return tuple(
        Caution(id=entry.id, text=entry.text("text"), source_ids=entry.ids("source_ids", sources))
        for entry in _entries(path, "cautions")
    )


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
        cautions=tuple(cautions[caution_id] for caution_id in entry.ids("cautions", cautions)),
        source_ids=source_ids,
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


def _read_uncovered(path: Path) -> dict[tuple[str, str], str]:
    uncovered = {}
    for entry in _entries(path, "uncovered", id_key=None):
        area, stage = entry.text("area"), entry.text("stage")
        entry.label = f"{area}/{stage}"
        if area not in AREAS or stage not in STAGES:
            raise entry.error("unknown area or stage")
        if (area, stage) in uncovered:
            raise entry.error("duplicate pair")
        uncovered[(area, stage)] = entry.text("reason")
    return uncovered


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
    kb = KnowledgeBase(
        sources=sources,
        exercises=_read_exercises(
            directory / "exercises.yml", sources, {caution.id: caution for caution in cautions}
        ),
        causes=_read_causes(directory / "causes.yml", sources),
        tips=_read_tips(directory / "tips.yml", sources),
        general_cautions=cautions,
        uncovered=_read_uncovered(directory / "cautions.yml"),
    )
    _check_coverage(kb, directory / "cautions.yml")
    return kb


@functools.lru_cache(maxsize=1)
def _load_default() -> KnowledgeBase:
    return _load(KNOWLEDGE_DIR)


def load_knowledge_base(directory: Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base; the default directory is loaded once and cached."""
    return _load_default() if directory is None else _load(Path(directory))
