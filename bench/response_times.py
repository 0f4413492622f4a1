"""Start the real servers on free ports and print start-up and per-message response times.

Usage: python bench/response_times.py [--rounds N]. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from launcher.model import train_if_needed  # noqa: E402
from launcher.stack import scratch_stack  # noqa: E402

CONVERSATION = [
    "hi",
    "my upper back hurts and I'm in my second trimester",
    "more exercises",
    "how do I do wall angels?",
    "why does it hurt?",
    "any tips for sleeping?",
    "I'm bleeding a lot",
    "thanks, bye",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="conversations to replay")
    rounds = parser.parse_args().rounds

    started = time.monotonic()
    model = train_if_needed()
    print(f"model ready (trained or cached): {time.monotonic() - started:.1f} s")
    with tempfile.TemporaryDirectory() as tracker_dir:
        stack = scratch_stack(model, Path(tracker_dir) / "tracker.db")
        try:
            started = time.monotonic()
            stack.start()
            stack.send("bench-warmup", "hi")
            print(f"start-up to first answer: {time.monotonic() - started:.1f} s")
            latencies = []
            for round_number in range(rounds):
                for text in CONVERSATION:
                    sent = time.perf_counter()
                    stack.send(f"bench-{round_number}", text)
                    latencies.append((time.perf_counter() - sent) * 1000)
        finally:
            stack.stop()
    print(
        f"messages: {len(latencies)}  median: {statistics.median(latencies):.0f} ms  "
        f"p95: {percentile(latencies, 0.95):.0f} ms  max: {max(latencies):.0f} ms"
    )


if __name__ == "__main__":
    main()
