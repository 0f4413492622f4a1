"""This assistant against a fresh `rasa init` bot, on one machine in one run.

Run: python -m bench.performance (what `make bench` does).

Both bots are trained and served here: ours as `make run` does (the cached model from
`launcher.model.train_if_needed`, action server and Rasa server, on free ports with a
throwaway SQLite tracker store), the baseline with `rasa init --no-prompt` in a temporary
folder and `rasa run --enable-api`. For each it measures:

- training time: ours forced afresh into a temporary folder (models/ is left alone), the
  baseline's as `rasa init` (which scaffolds and trains); both with an empty training cache;
- start-up to first answer: from starting the servers to the first REST answer;
- latency p50/p95/p99 with 1 (sequential), 10 and 50 concurrent senders, each sender its own
  conversation replaying a realistic conversation, and the throughput (answered messages per
  second of wall time) under load;
- CPU time per answered message: what all of the bot's server processes used (from
  /proc/<pid>/stat), divided by the answers. Unlike latency and throughput it hardly moves
  when other work shares the machine, so it is the figure to compare optimisations by;
- resident memory (VmRSS) of each server process after the load;
- latency (and CPU time per message) at turn 10 and at turn 200 of one long conversation: the
  mean over the last full round of the conversation ending at that turn, so every kind of
  message counts once.

The machine is shared and noisy, so the two bots take turns (ours, baseline, baseline, ours;
bench.load) and the ratios ours/baseline from the same run are what matter. It prints a table
and the goals of issue 9, and writes everything as JSON. It asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load import (
    OUR_CONVERSATION,
    Bot,
    client_session,
    percentile,
    pooled_loads,
    post,
    process_tree,
    server_cpu,
    supervised_pids,
    warm_up,
    write_json,
)
from launcher.model import train_if_needed
from launcher.rasa_server import serving_thread_settings
from launcher.settings import REPO_ROOT, server_environment
from launcher.stack import (
    ManagedProcess,
    ServerFailedToStart,
    free_port,
    http_get,
    scratch_stack,
    stop_processes,
)

DEFAULT_JSON = REPO_ROOT / "results" / "bench" / "performance.json"

# The `rasa init` bot's own intents: greet, moods, affirm, bot challenge, goodbye.
BASELINE_CONVERSATION = (
    "hello there",
    "I am feeling very sad",
    "yes",
    "are you a bot?",
    "I am great",
    "bye",
)
CONCURRENCY = (1, 10, 50)
# Conversations each sender replays in one load phase, by number of senders.
ROUNDS = {1: 4, 10: 2, 50: 1}
LONG_TURNS = (10, 200)

GOALS = (
    # (description, metric, ours/baseline or ours alone, limit, "min" or "max")
    ("throughput >= 1.0x baseline, 10 senders", "throughput_10", "ratio", 1.0, "min"),
    ("throughput >= 1.0x baseline, 50 senders", "throughput_50", "ratio", 1.0, "min"),
    ("p95 <= 1.3x baseline, sequential", "p95_1", "ratio", 1.3, "max"),
    ("p95 <= 1.3x baseline, 10 senders", "p95_10", "ratio", 1.3, "max"),
    ("p95 <= 1.3x baseline, 50 senders", "p95_50", "ratio", 1.3, "max"),
    ("ours: latency at turn 200 <= 2x turn 10", "turn_200_over_10_ms", "ours", 2.0, "max"),
)


def long_conversation(bot: Bot, turns: int) -> tuple[list[float | None], list[float]]:
    """Latency of every turn of one conversation of `turns` messages, and the servers' CPU
    seconds used up to the end of each turn (the first item: before the first turn)."""

    async def main() -> tuple[list[float | None], list[float]]:
        sender = f"bench-{bot.name}-long-{uuid.uuid4().hex[:10]}"
        latencies, cpu = [], [sum(server_cpu(bot).values())]
        async with client_session(1) as session:
            for turn in range(turns):
                text = bot.conversation[turn % len(bot.conversation)]
                latencies.append(await post(session, bot, sender, text))
                cpu.append(sum(server_cpu(bot).values()))
        return latencies, cpu

    return asyncio.run(main())


def round_ending_at(turn: int, round_length: int) -> slice:
    """The turns (0-based) of the full round of the conversation that ends at `turn` (1-based)."""
    return slice(turn - round_length, turn)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB, from /proc."""
    total_kb = 0
    for folder in process_tree(pid):
        try:
            status = (folder / "status").read_text()
        except OSError:
            continue
        total_kb += next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
        )
    return total_kb / 1024


def timed_subprocess(command: list[str], cwd: Path, environment: dict[str, str]) -> float:
    """Run a command to completion, its output to LOG_DIR/bench-training.log; its wall time."""
    log = REPO_ROOT / environment["LOG_DIR"] / "bench-training.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as output:
        finished = subprocess.run(
            command, cwd=cwd, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    if finished.returncode:
        sys.exit(f"{' '.join(command[2:4])} failed; its output is in {log}")
    return time.monotonic() - started


def train_ours_afresh(scratch: Path) -> float:
    """Training time of this assistant, forced, into `scratch` with an empty training cache."""
    command = [sys.executable, "-m", "rasa", "train", "--force", "--domain", "domain.yml"]
    command += ["--config", "config.yml", "--data", "data", "--out", str(scratch / "models")]
    environment = server_environment(RASA_CACHE_DIRECTORY=str(scratch / "cache"))
    return timed_subprocess(command, REPO_ROOT, environment)


def init_baseline(scratch: Path) -> tuple[Path, float]:
    """`rasa init --no-prompt` (scaffold and train) in `scratch/baseline`; folder and time."""
    project = scratch / "baseline"
    project.mkdir()
    command = [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(project)]
    environment = server_environment(RASA_CACHE_DIRECTORY=str(scratch / "baseline-cache"))
    return project, timed_subprocess(command, scratch, environment)


def wait_for_answer(bot: Bot, timeout: float = 60.0) -> None:
    """Block until the bot answers a message over REST."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if asyncio.run(_answers(bot)):
            return
        time.sleep(0.2)
    raise ServerFailedToStart(f"{bot.name} did not answer over REST in {timeout:.0f} s")


async def _answers(bot: Bot) -> bool:
    async with client_session(1) as session:
        return await post(session, bot, f"bench-{bot.name}-first", bot.conversation[0]) is not None


@contextmanager
def our_bot(scratch: Path) -> Iterator[Bot]:
    """This assistant, started as `make run` starts it (scratch ports and tracker store)."""
    stack = scratch_stack(train_if_needed(), scratch / "tracker.db")
    bot = Bot("ours", stack.rasa_url, OUR_CONVERSATION, supervised_pids(stack))
    try:
        started = time.monotonic()
        stack.start()
        wait_for_answer(bot)
        bot.metrics["startup_s"] = time.monotonic() - started
        yield bot
    finally:
        stack.stop()


@contextmanager
def baseline_bot(project: Path, log_dir: Path) -> Iterator[Bot]:
    """The `rasa init` bot's Rasa server (its default project needs no action server)."""
    model = next((project / "models").glob("*.tar.gz"))
    port = free_port()
    command = [sys.executable, "-m", "rasa", "run", "--enable-api", "--port", str(port)]
    command += ["--model", str(model), "--endpoints", str(project / "endpoints.yml")]
    command += ["--credentials", str(project / "credentials.yml")]
    environment = server_environment()
    # the TensorFlow threads our Rasa server runs with (launcher/rasa_server.py), so the two
    # compare under the same settings
    environment.update(serving_thread_settings(environment["RASA_TF_THREADS"]))
    server = ManagedProcess("baseline-rasa", command, environment, log_dir=log_dir)
    bot = Bot(
        "baseline",
        f"http://127.0.0.1:{port}",
        BASELINE_CONVERSATION,
        lambda: {"rasa": server.process.pid} if server.process else {},
    )
    try:
        started = time.monotonic()
        server.start()
        deadline = started + 180
        while http_get(f"{bot.rasa_url}/status")[0] != 200:
            if not server.is_running() or time.monotonic() > deadline:
                raise ServerFailedToStart(f"baseline did not start:\n{server.log_tail()}")
            time.sleep(0.5)
        wait_for_answer(bot)
        bot.metrics["startup_s"] = time.monotonic() - started
        yield bot
    finally:
        stop_processes([server])


def measure_load(bots: list[Bot], repeats: int) -> None:
    """Each concurrency in turn, the bots taking turns, samples pooled (bench.load)."""
    warm_up(bots, senders=2)
    for senders in CONCURRENCY:
        loads = pooled_loads(bots, senders, ROUNDS[senders], repeats)
        for bot in bots:
            load = loads[bot.name]
            bot.metrics[f"messages_{senders}"] = load.answered
            bot.metrics[f"errors_{senders}"] = load.errors
            for share in (50, 95, 99):
                bot.metrics[f"p{share}_{senders}"] = percentile(load.latencies_ms, share / 100)
            bot.metrics[f"throughput_{senders}"] = load.answered / load.seconds
            bot.metrics[f"cpu_ms_{senders}"] = 1000 * load.servers_cpu / load.answered
            print(
                f"  {bot.name:<8} {senders:>2} sender(s): {load.answered} answers, "
                f"{load.errors} errors, p50 {bot.metrics[f'p50_{senders}']:.0f} ms, "
                f"{bot.metrics[f'throughput_{senders}']:.1f} msg/s, "
                f"CPU {bot.metrics[f'cpu_ms_{senders}']:.1f} ms/msg",
                flush=True,
            )


def measure_long_conversation(bot: Bot) -> None:
    latencies, cpu = long_conversation(bot, max(LONG_TURNS))
    length = len(bot.conversation)
    for turn in LONG_TURNS:
        window = [value for value in latencies[round_ending_at(turn, length)] if value is not None]
        bot.metrics[f"turn_{turn}_ms"] = statistics.fmean(window) if window else float("nan")
        bot.metrics[f"turn_{turn}_cpu_ms"] = 1000 * (cpu[turn] - cpu[turn - length]) / length
    first, last = LONG_TURNS
    for unit in ("ms", "cpu_ms"):
        bot.metrics[f"turn_{last}_over_{first}_{unit}"] = (
            bot.metrics[f"turn_{last}_{unit}"] / bot.metrics[f"turn_{first}_{unit}"]
        )
    bot.metrics["errors_long"] = sum(value is None for value in latencies)
    print(
        f"  {bot.name:<8}"
        + ",".join(
            f" turn {turn}: {bot.metrics[f'turn_{turn}_ms']:.0f} ms "
            f"(CPU {bot.metrics[f'turn_{turn}_cpu_ms']:.1f} ms)"
            for turn in LONG_TURNS
        ),
        flush=True,
    )


def measure_memory(bot: Bot) -> None:
    pids = bot.pids()
    for name, pid in pids.items():
        bot.metrics[f"rss_{name}_mb"] = rss_mb(pid)
    bot.metrics["rss_total_mb"] = sum(rss_mb(pid) for pid in pids.values())


ROWS = (
    ("training time (s)", "training_s", "{:.0f}"),
    ("start-up to first answer (s)", "startup_s", "{:.1f}"),
    *(
        (f"{label} p{share} (ms)", f"p{share}_{senders}", "{:.0f}")
        for senders, label in ((1, "sequential"), (10, "10 senders"), (50, "50 senders"))
        for share in (50, 95, 99)
    ),
    ("10 senders throughput (msg/s)", "throughput_10", "{:.1f}"),
    ("50 senders throughput (msg/s)", "throughput_50", "{:.1f}"),
    *(
        (f"CPU per message, {label} (ms)", f"cpu_ms_{senders}", "{:.1f}")
        for senders, label in ((1, "sequential"), (10, "10 senders"), (50, "50 senders"))
    ),
    ("errors under load", "errors", "{:.0f}"),
    ("resident memory, Rasa server (MB)", "rss_rasa_mb", "{:.0f}"),
    ("resident memory, action server (MB)", "rss_actions_mb", "{:.0f}"),
    ("resident memory, all servers (MB)", "rss_total_mb", "{:.0f}"),
    ("latency at turn 10 (ms)", "turn_10_ms", "{:.0f}"),
    ("latency at turn 200 (ms)", "turn_200_ms", "{:.0f}"),
    ("latency turn 200 / turn 10", "turn_200_over_10_ms", "{:.2f}"),
    ("CPU per message at turn 10 (ms)", "turn_10_cpu_ms", "{:.1f}"),
    ("CPU per message at turn 200 (ms)", "turn_200_cpu_ms", "{:.1f}"),
    ("CPU turn 200 / turn 10", "turn_200_over_10_cpu_ms", "{:.2f}"),
)


def ratios(ours: dict[str, float], baseline: dict[str, float]) -> dict[str, float]:
    return {
        key: ours[key] / baseline[key]
        for key in ours
        if key in baseline and baseline[key] and not key.startswith(("errors", "messages"))
    }


def table(ours: dict[str, float], baseline: dict[str, float], ratio: dict[str, float]) -> str:
    def cell(values: dict[str, float], key: str, form: str) -> str:
        return form.format(values[key]) if key in values else "-"

    lines = [f"{'':<38} {'ours':>9} {'baseline':>9} {'ours/base':>10}"]
    for label, key, form in ROWS:
        lines.append(
            f"{label:<38} {cell(ours, key, form):>9} {cell(baseline, key, form):>9} "
            f"{cell(ratio, key, '{:.2f}x'):>10}"
        )
    return "\n".join(lines)


def goals(ours: dict[str, float], ratio: dict[str, float]) -> dict[str, bool]:
    results = {}
    for description, key, source, limit, kind in GOALS:
        value = (ratio if source == "ratio" else ours)[key]
        results[description] = value >= limit if kind == "min" else value <= limit
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="write the numbers here")
    parser.add_argument(
        "--repeats", type=int, default=2, help="load phases per bot and concurrency (pooled)"
    )
    parser.add_argument(
        "--skip-training",
        action="store_true",
        help="do not time a forced training of this assistant (quicker; the baseline still "
        "trains, as `rasa init` must)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        print("training the baseline (rasa init --no-prompt)...", flush=True)
        project, baseline_training = init_baseline(scratch)
        ours_training = None
        if not args.skip_training:
            print("training this assistant afresh (rasa train --force)...", flush=True)
            ours_training = train_ours_afresh(scratch)
        print("starting both bots...", flush=True)
        with our_bot(scratch) as ours, baseline_bot(project, scratch / "logs") as baseline:
            bots = [ours, baseline]
            baseline.metrics["training_s"] = baseline_training
            if ours_training is not None:
                ours.metrics["training_s"] = ours_training
            print("load (1, 10 and 50 concurrent senders):", flush=True)
            measure_load(bots, args.repeats)
            for bot in bots:
                measure_memory(bot)
            print(f"one long conversation ({max(LONG_TURNS)} turns):", flush=True)
            for bot in bots:
                measure_long_conversation(bot)
    for bot in bots:
        bot.metrics["errors"] = sum(
            value for key, value in bot.metrics.items() if key.startswith("errors_")
        )
    ratio = ratios(ours.metrics, baseline.metrics)
    met = goals(ours.metrics, ratio)
    print()
    print(table(ours.metrics, baseline.metrics, ratio))
    print()
    for description, ok in met.items():
        print(f"goal {'met    ' if ok else 'NOT met'}  {description}")
    print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; ", end="")
    print(f"bench took {time.monotonic() - started:.0f} s")
    numbers = {"ours": ours.metrics, "baseline": baseline.metrics, "ratios": ratio, "goals": met}
    write_json(args.json, numbers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
