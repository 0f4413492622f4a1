"""Tests for bench.field_eval's scoring (no servers: outcomes as trackers would give them)."""

from __future__ import annotations

from bench.field_eval import FieldMessage, outcome_from_tracker, report, score


def _message(number: int, urgency: str) -> FieldMessage:
    return FieldMessage(f"X{number:03}", "text", urgency, "trimester_3", ("lower_back",), "", ())


def _tracker(action: str | None, check: str | None = None) -> dict:
    entities = [{"entity": "red_flag_check", "value": check}] if check else []
    events: list[dict] = [{"event": "user", "parse_data": {"entities": entities}}]
    if action:
        events.append({"event": "action", "name": action})
    return {"events": events, "slots": {}}


def test_second_opinion_escalations_are_told_apart() -> None:
    results = [
        (
            _message(1, "emergency"),
            outcome_from_tracker(_tracker("utter_red_flag_emergency", "none")),
        ),
        (
            _message(2, "emergency"),
            outcome_from_tracker(_tracker("utter_red_flag_emergency", "maybe")),
        ),
        (_message(3, "see_soon"), outcome_from_tracker(_tracker(None))),
        (_message(4, "none"), outcome_from_tracker(_tracker("utter_red_flag_see_soon", "maybe"))),
        (_message(5, "none"), outcome_from_tracker(_tracker(None))),
    ]
    result = score("half", results)
    assert result.recall == {"emergency": [2, 2, 2], "see_soon": [0, 0, 1]}
    assert result.false_alarms == ["X004"]
    assert result.second_opinion_caught == {"emergency": 1}
    assert result.second_opinion_alarms == 1
    line = next(line for line in report(result, False) if line.startswith("second opinion"))
    assert "escalated 1 urgent the rules missed, 1 false alarms" in line
    assert "without it: emergency 1/2, see_soon 0/1, false alarms 0/2" in line


def test_no_second_opinion_line_when_it_never_spoke() -> None:
    results = [
        (
            _message(1, "emergency"),
            outcome_from_tracker(_tracker("utter_red_flag_emergency", "none")),
        )
    ]
    assert not any(
        line.startswith("second opinion") for line in report(score("half", results), False)
    )
