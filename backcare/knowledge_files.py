"""Read and check the knowledge files (sources, cautions, exercises, causes, tips, routine) into the
model of knowledge_model.py; every error names the file and the entry."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from backcare.knowledge_model import (
    AREAS,
    AUTHOR_KINDS,
    EXERCISE_KINDS,
    STAGES,
    TIP_TOPICS,
    Cause,
    Caution,
    Exercise,
    Frequency,
    Routine,
    Source,
    Tip,
)


class KnowledgeBaseError(ValueError):
    """The knowledge files are missing, malformed or inconsistent."""


class Entry:
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


def read_entries(path: Path, key: str, id_key: str | None = "id") -> list[Entry]:
    """The mappings of the top-level list `key` in a YAML file, with unique ids."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeBaseError(f"{path.name}: cannot read: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise KnowledgeBaseError(f"{path.name}: expected a top-level list '{key}'")
    entries = [Entry(path, raw, index, id_key) for index, raw in enumerate(data[key])]
    seen: set[str] = set()
    for entry in entries:
        if entry.label in seen:
            raise entry.error("duplicate id")
        seen.add(entry.label)
    return entries


def read_sources(path: Path) -> dict[str, Source]:
    sources = {}
    for entry in read_entries(path, "sources"):
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


def _read_stages(entry: Entry, key: str, allowed: Iterable[str]) -> tuple[str, ...] | None:
    """An optional non-empty list of stage ids; None when the key is absent."""
    if entry.raw.get(key) is None:
        return None
    return entry.ids(key, allowed)


def read_cautions(path: Path, sources: dict[str, Source]) -> tuple[Caution, ...]:
    cautions = []
    for entry in read_entries(path, "cautions"):
        source_ids = entry.ids("source_ids", sources)
        stages = _read_stages(entry, "stages", STAGES) or STAGES
        if not set(stages) <= {stage for sid in source_ids for stage in sources[sid].stages}:
            raise entry.error("'stages' include a stage none of its sources covers")
        cautions.append(
            Caution(id=entry.id, text=entry.text("text"), source_ids=source_ids, stages=stages)
        )
    return tuple(cautions)


def _read_why_by_stage(entry: Entry, stages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
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
    entry: Entry, sources: dict[str, Source], cautions: dict[str, Caution]
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
    kind = entry.text("kind")
    if kind not in EXERCISE_KINDS:
        raise entry.error(f"unknown kind {kind!r}; expected one of {', '.join(EXERCISE_KINDS)}")
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
        kind=kind,
        why_by_stage=_read_why_by_stage(entry, stages),
    )


def read_exercises(
    path: Path, sources: dict[str, Source], cautions: dict[str, Caution]
) -> dict[str, Exercise]:
    exercises: dict[str, Exercise] = {}
    owners: dict[str, str] = {}
    for entry in read_entries(path, "exercises"):
        exercise = _read_exercise(entry, sources, cautions)
        for phrase in {exercise.id, exercise.name.lower(), *(a.lower() for a in exercise.aliases)}:
            if owners.setdefault(phrase, exercise.id) != exercise.id:
                raise entry.error(f"name or alias {phrase!r} already belongs to {owners[phrase]}")
        exercises[exercise.id] = exercise
    return exercises


def read_causes(path: Path, sources: dict[str, Source]) -> tuple[Cause, ...]:
    return tuple(
        Cause(
            id=entry.id,
            areas=entry.ids("areas", AREAS),
            stages=entry.ids("stages", STAGES),
            text=entry.text("text"),
            source_ids=entry.ids("source_ids", sources),
        )
        for entry in read_entries(path, "causes")
    )


def read_tips(path: Path, sources: dict[str, Source]) -> tuple[Tip, ...]:
    tips = []
    for entry in read_entries(path, "tips"):
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


def _read_frequency(
    entry: Entry, sources: dict[str, Source], exercises: dict[str, Exercise]
) -> Frequency:
    source_ids = entry.ids("source_ids", sources)
    exercise_ids = entry.ids("exercises", exercises, required=False)
    stages = entry.ids("stages", STAGES, required=False)
    if bool(exercise_ids) == bool(stages):
        raise entry.error("give either 'exercises' or 'stages'")
    for exercise_id in exercise_ids:
        if not set(source_ids) <= set(exercises[exercise_id].source_ids):
            raise entry.error(f"its sources are not all sources of {exercise_id!r}")
    if not set(stages) <= {stage for sid in source_ids for stage in sources[sid].stages}:
        raise entry.error("'stages' include a stage none of its sources covers")
    return Frequency(
        id=entry.id,
        text=entry.text("text"),
        source_ids=source_ids,
        exercise_ids=exercise_ids,
        stages=stages,
    )


def read_routine(path: Path, sources: dict[str, Source], exercises: dict[str, Exercise]) -> Routine:
    """The session length and the frequencies; minutes are whole numbers, min <= max."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeBaseError(f"{path.name}: cannot read: {error}") from error
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path.name}: expected a mapping with 'session'")
    session = Entry(path, data.get("session"), 0, id_key=None)
    session.label = "session"
    minutes = [session.raw.get("min_minutes"), session.raw.get("max_minutes")]
    whole = all(isinstance(value, int) and value > 0 for value in minutes)
    if not whole or minutes[0] > minutes[1]:
        raise session.error("'min_minutes' and 'max_minutes' must be whole minutes, min <= max")
    return Routine(
        min_minutes=minutes[0],
        max_minutes=minutes[1],
        session_text=session.text("text"),
        session_source_ids=session.ids("source_ids", sources),
        frequencies=tuple(
            _read_frequency(entry, sources, exercises)
            for entry in read_entries(path, "frequencies")
        ),
    )
