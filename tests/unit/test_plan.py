"""The plan builder and its wording, for every stage x area pair."""

import re

import pytest

from backcare.knowledge_base import AREAS, STAGES, load_knowledge_base
from backcare.plan import (
    MAX_EXERCISES,
    PLAN_KINDS,
    build_plan,
    candidates,
    drop_exercise,
    hurt_cautions,
    plan_from_slot,
)
from backcare.replies import (
    NO_PLAN_DOSAGE,
    NO_PLAN_STEPS,
    PLAN_BUTTON,
    cite,
    plan_dropped_reply,
    plan_reply,
)

KB = load_knowledge_base()
PAIRS = [(stage, area) for stage in (*STAGES, None) for area in AREAS]


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


@pytest.mark.parametrize(("stage", "area"), PAIRS)
def test_plan_suits_the_stage_and_area_and_mixes_the_kinds(stage, area):
    plan = build_plan(KB, stage, [area])
    ids = [exercise.id for exercise in plan.exercises]
    assert len(ids) == len(set(ids)) <= MAX_EXERCISES
    for exercise in plan.exercises:
        assert area in exercise.areas
        assert exercise.kind in PLAN_KINDS
        assert stage in exercise.stages if stage else set(STAGES) <= set(exercise.stages)
    offered = {exercise.kind for exercise in candidates(KB, stage, [area])}
    assert offered == {exercise.kind for exercise in plan.exercises}
    assert [PLAN_KINDS.index(ex.kind) for ex in plan.exercises] == sorted(
        PLAN_KINDS.index(ex.kind) for ex in plan.exercises
    )
    assert build_plan(KB, stage, [area]) == plan


@pytest.mark.parametrize(("stage", "area"), PAIRS)
def test_plan_reply_gives_only_the_guides_dosage_time_and_sources(stage, area):
    plan = build_plan(KB, stage, [area])
    text = plan_reply(KB, plan).text
    lines = text.split("\n")
    if stage is not None:
        assert plan.exercises, "every known stage and area has a plan"
    for number, exercise in enumerate(plan.exercises, start=1):
        line = next(line for line in lines if line.startswith(f"{number}. {exercise.name} ("))
        assert (exercise.dosage or NO_PLAN_DOSAGE) in line
        said = line.split(": ", 1)[1].rsplit(" (Source", 1)[0]
        assert _numbers(said) <= _numbers(exercise.dosage or "")
        assert (NO_PLAN_STEPS in line) != exercise.has_documented_steps
        assert KB.sources[exercise.source_ids[0]].title in line
    if plan.exercises:
        assert (plan.min_minutes, plan.max_minutes) == (10, 20)
        assert "Session: 10 to 20 minutes in all." in text
        how_often = next(line for line in lines if line.startswith("How often:"))
        if plan.frequency is not None:
            assert plan.frequency.text in how_often
            assert KB.sources[plan.frequency.source_ids[0]].title in how_often
            assert stage in {s for sid in plan.frequency.source_ids for s in KB.sources[sid].stages}
        else:
            assert not _numbers(how_often)


def test_pregnancy_plans_have_a_frequency_and_after_birth_none_from_pregnancy_guides():
    for area in AREAS:
        assert build_plan(KB, "trimester_2", [area]).frequency is not None
        assert build_plan(KB, "postpartum", [area]).frequency is None


def test_no_named_area_plans_for_the_whole_back():
    plan = build_plan(KB, "trimester_1", [])
    assert plan.areas == () and len(plan.exercises) == MAX_EXERCISES
    assert (
        plan_reply(KB, plan).text.split("\n")[0]
        == "Your plan for your back in your first trimester:"
    )


def test_several_areas_each_get_exercises():
    plan = build_plan(KB, "trimester_3", ["upper_back", "hips_pelvis"])
    assert any("upper_back" in ex.areas for ex in plan.exercises)
    assert any("hips_pelvis" in ex.areas for ex in plan.exercises)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError):
        build_plan(KB, "trimester_5", ["lower_back"])
    with pytest.raises(ValueError):
        build_plan(KB, "trimester_1", "lower_back")
    with pytest.raises(ValueError):
        build_plan(KB, "trimester_1", ["elbow"])


@pytest.mark.parametrize(("stage", "area"), [p for p in PAIRS if p[0] is not None])
def test_dropped_exercise_stays_out_and_the_slot_keeps_the_plan(stage, area):
    plan = build_plan(KB, stage, [area])
    first = plan.exercises[0]
    smaller = drop_exercise(KB, plan, first.id)
    assert first not in smaller.exercises
    again = plan_from_slot(KB, smaller.to_slot())
    assert again == smaller
    assert first.id not in again.to_slot()["exercises"]


def test_unreadable_slot_gives_no_plan():
    assert plan_from_slot(KB, None) is None
    assert plan_from_slot(KB, {"stage": "later", "areas": ["lower_back"]}) is None
    assert plan_from_slot(KB, {"stage": "postpartum", "areas": 3}) is None


def test_hurt_reply_gives_the_guides_caution_for_the_stage():
    plan = build_plan(KB, "postpartum", ["glutes"])
    bridge = KB.exercises["glute_bridge"]
    assert bridge in plan.exercises
    cautions = hurt_cautions(KB, "postpartum")
    assert [c.id for c in cautions] == ["severe_pain_get_checked", "persistent_pain_physio"]
    assert [c.id for c in hurt_cautions(KB, "trimester_1")][0] == "stop_if_discomfort"
    advice = " ".join(caution.text for caution in cautions)
    sources = cite(KB, [source for caution in cautions for source in caution.source_ids])
    opening = f"I'm sorry Glute bridge hurt. {advice} ({sources})"
    text = plan_dropped_reply(KB, bridge, cautions, drop_exercise(KB, plan, bridge.id)).text
    assert text.split("\n")[:3] == [
        opening,
        "I've taken Glute bridge out of your plan.",
        "Your plan for your glutes after birth:",
    ]
    assert "1. Glute bridge" not in text and ". Glute bridge (" not in text
    no_plan = plan_dropped_reply(KB, bridge, cautions, None)
    assert no_plan.text == f"{opening}\nI can make you a plan without it."
    assert no_plan.buttons == (PLAN_BUTTON,)
