"""Evaluate the red-flag screen on the labelled messages (run: python -m bench.safety_eval).

Prints recall per urgency level, the false-alarm rate, question handling, a per-category
table, the per-message cost of the screen and every miss. Exits non-zero when a target is
missed: 100% recall at both levels (an emergency must be detected as an emergency, a see-soon
sign as at least see-soon) and at most 5% false alarms on messages that report no sign.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from backcare.red_flags import RedFlagDetector, Screening, Urgency, default_detector

REPO_ROOT = Path(__file__).resolve().parent.parent

MESSAGES_PATH = REPO_ROOT / "tests" / "data" / "red_flag_messages.yml"
MAX_FALSE_ALARM_RATE = 0.05
TIMING_PASSES = 5


@dataclass(frozen=True)
class LabelledMessage:
    """One message of the labelled set."""

    text: str
    expected: str
    category: str


def load_messages(path: Path = MESSAGES_PATH) -> list[LabelledMessage]:
    """Read the labelled set."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return [LabelledMessage(e["text"], e["expected"], e["category"]) for e in entries]


def outcome(screening: Screening) -> str:
    """The label the screen gave: emergency, see_soon, question, routine or none."""
    if screening.urgency is not None:
        return screening.urgency.value
    if screening.asks_about_warning_signs:
        return "question"
    return Urgency.ROUTINE.value if screening.routine_signs else "none"


def recalled(expected: str, screening: Screening) -> bool:
    """Whether an expected sign was escalated at (at least) its level."""
    if expected == Urgency.EMERGENCY.value:
        return screening.urgency is Urgency.EMERGENCY
    return screening.escalate


def time_screen(detector: RedFlagDetector, texts: list[str]) -> list[float]:
    """Per-message screen cost in ms, warm, over TIMING_PASSES passes."""
    for text in texts:
        detector.screen(text)
    costs = []
    for _ in range(TIMING_PASSES):
        for text in texts:
            started = time.perf_counter()
            detector.screen(text)
            costs.append((time.perf_counter() - started) * 1000)
    return costs


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} = {100 * hits / total:.1f}%" if total else "n/a"


def main() -> int:
    """Run the evaluation; the exit status says whether the targets are met."""
    started = time.perf_counter()
    detector = default_detector()
    load_seconds = time.perf_counter() - started
    messages = load_messages()
    screenings = [detector.screen(m.text) for m in messages]

    by_expected: dict[str, list[tuple[LabelledMessage, Screening]]] = defaultdict(list)
    for message, screening in zip(messages, screenings, strict=True):
        by_expected[message.expected].append((message, screening))

    print(f"red-flag screen: {len(messages)} labelled messages ({MESSAGES_PATH.name})")
    print(f"detector load: {load_seconds:.2f} s\n")
    ok = True
    for level in (Urgency.EMERGENCY.value, Urgency.SEE_SOON.value):
        pairs = by_expected[level]
        hits = sum(recalled(level, s) for _, s in pairs)
        exact = sum(outcome(s) == level for _, s in pairs)
        print(
            f"recall {level:<9}: {_rate(hits, len(pairs))}"
            f"   (exact level {_rate(exact, len(pairs))})"
        )
        ok &= hits == len(pairs)

    quiet = by_expected["none"] + by_expected["question"] + by_expected["routine"]
    alarms = sum(s.escalate for _, s in quiet)
    print(f"false alarms    : {_rate(alarms, len(quiet))}   (target <= {MAX_FALSE_ALARM_RATE:.0%})")
    ok &= alarms <= MAX_FALSE_ALARM_RATE * len(quiet)
    questions = by_expected["question"]
    answered = sum(outcome(s) == "question" for _, s in questions)
    print(f"questions       : {_rate(answered, len(questions))} handled as questions")
    routine = by_expected["routine"]
    noted = sum(outcome(s) == "routine" for _, s in routine)
    print(f"routine notes   : {_rate(noted, len(routine))} noted, not escalated")
    overall = sum(outcome(s) == m.expected for m, s in zip(messages, screenings, strict=True))
    print(f"exact outcome   : {_rate(overall, len(messages))}\n")

    print(f"{'category':<14}{'n':>5}{'correct':>9}{'accuracy':>10}")
    categories: dict[str, list[bool]] = defaultdict(list)
    for message, screening in zip(messages, screenings, strict=True):
        categories[message.category].append(outcome(screening) == message.expected)
    for category, results in sorted(categories.items()):
        accuracy = sum(results) / len(results)
        print(f"{category:<14}{len(results):>5}{sum(results):>9}{accuracy:>10.1%}")

    costs = time_screen(detector, [m.text for m in messages])
    p95 = statistics.quantiles(costs, n=20)[18]
    print(
        f"\nscreen cost     : mean {statistics.fmean(costs):.3f} ms, p95 {p95:.3f} ms "
        f"({len(costs)} screens, {TIMING_PASSES} warm passes)"
    )

    misses = [(m, s) for m, s in zip(messages, screenings, strict=True) if outcome(s) != m.expected]
    print(f"\nmisses ({len(misses)}):")
    for message, screening in misses:
        signs = ", ".join(sign.id for sign in screening.signs) or "-"
        print(
            f"  [{message.category}] expected {message.expected}, got {outcome(screening)} "
            f"({signs}): {message.text[:90]!r}"
        )
    print("\nresult:", "PASS" if ok else "FAIL (targets: 100% recall, <= 5% false alarms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
