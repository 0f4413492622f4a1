"""The load both speed benches put on the bots they compare, and what it costs.

Concurrent senders over REST, each its own conversation replaying a realistic one; the bots
take turns (A B B A ...) and the samples are pooled, because the machine is shared and noisy.
The CPU time of each server process (its descendants included), of this process (the load
generator) and of the whole machine comes from /proc. Used by bench.performance (against a
`rasa init` bot) and bench.cluster (against the single process).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from launcher.stack import Supervisor

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REQUEST_TIMEOUT = 120.0

# A conversation like a person's: greet, ask for exercises, page, how-to, why, tips, a warning
# sign, goodbye (custom actions, rules, the form and an escalation).
OUR_CONVERSATION = (
    "hi",
    "my upper back hurts and I'm in my second trimester",
    "more exercises",
    "how do I do wall angels?",
    "why does it hurt?",
    "any tips for sleeping?",
    "I'm bleeding a lot",
    "thanks, bye",
)


@dataclass
class Bot:
    """A running bot: where its REST channel is, what a person says to it, its processes."""

    name: str
    rasa_url: str
    conversation: tuple[str, ...]
    pids: Callable[[], dict[str, int]]
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


@dataclass
class Load:
    """The outcome of one or more load phases of one bot at one concurrency: latencies, and
    the CPU seconds each server, the load generator and the whole machine spent meanwhile."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    server_cpu: dict[str, float] = field(default_factory=dict)
    generator_cpu: float = 0.0
    machine_cpu: float = 0.0

    @property
    def answered(self) -> int:
        return len(self.latencies_ms)

    @property
    def servers_cpu(self) -> float:
        return sum(self.server_cpu.values())

    def add(self, other: Load) -> None:
        self.latencies_ms += other.latencies_ms
        self.errors += other.errors
        self.seconds += other.seconds
        for name, seconds in other.server_cpu.items():
            self.server_cpu[name] = self.server_cpu.get(name, 0.0) + seconds
        self.generator_cpu += other.generator_cpu
        self.machine_cpu += other.machine_cpu


def supervised_pids(servers: Supervisor) -> Callable[[], dict[str, int]]:
    """The pids of the servers a launcher supervisor runs, by name, as they are when asked."""
    return lambda: {
        name: managed.process.pid for name, managed in servers.processes.items() if managed.process
    }


def process_tree(pid: int) -> Iterator[Path]:
    """The /proc folders of a process and its descendants (those still there)."""
    pending = [pid]
    while pending:
        current = pending.pop()
        folder = Path(f"/proc/{current}")
        try:
            children = (folder / "task" / str(current) / "children").read_text().split()
        except OSError:
            continue
        pending += [int(child) for child in children]
        yield folder


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its descendants have used so far."""
    total = 0
    for folder in process_tree(pid):
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def server_cpu(bot: Bot) -> dict[str, float]:
    """CPU seconds so far of each of the bot's servers (a server's workers included)."""
    return {name: cpu_seconds(pid) for name, pid in bot.pids().items()}


def generator_cpu() -> float:
    """CPU seconds so far of this process, the load generator."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def machine_cpu() -> float:
    """CPU seconds every process on the machine has used so far (all cores), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


async def post(session: aiohttp.ClientSession, bot: Bot, sender: str, text: str) -> float | None:
    """Send one message; the latency in ms, or None when it failed or got no answer."""
    started = time.perf_counter()
    try:
        async with session.post(bot.webhook, json={"sender": sender, "message": text}) as reply:
            answer = await reply.json(content_type=None)
            if reply.status != 200 or not answer:
                return None
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return None
    return (time.perf_counter() - started) * 1000


async def converse(
    session: aiohttp.ClientSession, bot: Bot, messages: list[str], load: Load
) -> None:
    """One sender: its own conversation, one message after the other."""
    sender = f"bench-{bot.name}-{uuid.uuid4().hex[:10]}"
    for text in messages:
        latency = await post(session, bot, sender, text)
        if latency is None:
            load.errors += 1
        else:
            load.latencies_ms.append(latency)


def client_session(senders: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=senders),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
    )


def run_load(bot: Bot, senders: int, rounds: int) -> Load:
    """`senders` concurrent conversations, each replaying the bot's conversation `rounds` times."""
    load = Load()

    async def main() -> None:
        async with client_session(senders) as session:
            messages = list(bot.conversation) * rounds
            servers, generator, machine = server_cpu(bot), generator_cpu(), machine_cpu()
            started = time.perf_counter()
            await asyncio.gather(*(converse(session, bot, messages, load) for _ in range(senders)))
            load.seconds = time.perf_counter() - started
            load.server_cpu = {
                name: cpu - servers.get(name, 0.0) for name, cpu in server_cpu(bot).items()
            }
            load.generator_cpu = generator_cpu() - generator
            load.machine_cpu = machine_cpu() - machine

    asyncio.run(main())
    return load


def warm_up(bots: list[Bot], senders: int) -> None:
    """A first round each: the first messages trace TensorFlow's graphs and fill caches."""
    for bot in bots:
        run_load(bot, senders, rounds=1)


def pooled_loads(bots: list[Bot], senders: int, rounds: int, repeats: int) -> dict[str, Load]:
    """`repeats` load phases per bot at one concurrency, the bots taking turns (A B B A ...),
    each bot's phases pooled; by bot name."""
    loads = {bot.name: Load() for bot in bots}
    for repeat in range(repeats):
        for bot in bots if repeat % 2 == 0 else reversed(bots):
            loads[bot.name].add(run_load(bot, senders, rounds))
    return loads


def write_json(path: Path, numbers: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(numbers, indent=2), encoding="utf-8")
    print(f"wrote {path}")
