"""Finding exercises by name, alias, typo or inside a question."""

import pytest

from backcare.exercise_finder import find_exercise
from backcare.knowledge_base import load_knowledge_base

# Every exercise the documents name must be findable (completeness of the knowledge base).
DOCUMENT_EXERCISES = {
    "pelvic tilts": "pelvic_tilts",
    "cat-cow": "cat_cow",
    "seated stretches": "seated_stretches",
    "child's pose": "childs_pose",
    "hip-flexor stretch": "hip_flexor_stretch",
    "hip and glute strengthening": "hip_glute_strengthening",
    "prenatal yoga": "prenatal_yoga",
    "deep breathing": "deep_breathing",
    "diaphragmatic breathing": "deep_breathing",
    "shoulder-blade squeezes": "shoulder_blade_squeezes",
    "wall angels": "wall_angels",
    "chest-opener stretch": "chest_opener_stretch",
    "seated rows": "seated_rows",
    "water exercise": "water_and_ball_exercise",
    "exercise ball": "water_and_ball_exercise",
    "swimming": "swimming_walking",
    "walking": "swimming_walking",
    "glute bridge": "glute_bridge",
    "clams": "clams",
    "fire hydrants": "fire_hydrants",
    "hip mobility drills": "hip_mobility_drills",
    "heel slides": "heel_slides",
    "supported toe taps": "supported_toe_taps",
    "adductor squeezes": "adductor_squeezes",
    "upper back stretches": "upper_back_stretches",
}


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


@pytest.mark.parametrize(("text", "expected"), sorted(DOCUMENT_EXERCISES.items()))
def test_every_document_exercise_is_present(kb, text, expected):
    assert find_exercise(kb, text).id == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shoulder blade squeeze", "shoulder_blade_squeezes"),
        ("wall angel", "wall_angels"),
        ("childs pose", "childs_pose"),
        ("Child\u2019s Pose", "childs_pose"),
        ("cat cow", "cat_cow"),
        ("Cat/Cow stretch", "cat_cow"),
        ("pelvic tilt", "pelvic_tilts"),
        ("glute bridges", "glute_bridge"),
        ("wal angels", "wall_angels"),
        ("wall angles", "wall_angels"),
        ("sholder blade squeezes", "shoulder_blade_squeezes"),
        ("how do I do wall angels?", "wall_angels"),
        ("can you explain the hip flexor stretch please", "hip_flexor_stretch"),
        ("is a yoga ball ok in pregnancy", "water_and_ball_exercise"),
        ("glute_bridge", "glute_bridge"),
    ],
)
def test_finds_exercise(kb, text, expected):
    assert find_exercise(kb, text).id == expected


@pytest.mark.parametrize(
    "text",
    [
        "pizza",
        "how are you",
        "",
        "what exercise should I do",
        "I was talking to my doctor",
        "my upper back hurts",
        "I had my baby 3 weeks ago",
    ],
)
def test_unrelated_text_finds_nothing(kb, text):
    assert find_exercise(kb, text) is None


def test_every_name_and_alias_finds_its_own_exercise(kb):
    for exercise in kb.exercises.values():
        for phrase in (exercise.id, exercise.name, *exercise.aliases):
            assert find_exercise(kb, phrase) is exercise, phrase
