"""Tests for components.stage_normalizer.StageNormalizer (no trained model needed)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.stage_normalizer import StageNormalizer
from tests.unit.component_support import create


@pytest.fixture()
def normalizer(tmp_path: Any) -> StageNormalizer:
    return create(StageNormalizer, tmp_path)


def _entity(text: str, span: str, entity: str = "stage", value: str | None = None) -> dict:
    start = text.index(span)
    return {
        "entity": entity,
        "start": start,
        "end": start + len(span),
        "value": span if value is None else value,
        "extractor": "DIETClassifier",
    }


def _run(normalizer: StageNormalizer, text: str, entities: list[dict]) -> list[dict]:
    message = Message(data={"text": text, "entities": entities})
    normalizer.process([message])
    return message.get("entities")


def _by_type(entities: list[dict], kind: str) -> list[dict]:
    return [e for e in entities if e["entity"] == kind]


def test_rewrites_the_stage_and_keeps_other_entities(normalizer: StageNormalizer) -> None:
    text = "im 30 wks and my lower back is killing me"
    entities = _run(
        normalizer,
        text,
        [_entity(text, "30 wks"), _entity(text, "lower back", "body_area", "lower_back")],
    )
    assert [(e["entity"], e["value"]) for e in entities] == [
        ("stage", "trimester_3"),
        ("body_area", "lower_back"),
    ]
    stage, _ = entities
    assert stage["processors"] == ["StageNormalizer"]
    assert text[stage["start"] : stage["end"]] == "30 wks"


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("my baby is 2 months old and my hips ache", "my baby is 2 months old", "postpartum"),
        ("second trimester", "second trimester", "trimester_2"),
        # the whole message decides: "4 months" alone reads as pregnant
        ("LO is 4 months and my back aches", "4 months", "postpartum"),
        ("4 months", "4 months", "trimester_2"),
    ],
)
def test_stage_text_becomes_a_stage_id(
    normalizer: StageNormalizer, text: str, span: str, expected: str
) -> None:
    entities = _run(normalizer, text, [_entity(text, span)])
    assert [(e["entity"], e["value"]) for e in entities] == [("stage", expected)]


def test_falls_back_to_value_when_span_invalid(normalizer: StageNormalizer) -> None:
    entity = {"entity": "stage", "start": 50, "end": 60, "value": "2nd tri"}
    entities = _run(normalizer, "hi there", [entity])
    assert _by_type(entities, "stage")[0]["value"] == "trimester_2"


def test_drops_unparseable_stage(normalizer: StageNormalizer) -> None:
    text = "my back is sore today"
    assert _run(normalizer, text, [_entity(text, "today")]) == []


def test_already_normalised_value_is_kept(normalizer: StageNormalizer) -> None:
    text = "pp"
    entities = _run(normalizer, text, [_entity(text, "pp")])
    assert _by_type(entities, "stage")[0]["value"] == "postpartum"


def test_scans_text_when_diet_missed_stage(normalizer: StageNormalizer) -> None:
    text = "hi, I had my baby 3 weeks ago and my back aches"
    entities = _run(normalizer, text, [])
    start = text.index("had my baby 3 weeks ago")
    span = {"start": start, "end": start + len("had my baby 3 weeks ago")}
    assert entities == [
        {"entity": "stage", "value": "postpartum", **span, "extractor": "StageNormalizer"},
    ]


@pytest.mark.parametrize(
    "text",
    [
        "3 weeks ago I hurt my back",
        "I've had this ache for 2 months",
        "I'm pregnant and my back hurts",
        "hello",
        "",
    ],
)
def test_scan_requires_clear_stage_with_context(normalizer: StageNormalizer, text: str) -> None:
    assert _by_type(_run(normalizer, text, []), "stage") == []


def test_scan_can_be_disabled(tmp_path: Any) -> None:
    component = create(StageNormalizer, tmp_path, scan_text_when_missing=False)
    assert _run(component, "I'm 30 weeks pregnant", []) == []


def test_each_message_gets_its_own_stage(normalizer: StageNormalizer) -> None:
    first = Message(data={"text": "24 weeks pregnant", "entities": []})
    text = "third trimester"
    second = Message(data={"text": text, "entities": [_entity(text, "third trimester")]})
    normalizer.process([first, second])
    assert [(e["entity"], e["value"]) for e in first.get("entities")] == [("stage", "trimester_2")]
    assert [(e["entity"], e["value"]) for e in second.get("entities")] == [("stage", "trimester_3")]


def test_training_data_passes_through(normalizer: StageNormalizer) -> None:
    data = TrainingData()
    assert normalizer.process_training_data(data) is data
