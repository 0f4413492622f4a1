"""Score the running assistant on the field messages (run: python -m bench.field_eval).

The field set (`tests/field/`) holds messages written the way people post on forums, each
labelled with its urgency, stage, areas and intent by someone who never saw this code. Every
message opens a fresh conversation over the REST channel of a real Rasa server and action
server; the tracker is then read through the HTTP API, so the score is what a person gets.

For each half it prints:
- escalation recall per urgency level: escalated at all, and at the exact level;
- false alarms: ordinary messages that were escalated, or that got the warning-sign list
  without asking for it;
- understood: ordinary messages that name a stage or an area and ask for help with their back,
  whose first answer uses the stated stage and areas: the slots hold them and the assistant
  recommends or answers a question (how-to, causes, tips, exercise safety), or asks only for
  what is missing;
- answered as asked (reported, not gated): of those, the ones whose answer is the one their
  labelled intent calls for;
- fallback: ordinary messages naming a stage or an area that got "Sorry, I didn't quite get that";
- what the learned second opinion added: the urgent messages only it escalated, and its false
  alarms (its escalations carry the `maybe` check), so the scores without it can be read off;
- the misses.

`--gate heldout` exits non-zero when the held-out half misses a target (see GATES). Tune on
the tuning half only: `--halves tuning` never sends a held-out message.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from backcare.red_flag_second_opinion import MAYBE_CHECK
from launcher.model import train_if_needed
from launcher.stack import AssistantStack, scratch_stack

FIELD_DIR = Path(__file__).resolve().parent.parent / "tests" / "field"
HALVES = ("tuning", "heldout", "fresh", "fresh2", "fresh3", "fresh4")

# The targets `--gate` checks (issue 8): recall counts a message escalated at any level.
GATES = {
    "emergency_recall": 1.00,
    "see_soon_recall": 0.95,
    "false_alarm_rate_max": 0.05,
    "understood": 0.90,
    "fallback_rate_max": 0.0,
}

ESCALATIONS = {
    "utter_red_flag_emergency": "emergency",
    "utter_red_flag_see_soon": "see_soon",
}
WARNING_LIST_ACTION = "utter_warning_signs"
FALLBACK_ACTIONS = {"utter_default", "action_default_fallback"}
RECOMMEND_ACTION = "action_recommend_exercises"
PAIN_INTENTS = {"describe_pain", "request_exercises", "inform_stage", "inform_body_area"}
QUESTION_ACTIONS = {
    "ask_how_to": "action_explain_exercise",
    "ask_causes": "action_explain_causes",
    "ask_self_care": "action_self_care_tips",
    "ask_exercise_safety": "action_exercise_safety",
}
ANSWER_ACTIONS = {RECOMMEND_ACTION, *QUESTION_ACTIONS.values()}


@dataclass(frozen=True)
class FieldMessage:
    """One labelled field message."""

    id: str
    text: str
    urgency: str
    stage: str
    areas: tuple[str, ...]
    intent: str
    tags: tuple[str, ...]

    @property
    def names_stage(self) -> bool:
        return self.stage != "unknown"

    @property
    def names_area_or_stage(self) -> bool:
        return self.names_stage or bool(self.areas)


@dataclass
class Outcome:
    """What the assistant did with a message's first turn."""

    escalation: str | None
    actions: list[str]
    intent: str | None
    stage: str | None
    areas: list[str]
    requested_slot: str | None = None
    texts: list[str] = field(default_factory=list)
    by_second_opinion: bool = False

    @property
    def fell_back(self) -> bool:
        return bool(FALLBACK_ACTIONS & set(self.actions)) or self.intent == "nlu_fallback"

    @property
    def warning_list(self) -> bool:
        return WARNING_LIST_ACTION in self.actions


def load_half(name: str) -> list[FieldMessage]:
    """The labelled messages of one half."""
    entries = yaml.safe_load((FIELD_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    return [
        FieldMessage(
            id=str(entry["id"]),
            text=str(entry["text"]),
            urgency=entry["urgency"],
            stage=entry["stage"],
            areas=tuple(entry.get("areas") or ()),
            intent=entry["intent"],
            tags=tuple(entry.get("tags") or ()),
        )
        for entry in entries
    ]


def outcome_from_tracker(tracker: dict) -> Outcome:
    """Read the first turn's escalation, actions, intent and slots from a tracker."""
    events = tracker.get("events") or []
    users = [event for event in events if event.get("event") == "user"]
    parse = (users[-1].get("parse_data") or {}) if users else {}
    actions = [event.get("name") for event in events if event.get("event") == "action"]
    escalation = next((ESCALATIONS[a] for a in actions if a in ESCALATIONS), None)
    slots = tracker.get("slots") or {}
    checks = [
        entity.get("value")
        for entity in parse.get("entities") or []
        if entity.get("entity") == "red_flag_check"
    ]
    return Outcome(
        escalation=escalation,
        actions=[a for a in actions if a not in ("action_listen", "action_session_start")],
        intent=(parse.get("intent") or {}).get("name"),
        stage=slots.get("stage"),
        areas=list(slots.get("body_areas") or []),
        requested_slot=slots.get("requested_slot"),
        texts=[event.get("text") or "" for event in events if event.get("event") == "bot"],
        by_second_opinion=escalation is not None and MAYBE_CHECK in checks,
    )


def understood(message: FieldMessage, outcome: Outcome) -> bool:
    """The first answer used the stated stage and areas: the slots hold them, and the
    assistant answered (recommended, or answered a question) or asked only for what is missing."""
    if message.names_stage and outcome.stage != message.stage:
        return False
    if not set(message.areas) <= set(outcome.areas):
        return False
    if ANSWER_ACTIONS & set(outcome.actions):
        return True
    if message.names_stage and message.areas:
        return False
    return outcome.requested_slot == ("body_areas" if message.names_stage else "stage")


def answered_as_asked(message: FieldMessage, outcome: Outcome) -> bool:
    """The answer is the one the labelled intent calls for (a question's own answer, or
    exercises for a pain message); reported, not gated."""
    if message.intent in QUESTION_ACTIONS:
        return QUESTION_ACTIONS[message.intent] in outcome.actions
    return RECOMMEND_ACTION in outcome.actions or outcome.requested_slot is not None


def counts_for_understanding(message: FieldMessage) -> bool:
    """Ordinary messages about the person's back that name a stage or an area."""
    return (
        message.urgency == "none"
        and message.names_area_or_stage
        and message.intent in PAIN_INTENTS | set(QUESTION_ACTIONS)
    )


@dataclass
class Score:
    """Counts for one half."""

    name: str
    total: int = 0
    recall: dict[str, list[int]] = field(default_factory=dict)  # level -> [any, exact, n]
    false_alarms: list[str] = field(default_factory=list)
    ordinary: int = 0
    understood: list[int] = field(default_factory=lambda: [0, 0])
    as_asked: list[int] = field(default_factory=lambda: [0, 0])
    fallbacks: list[str] = field(default_factory=list)
    naming: int = 0
    misses: list[str] = field(default_factory=list)
    # the learned second opinion: urgent messages (by level) only it escalated, its false alarms
    second_opinion_caught: dict[str, int] = field(default_factory=dict)
    second_opinion_alarms: int = 0

    def rate(self, key: str) -> float:
        hits, _, total = self.recall.get(key, [0, 0, 0])
        return hits / total if total else 1.0

    def metrics(self) -> dict[str, float]:
        return {
            "emergency_recall": self.rate("emergency"),
            "see_soon_recall": self.rate("see_soon"),
            "false_alarm_rate_max": len(self.false_alarms) / max(self.ordinary, 1),
            "understood": self.understood[0] / max(self.understood[1], 1),
            "fallback_rate_max": len(self.fallbacks) / max(self.naming, 1),
        }


def score(name: str, results: Iterable[tuple[FieldMessage, Outcome]]) -> Score:
    """Tally one half's results."""
    result = Score(name)
    for message, outcome in results:
        result.total += 1
        said = f"{message.id} [{message.urgency}/{message.stage}/{','.join(message.areas)}"
        said += f"/{message.intent}] {message.text!r}\n      -> {describe(outcome)}"
        if message.urgency in ESCALATIONS.values():
            counts = result.recall.setdefault(message.urgency, [0, 0, 0])
            counts[2] += 1
            counts[0] += outcome.escalation is not None
            counts[1] += outcome.escalation == message.urgency
            if outcome.by_second_opinion:
                caught = result.second_opinion_caught
                caught[message.urgency] = caught.get(message.urgency, 0) + 1
            if outcome.escalation is None:
                result.misses.append(f"missed {said}")
            elif outcome.escalation != message.urgency:
                result.misses.append(f"level  {said}")
            continue
        result.ordinary += 1
        alarm = outcome.escalation is not None or (
            outcome.warning_list and message.intent != "ask_warning_signs"
        )
        if alarm:
            result.false_alarms.append(message.id)
            result.second_opinion_alarms += outcome.by_second_opinion
            result.misses.append(f"alarm  {said}")
        if message.names_area_or_stage:
            result.naming += 1
            if outcome.fell_back:
                result.fallbacks.append(message.id)
                result.misses.append(f"fallbk {said}")
        if counts_for_understanding(message):
            result.as_asked[1] += 1
            result.as_asked[0] += not alarm and answered_as_asked(message, outcome)
            result.understood[1] += 1
            if not alarm and not outcome.fell_back and understood(message, outcome):
                result.understood[0] += 1
            elif not alarm and not outcome.fell_back:
                result.misses.append(f"underst {said}")
    return result


def describe(outcome: Outcome) -> str:
    return (
        f"intent={outcome.intent} escalation={outcome.escalation} stage={outcome.stage} "
        f"areas={outcome.areas} requested={outcome.requested_slot} actions={outcome.actions}"
        + (" (second opinion)" if outcome.by_second_opinion else "")
    )


def report(result: Score, show_misses: bool) -> list[str]:
    """Printable lines for one half."""
    lines = [f"== {result.name}: {result.total} messages"]
    for level in ("emergency", "see_soon"):
        hits, exact, total = result.recall.get(level, [0, 0, 0])
        lines.append(
            f"recall {level:<9}: escalated {hits}/{total} = {pct(hits, total)}   "
            f"exact level {exact}/{total} = {pct(exact, total)}"
        )
    lines.append(
        f"false alarms     : {len(result.false_alarms)}/{result.ordinary} = "
        f"{pct(len(result.false_alarms), result.ordinary)}"
    )
    lines.append(
        f"understood       : {result.understood[0]}/{result.understood[1]} = "
        f"{pct(*result.understood)}"
    )
    lines.append(
        f"answered as asked: {result.as_asked[0]}/{result.as_asked[1]} = "
        f"{pct(*result.as_asked)} (reported, not gated)"
    )
    lines.append(
        f"fallback (names a stage or area): {len(result.fallbacks)}/{result.naming} = "
        f"{pct(len(result.fallbacks), result.naming)}"
    )
    caught = result.second_opinion_caught
    if caught or result.second_opinion_alarms:
        without = ", ".join(
            f"{level} {result.recall[level][0] - caught.get(level, 0)}/{result.recall[level][2]}"
            for level in ("emergency", "see_soon")
            if level in result.recall
        )
        lines.append(
            f"second opinion   : escalated {sum(caught.values())} urgent the rules missed, "
            f"{result.second_opinion_alarms} false alarms (without it: {without}, false alarms "
            f"{len(result.false_alarms) - result.second_opinion_alarms}/{result.ordinary})"
        )
    if show_misses:
        lines.append(f"misses ({len(result.misses)}):")
        lines.extend(f"  {miss}" for miss in result.misses)
    return lines


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def failed_gates(result: Score) -> list[str]:
    """The targets this half misses."""
    failures = []
    for key, target in GATES.items():
        value = result.metrics()[key]
        bad = value > target if key.endswith("_max") else value < target
        if bad:
            failures.append(
                f"{key} = {value:.3f} (target {'<=' if key.endswith('_max') else '>='} {target})"
            )
    return failures


def screen_half(messages: list[FieldMessage]) -> list[tuple[FieldMessage, Outcome]]:
    """Only the red-flag screen, in process (no model, no servers): a quick loop for tuning."""
    from backcare.red_flags import default_detector

    detector = default_detector()
    results = []
    for message in messages:
        screening = detector.screen(message.text)
        actions = [WARNING_LIST_ACTION] if screening.asks_about_warning_signs else []
        escalation = screening.urgency.value if screening.urgency else None
        results.append((message, Outcome(escalation, actions, None, None, [])))
    return results


def run_half(
    stack: AssistantStack, messages: list[FieldMessage]
) -> list[tuple[FieldMessage, Outcome]]:
    """Send every message as the first message of its own conversation."""
    results = []
    for message in messages:
        sender = f"field-{message.id}-{uuid.uuid4().hex[:8]}"
        stack.send(sender, message.text)
        results.append((message, outcome_from_tracker(stack.tracker(sender))))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--halves",
        default="tuning,heldout",
        help="comma-separated file names under tests/field: tuning, heldout, fresh",
    )
    parser.add_argument(
        "--gate", choices=HALVES, help="exit non-zero when this half misses a target"
    )
    parser.add_argument(
        "--gate-only",
        help="comma-separated metrics the gate checks (default: all of GATES); the others are "
        "still printed against their targets",
    )
    parser.add_argument("--json", type=Path, help="also write the metrics here")
    parser.add_argument("--no-misses", action="store_true", help="print scores only")
    parser.add_argument(
        "--screen-only",
        action="store_true",
        help="score only the red-flag screen, in process (recall and false alarms)",
    )
    args = parser.parse_args(argv)
    halves = [name.strip() for name in args.halves.split(",") if name.strip()]
    unknown = [name for name in halves if not (FIELD_DIR / f"{name}.yml").exists()]
    if unknown:
        parser.error(f"no such file under {FIELD_DIR}: {', '.join(unknown)}")

    started = time.monotonic()
    if args.screen_only:
        scores = [score(name, screen_half(load_half(name))) for name in halves]
        for result in scores:
            print("\n".join(report(result, show_misses=not args.no_misses)[:4]))
            if not args.no_misses:
                safety = [m for m in result.misses if m.startswith(("missed", "level", "alarm"))]
                print("\n".join(safety))
        return 0
    with tempfile.TemporaryDirectory(prefix="field-eval-") as scratch:
        stack = scratch_stack(train_if_needed(), Path(scratch) / "tracker.db")
        try:
            stack.start()
            scores = [score(name, run_half(stack, load_half(name))) for name in halves]
        finally:
            stack.stop()

    failures: list[str] = []
    for result in scores:
        print("\n".join(report(result, show_misses=not args.no_misses)))
        if result.name == "heldout":
            unmet = failed_gates(result)
            print(
                "issue 8 targets: " + ("all met" if not unmet else "not met: " + "; ".join(unmet))
            )
        print()
        if result.name == args.gate:
            checked = set(args.gate_only.split(",")) if args.gate_only else set(GATES)
            failures = [f for f in failed_gates(result) if f.split(" ")[0] in checked]
    if args.json:
        args.json.write_text(
            json.dumps({s.name: s.metrics() for s in scores}, indent=2), encoding="utf-8"
        )
    print(f"field eval took {time.monotonic() - started:.0f} s")
    if args.gate:
        if failures:
            print(f"result: FAIL on {args.gate}: " + "; ".join(failures))
            return 1
        print(f"result: PASS on {args.gate}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
