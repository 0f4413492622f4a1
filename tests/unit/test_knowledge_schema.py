"""Schema and consistency checks for backcare/knowledge/*.yml."""

import shutil
from pathlib import Path

import pytest
import yaml

from backcare.knowledge_base import (
    AREAS,
    KNOWLEDGE_DIR,
    STAGES,
    TIP_TOPICS,
    KnowledgeBase,
    KnowledgeBaseError,
    load_knowledge_base,
)
from backcare.recommender import recommend

REQUIRED_FIELDS = {
    "sources.yml": ("sources", {"id", "file", "title", "author_kind", "stages", "areas"}),
    "exercises.yml": (
        "exercises",
        {
            "id",
            "name",
            "aliases",
            "areas",
            "stages",
            "stage_basis",
            "steps",
            "why",
            "cautions",
            "source_ids",
        },
    ),
    "causes.yml": ("causes", {"id", "areas", "stages", "text", "source_ids"}),
    "tips.yml": ("tips", {"id", "topic", "text", "source_ids"}),
    "cautions.yml": ("cautions", {"id", "text", "source_ids"}),
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def _raw(file_name: str) -> dict:
    return yaml.safe_load((KNOWLEDGE_DIR / file_name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("file_name", sorted(REQUIRED_FIELDS))
def test_every_entry_has_required_fields_and_unique_id(file_name):
    key, required = REQUIRED_FIELDS[file_name]
    entries = _raw(file_name)[key]
    assert entries
    for entry in entries:
        assert required <= set(
            entry
        ), f"{file_name}: {entry.get('id')} misses {required - set(entry)}"
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids))


def test_default_knowledge_base_is_cached(kb):
    assert load_knowledge_base() is kb


def test_references_and_ids_are_valid(kb):
    items = [*kb.exercises.values(), *kb.causes, *kb.tips, *kb.general_cautions]
    for item in items:
        assert item.source_ids and set(item.source_ids) <= set(kb.sources), item.id
    for source in kb.sources.values():
        assert set(source.stages) <= set(STAGES) and set(source.areas) <= set(AREAS)
    for item in [*kb.exercises.values(), *kb.causes]:
        assert set(item.areas) <= set(AREAS) and set(item.stages) <= set(STAGES), item.id
    assert {tip.topic for tip in kb.tips} == set(TIP_TOPICS)


def test_every_source_document_is_used(kb):
    used = {source_id for exercise in kb.exercises.values() for source_id in exercise.source_ids}
    assert used == set(kb.sources)


def test_derived_titles_are_marked(kb):
    derived = {source.file[:3] for source in kb.sources.values() if source.title_derived}
    assert derived == {"000", "003"}


def test_exercise_stages_are_backed_by_their_sources(kb):
    for exercise in kb.exercises.values():
        source_stages = {s for sid in exercise.source_ids for s in kb.sources[sid].stages}
        assert set(exercise.stages) <= source_stages, exercise.id
        assert set(exercise.preferred_stages) <= set(exercise.stages), exercise.id


def test_steps_and_dosage_come_from_a_cited_source_that_gives_them(kb):
    for exercise in kb.exercises.values():
        if exercise.has_documented_steps:
            assert exercise.steps_source_id in exercise.source_ids, exercise.id
            assert kb.sources[exercise.steps_source_id].gives_steps, exercise.id
        else:
            assert exercise.steps_source_id is None, exercise.id
        assert set(exercise.dosage_source_ids) <= set(exercise.source_ids), exercise.id
        assert bool(exercise.dosage) == bool(exercise.dosage_source_ids), exercise.id
        assert not (exercise.dosage or "").endswith("."), exercise.id


def test_how_to_without_steps_points_to_a_professional(kb):
    text = kb.how_to(kb.exercises["glute_bridge"])
    assert "physical therapist" in text and "Source:" in text
    assert "1." in kb.how_to(kb.exercises["wall_angels"])


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("stage", STAGES)
def test_every_area_and_stage_is_covered_or_sends_to_a_provider(kb, area, stage):
    if len(kb.suitable_exercises(area, stage)) >= 2:
        assert (area, stage) not in kb.uncovered
        return
    reason = kb.uncovered.get((area, stage))
    assert reason, f"{area}/{stage} has fewer than two exercises and no reason"
    result = recommend(kb, stage, [area])
    assert result.see_provider and result.note == reason and not result.recommendations


def test_citation_and_lookups(kb):
    assert kb.citation(kb.exercises["wall_angels"]).startswith("Source: ")
    assert kb.citation(kb.exercises["cat_cow"]).startswith("Sources: ")
    assert all(cause.stages for cause in kb.causes_for("upper_back", "trimester_3"))
    assert kb.causes_for("glutes", "postpartum")
    assert kb.causes_for(None, "unknown") == list(kb.causes)
    assert kb.tips_for("sleep")
    with pytest.raises(ValueError):
        kb.tips_for("cooking")


def _copy_with(tmp_path: Path, file_name: str, edit) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, directory)
    data = yaml.safe_load((directory / file_name).read_text(encoding="utf-8"))
    edit(data)
    (directory / file_name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("file_name", "edit", "entry_id"),
    [
        ("exercises.yml", lambda d: d["exercises"][1].update(areas=["elbow"]), "cat_cow"),
        ("exercises.yml", lambda d: d["exercises"][0].pop("why"), "pelvic_tilts"),
        (
            "exercises.yml",
            lambda d: d["exercises"][2].update(steps="just do it"),
            "seated_stretches",
        ),
        ("exercises.yml", lambda d: d["exercises"][3].update(source_ids=["nope"]), "childs_pose"),
        (
            "exercises.yml",
            lambda d: d["exercises"][-1].update(stages=["trimester_1"]),
            "upper_back_stretches",
        ),
        ("exercises.yml", lambda d: d["exercises"].append(dict(d["exercises"][0])), "pelvic_tilts"),
        ("causes.yml", lambda d: d["causes"][0].update(stages=["later"]), "pregnancy_body_changes"),
        ("tips.yml", lambda d: d["tips"][0].update(topic="diet"), "posture_everyday"),
        ("cautions.yml", lambda d: d["uncovered"].pop(), "neck_shoulders/postpartum"),
    ],
)
def test_bad_data_names_file_and_entry(tmp_path, file_name, edit, entry_id):
    directory = _copy_with(tmp_path, file_name, edit)
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(directory)
    assert file_name in str(error.value) and entry_id in str(error.value)


def test_unreadable_yaml_names_the_file(tmp_path):
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, directory)
    (directory / "tips.yml").write_text("tips: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="tips.yml"):
        load_knowledge_base(directory)
