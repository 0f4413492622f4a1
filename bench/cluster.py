"""The cluster through nginx against the single process of `make run`, on one machine in one run.

Run: python -m bench.cluster (what `make bench-cluster` does).

Both are started here on free ports: the single process as `make run` starts it (one Rasa
server with the SQLite tracker store and the in-memory lock store, one action server:
launcher.stack.scratch_stack), and the cluster as `make cluster` starts it (nginx, two Rasa
replicas, two action servers, PostgreSQL and Redis: launcher.cluster.scratch_cluster). At 10
and 50 concurrent senders, each sender its own conversation replaying a realistic one
(bench.load, as bench.performance), they take turns (single, cluster, cluster, single, ...) and the
samples are pooled, so the ratios compare the two under the same conditions. It also adds up
the CPU time each server (and the load generator) spends per answered message, which a busy
machine changes far less than it changes throughput. It prints a table, the ratios and the goals
of issue 12, writes the numbers as JSON, and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.load import (
    OUR_CONVERSATION,
    Bot,
    percentile,
    pooled_loads,
    supervised_pids,
    warm_up,
    write_json,
)
from launcher.cluster import scratch_cluster
from launcher.model import train_if_needed
from launcher.settings import REPO_ROOT, server_environment
from launcher.stack import scratch_stack

DEFAULT_JSON = REPO_ROOT / "results" / "bench" / "cluster.json"
CONCURRENCY = (10, 50)
ROUNDS = {10: 3, 50: 1}  # conversations each sender replays in one load phase
GOALS = (
    # (description, metric, cluster/single at least or at most)
    ("throughput >= 1.6x the single process, 10 senders", "throughput_10", 1.6, "min"),
    ("throughput >= 1.6x the single process, 50 senders", "throughput_50", 1.6, "min"),
    ("p95 no worse than the single process, 10 senders", "p95_10", 1.0, "max"),
)


def measure(bots: list[Bot], repeats: int) -> None:
    """Each concurrency in turn, the bots taking turns, samples pooled (bench.load); and the
    CPU each server, and the load generator, spent per answered message."""
    warm_up(bots, senders=4)
    for senders in CONCURRENCY:
        loads = pooled_loads(bots, senders, ROUNDS[senders], repeats)
        for bot in bots:
            load = loads[bot.name]
            answered = load.answered
            cpu = {**load.server_cpu, "load generator": load.generator_cpu}
            bot.metrics[f"throughput_{senders}"] = answered / load.seconds
            bot.metrics[f"p50_{senders}"] = percentile(load.latencies_ms, 0.50)
            bot.metrics[f"p95_{senders}"] = percentile(load.latencies_ms, 0.95)
            bot.metrics[f"errors_{senders}"] = load.errors
            bot.metrics[f"cpu_ms_{senders}"] = 1000 * sum(cpu.values()) / answered
            bot.metrics[f"cores_{senders}"] = sum(cpu.values()) / load.seconds
            # whatever else ran on the machine meanwhile (other people's work, the idle server)
            others = max(0.0, load.machine_cpu - sum(cpu.values()))
            bot.metrics[f"other_cores_{senders}"] = others / load.seconds
            shares = ", ".join(
                f"{name} {1000 * seconds / answered:.1f}" for name, seconds in cpu.items()
            )
            print(
                f"  {bot.name:<8} {senders} senders: {answered} answers, {load.errors} errors, "
                f"{bot.metrics[f'throughput_{senders}']:.1f} msg/s, "
                f"p95 {bot.metrics[f'p95_{senders}']:.0f} ms\n"
                f"           CPU ms per message: {shares}",
                flush=True,
            )


ROWS = tuple(
    (f"{senders} senders {label}", f"{key}_{senders}", form)
    for senders in CONCURRENCY
    for label, key, form in (
        ("throughput (msg/s)", "throughput", "{:.1f}"),
        ("p50 (ms)", "p50", "{:.0f}"),
        ("p95 (ms)", "p95", "{:.0f}"),
        ("errors", "errors", "{:.0f}"),
        ("CPU per message (ms)", "cpu_ms", "{:.1f}"),
        ("cores it kept busy", "cores", "{:.2f}"),
        ("cores other work took", "other_cores", "{:.2f}"),
    )
)


def table(single: dict[str, float], cluster: dict[str, float]) -> str:
    lines = [f"{'':<36} {'single':>9} {'cluster':>9} {'cluster/single':>15}"]
    for label, key, form in ROWS:
        ratio = f"{cluster[key] / single[key]:.2f}x" if single[key] else "-"
        lines.append(
            f"{label:<36} {form.format(single[key]):>9} {form.format(cluster[key]):>9} "
            f"{ratio:>15}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="write the numbers here")
    parser.add_argument("--repeats", type=int, default=2, help="load phases per side (pooled)")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(server_environment()["CLUSTER_SANIC_WORKERS"]),
        help="Sanic workers per Rasa replica (default: CLUSTER_SANIC_WORKERS)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    model = train_if_needed()
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    (scratch / "single").mkdir()
    single_stack = scratch_stack(model, scratch / "single" / "tracker.db")
    cluster = None
    try:
        print("starting the single process and the cluster...", flush=True)
        single_stack.start()
        # free ports are picked once the single process holds its own
        cluster = scratch_cluster(model, scratch, sanic_workers=args.workers)
        cluster.start()
        single = Bot(
            "single", single_stack.rasa_url, OUR_CONVERSATION, supervised_pids(single_stack)
        )
        clustered = Bot("cluster", cluster.url, OUR_CONVERSATION, supervised_pids(cluster))
        print(
            f"load (cluster: {len(cluster.rasa_ports)} replicas x {args.workers} Sanic "
            "worker(s), through nginx):",
            flush=True,
        )
        measure([single, clustered], args.repeats)
    finally:
        if cluster:
            cluster.stop()
        single_stack.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    ratios = {
        key: clustered.metrics[key] / single.metrics[key]
        for _, key, _ in ROWS
        if single.metrics[key]
    }
    print()
    print(table(single.metrics, clustered.metrics))
    print()
    for description, key, limit, kind in GOALS:
        met = ratios[key] >= limit if kind == "min" else ratios[key] <= limit
        print(f"goal {'met    ' if met else 'NOT met'}  {description} ({ratios[key]:.2f}x)")
    took = time.monotonic() - started
    print(f"\nload average after: {os.getloadavg()[0]:.1f}; bench took {took:.0f} s")
    numbers = {
        "single": single.metrics,
        "cluster": clustered.metrics,
        "ratios": ratios,
        "workers": args.workers,
    }
    write_json(args.json, numbers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
