"""Recommender behaviour on the real knowledge base."""

import pytest

from backcare.knowledge_base import AREAS, STAGES, load_knowledge_base
from backcare.recommender import DEFAULT_AREAS, recommend

TRIMESTERS = ("trimester_1", "trimester_2", "trimester_3")


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def _ids(result):
    return [exercise.id for exercise in result.exercises]


def _all_pages(kb, stage, areas, limit=2):
    shown: list[str] = []
    while True:
        result = recommend(kb, stage, areas, exclude=shown, limit=limit)
        if result.exhausted or not result.exercises:
            return shown, result
        assert not set(_ids(result)) & set(shown)
        shown += _ids(result)


def test_upper_back_second_trimester(kb):
    result = recommend(kb, "trimester_2", ["upper_back"])
    assert {"shoulder_blade_squeezes", "wall_angels"} & set(_ids(result))
    assert result.stage == "trimester_2" and not result.uncovered
    assert all("upper_back" in exercise.areas for exercise in result.exercises)


def test_postpartum_lower_back(kb):
    assert {"glute_bridge", "heel_slides"} & set(_ids(recommend(kb, "postpartum", ["lower_back"])))


@pytest.mark.parametrize("stage", ["trimester_2", "trimester_3"])
@pytest.mark.parametrize("areas", [["lower_back"], ["hips_pelvis"], ["lower_back", "hips_pelvis"]])
def test_hip_flexor_stretch_preferred_later_in_pregnancy(kb, stage, areas):
    ranked, _ = _all_pages(kb, stage, areas)
    assert ranked.index("hip_flexor_stretch") < ranked.index("pelvic_tilts")
    first = recommend(kb, stage, areas, limit=1).exercises[0]
    assert first.id == "hip_flexor_stretch"
    assert stage in first.preferred_stages


def test_hip_flexor_stretch_not_boosted_in_first_trimester(kb):
    ranked, _ = _all_pages(kb, "trimester_1", ["lower_back", "hips_pelvis"])
    assert ranked.index("pelvic_tilts") < ranked.index("hip_flexor_stretch")


@pytest.mark.parametrize("stage", [*STAGES, None])
@pytest.mark.parametrize("area", AREAS)
def test_never_recommends_an_exercise_unsuitable_for_the_stage(kb, stage, area):
    shown, _ = _all_pages(kb, stage, [area])
    for exercise_id in shown:
        stages = kb.exercises[exercise_id].stages
        assert set(STAGES) <= set(stages) if stage is None else stage in stages


def test_glute_bridge_only_where_data_allows(kb):
    allowed = kb.exercises["glute_bridge"].stages
    for stage in TRIMESTERS:
        shown, _ = _all_pages(kb, stage, list(AREAS))
        assert ("glute_bridge" in shown) == (stage in allowed)


def test_unknown_stage_gives_only_all_stage_exercises(kb):
    result = recommend(kb, None, ["lower_back"], limit=10)
    assert result.exercises and result.stage is None
    for exercise in result.exercises:
        assert set(STAGES) <= set(exercise.stages)


def test_paging_never_repeats_and_exhausts(kb):
    shown, last = _all_pages(kb, "trimester_2", ["upper_back"])
    assert len(shown) == len(set(shown)) == len(kb.suitable_exercises("upper_back", "trimester_2"))
    assert last.exhausted and not last.exercises


def test_deterministic_and_limit_respected(kb):
    first = recommend(kb, "trimester_3", ["upper_back", "neck_shoulders"], limit=2)
    assert first == recommend(kb, "trimester_3", ["upper_back", "neck_shoulders"], limit=2)
    assert len(first.exercises) == 2
    assert len(recommend(kb, "postpartum", ["lower_back"], limit=5).exercises) == 5


def test_more_matching_areas_rank_first(kb):
    result = recommend(kb, "trimester_1", ["upper_back", "neck_shoulders"])
    assert all(
        set(exercise.areas) >= {"upper_back", "neck_shoulders"} for exercise in result.exercises
    )


def test_empty_areas_default_to_lower_back(kb):
    assert recommend(kb, "trimester_1", []) == recommend(kb, "trimester_1", DEFAULT_AREAS)


@pytest.mark.parametrize(
    ("area", "stage"), [("glutes", "trimester_2"), ("neck_shoulders", "postpartum")]
)
def test_uncovered_pair_offers_the_nearest_documented_help(kb, area, stage):
    result = recommend(kb, stage, [area], limit=10)
    nearest, tips = kb.nearest_help(area, stage)
    assert result.uncovered == (area,)
    assert result.nearest_areas == tuple(nearest) and result.nearest_tips == tuple(tips)
    assert result.exercises, "an uncovered pair must still get exercises from the guides"
    for exercise in result.exercises:
        assert stage in exercise.stages and set(exercise.areas) & set(nearest)


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("area", AREAS)
def test_every_area_and_stage_gets_exercises_or_tips(kb, area, stage):
    result = recommend(kb, stage, [area])
    assert result.exercises or result.nearest_tips


def test_requested_areas_rank_before_nearest_ones(kb):
    mixed = recommend(kb, "trimester_2", ["glutes", "lower_back"], limit=20)
    direct = [exercise for exercise in mixed.exercises if "lower_back" in exercise.areas]
    assert mixed.exercises[: len(direct)] == tuple(direct)


def test_invalid_input_is_rejected(kb):
    with pytest.raises(ValueError):
        recommend(kb, "trimester_4", ["lower_back"])
    with pytest.raises(ValueError):
        recommend(kb, "postpartum", ["elbow"])
    with pytest.raises(ValueError):
        recommend(kb, "postpartum", ["lower_back"], limit=0)
