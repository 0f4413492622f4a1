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
            "kind",
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


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("stage", STAGES)
def test_every_area_and_stage_is_covered_or_sends_to_a_provider(kb, area, stage):
    if len(kb.suitable_exercises(area, stage)) >= 2:
        assert (area, stage) not in kb.uncovered
        return
    reason = kb.uncovered.get((area, stage))
    assert reason, f"{area}/{stage} has fewer than two exercises and no reason"
    result = recommend(kb, stage, [area])
    assert result.uncovered == (area,)
    nearest_areas, tips = kb.nearest_help(area, stage)
    assert nearest_areas or tips, f"{area}/{stage} is a dead end"
    for nearest_area in nearest_areas:
        assert nearest_area != area and kb.suitable_exercises(nearest_area, stage)


def test_lookups(kb):
    assert all(cause.stages for cause in kb.causes_for("upper_back", "trimester_3"))
    assert kb.causes_for("glutes", "postpartum")
    assert kb.causes_for(None, None) == list(kb.causes)
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
        ("causes.yml", lambda d: d["causes"][0].update(stages=["later"]), "common_in_pregnancy"),
        ("tips.yml", lambda d: d["tips"][0].update(topic="diet"), "posture_everyday"),
        ("coverage.yml", lambda d: d["uncovered"].pop(), "neck_shoulders/postpartum"),
        ("exercises.yml", lambda d: d["exercises"][0].update(kind="dance"), "pelvic_tilts"),
        ("exercises.yml", lambda d: d["exercises"][0].pop("kind"), "pelvic_tilts"),
        (
            "routine.yml",
            lambda d: d["frequencies"][0].update(exercises=["seated_rows"]),
            "upper_back_set",
        ),
        (
            "routine.yml",
            lambda d: d["frequencies"][1].update(stages=["postpartum"]),
            "few_times_a_week_in_pregnancy",
        ),
        ("routine.yml", lambda d: d["session"].update(min_minutes=30), "session"),
        ("routine.yml", lambda d: d["session"].update(source_ids=["nope"]), "session"),
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


PREGNANCY = ("trimester_1", "trimester_2", "trimester_3")


def test_caution_stages_are_backed_by_their_sources(kb):
    for caution in kb.general_cautions:
        assert caution.stages and set(caution.stages) <= set(STAGES), caution.id
        source_stages = {s for sid in caution.source_ids for s in kb.sources[sid].stages}
        assert set(caution.stages) <= source_stages, caution.id
    cautions = {caution.id: caution for caution in kb.general_cautions}
    assert cautions["consult_provider_first"].stages == PREGNANCY
    assert cautions["pelvic_floor_physio_after_birth"].stages == ("postpartum",)
    assert cautions["severe_pain_get_checked"].stages == STAGES
    assert _raw("cautions.yml")["cautions"][4].get("stages") is None  # absent means every stage


def test_every_exercise_has_a_caution_at_each_of_its_stages(kb):
    for exercise in kb.exercises.values():
        for stage in exercise.stages:
            assert kb.cautions_for(exercise, stage), f"{exercise.id} at {stage}"
        for caution in exercise.cautions:
            assert set(caution.stages) & set(exercise.stages), (exercise.id, caution.id)


def test_cautions_for_filters_by_stage(kb):
    childs_pose = kb.exercises["childs_pose"]
    after_birth = [caution.id for caution in kb.cautions_for(childs_pose, "postpartum")]
    assert "consult_provider_first" not in after_birth
    assert "pelvic_floor_physio_after_birth" in after_birth
    in_pregnancy = [caution.id for caution in kb.cautions_for(childs_pose, "trimester_2")]
    assert "consult_provider_first" in in_pregnancy
    assert "pelvic_floor_physio_after_birth" not in in_pregnancy
    assert kb.cautions_for(childs_pose, None) == list(childs_pose.cautions)
    for not_a_stage in ("trimester_4", "unknown"):  # the adapter turns "unknown" into None
        with pytest.raises(ValueError):
            kb.cautions_for(childs_pose, not_a_stage)
    general = [caution.id for caution in kb.general_cautions_for("postpartum")]
    assert "pelvic_floor_physio_after_birth" in general and "consult_provider_first" not in general
    assert kb.general_cautions_for(None) == list(kb.general_cautions)


def test_why_holds_at_every_stage_and_stage_rationale_is_separate(kb):
    for exercise in kb.exercises.values():
        if set(exercise.stages) & set(PREGNANCY) and "postpartum" in exercise.stages:
            assert "after birth" not in exercise.why.lower(), exercise.id
            assert "pregnan" not in exercise.why.lower(), exercise.id
        assert set(dict(exercise.why_by_stage)) <= set(exercise.stages), exercise.id
    breathing = kb.exercises["deep_breathing"]
    assert breathing.why_for("trimester_1") == breathing.why
    assert breathing.why_for(None) == breathing.why
    assert breathing.why_for("postpartum") != breathing.why
    assert "after birth" in breathing.why_for("postpartum")


def test_uncovered_reason_is_one_sentence_without_referral(kb):
    for reason in kb.uncovered.values():
        assert reason.count(".") == 1 and reason.endswith("."), reason
        assert "therapist" not in reason and "physio" not in reason and "provider" not in reason
        assert reason.startswith("The guides name no exercise"), reason


def test_nearest_help(kb):
    areas, tips = kb.nearest_help("glutes", "trimester_2")
    assert areas == ["hips_pelvis", "lower_back"]
    assert [tip.id for tip in tips] == ["build_supporting_strength", "routine_mix"]
    areas, tips = kb.nearest_help("neck_shoulders", "postpartum")
    assert areas == ["upper_back"] and tips
    assert all(
        "postpartum" in ex.stages for ex in kb.suitable_exercises("upper_back", "postpartum")
    )
    assert kb.nearest_help("lower_back", "postpartum") == ([], [])
    assert kb.nearest_help("glutes", None) == ([], [])
    with pytest.raises(ValueError):
        kb.nearest_help("elbow", "postpartum")
    with pytest.raises(ValueError):
        kb.nearest_help("glutes", "later")


def test_new_reassurance_content(kb):
    assert any(c.id == "common_in_pregnancy" for c in kb.causes_for("upper_back", "trimester_1"))
    after_birth = [c.id for c in kb.causes_for("neck_shoulders", "postpartum")]
    assert "after_birth_pain_usually_eases" in after_birth
    assert kb.causes_for("glutes", "trimester_3")


def _set_caution(index: int, **values):
    return lambda d: d["cautions"][index].update(values)


def _set_uncovered(index: int, **values):
    return lambda d: d["uncovered"][index].update(values)


def _set_exercise(exercise_id: str, **values):
    def edit(d):
        next(e for e in d["exercises"] if e["id"] == exercise_id).update(values)

    return edit


@pytest.mark.parametrize(
    ("file_name", "edit", "entry_id", "message"),
    [
        ("cautions.yml", _set_caution(0, stages=["later"]), "consult_provider_first", "unknown"),
        ("cautions.yml", _set_caution(0, stages=[]), "consult_provider_first", "empty"),
        (
            "cautions.yml",
            _set_caution(0, stages=["postpartum"]),
            "consult_provider_first",
            "none of its sources",
        ),
        (
            "cautions.yml",
            _set_caution(6, stages=["trimester_1"]),
            "pelvic_floor_physio_after_birth",
            "none of its sources",
        ),
        (
            "exercises.yml",
            _set_exercise("glute_bridge", cautions=["consult_provider_first"]),
            "glute_bridge",
            "applies to none",
        ),
        (
            "exercises.yml",
            _set_exercise("deep_breathing", cautions=["consult_provider_first"]),
            "deep_breathing",
            "no caution applies at stage 'postpartum'",
        ),
        (
            "exercises.yml",
            _set_exercise("pelvic_tilts", why_by_stage={"postpartum": "x"}),
            "pelvic_tilts",
            "why_by_stage",
        ),
        (
            "exercises.yml",
            _set_exercise("deep_breathing", why_by_stage={"postpartum": ""}),
            "deep_breathing",
            "why_by_stage",
        ),
        ("coverage.yml", _set_uncovered(0, nearest_areas=["elbow"]), "glutes/trimester_1", "elbow"),
        (
            "coverage.yml",
            _set_uncovered(0, nearest_areas=["glutes"]),
            "glutes/trimester_1",
            "itself",
        ),
        (
            "coverage.yml",
            _set_uncovered(3, nearest_areas=["glutes", "neck_shoulders"]),
            "neck_shoulders/postpartum",
            "itself",
        ),
        (
            "coverage.yml",
            _set_uncovered(0, nearest_areas=["hips_pelvis", "hips_pelvis"]),
            "glutes/trimester_1",
            "duplicate",
        ),
        ("coverage.yml", _set_uncovered(0, tip_ids=["no_such_tip"]), "glutes/trimester_1", "tip"),
        (
            "coverage.yml",
            _set_uncovered(0, nearest_areas=[], tip_ids=[]),
            "glutes/trimester_1",
            "tip_ids",
        ),
    ],
)
def test_bad_stage_and_nearest_data_is_rejected(tmp_path, file_name, edit, entry_id, message):
    directory = _copy_with(tmp_path, file_name, edit)
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(directory)
    text = str(error.value)
    assert file_name in text and entry_id in text and message in text, text


def test_nearest_area_without_exercises_for_the_stage_is_rejected(tmp_path):
    def drop_mid_back_after_birth(d):
        for exercise in d["exercises"]:
            if "postpartum" in exercise["stages"] and "mid_back" in exercise["areas"]:
                exercise["areas"].remove("mid_back")

    directory = _copy_with(tmp_path, "exercises.yml", drop_mid_back_after_birth)
    coverage_path = directory / "coverage.yml"
    coverage = yaml.safe_load(coverage_path.read_text(encoding="utf-8"))
    coverage["uncovered"][3]["nearest_areas"] = ["mid_back"]
    coverage_path.write_text(yaml.safe_dump(coverage, sort_keys=False), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="nearest area 'mid_back' has no exercise"):
        load_knowledge_base(directory)


def test_uncovered_pairs_may_rely_on_tips_alone(tmp_path):
    directory = _copy_with(tmp_path, "coverage.yml", _set_uncovered(3, nearest_areas=[]))
    kb = load_knowledge_base(directory)
    areas, tips = kb.nearest_help("neck_shoulders", "postpartum")
    assert areas == [] and tips
