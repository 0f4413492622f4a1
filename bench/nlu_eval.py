"""Train an NLU-only model on data/nlu and score it on the held-out split.

Usage: ``python -m bench.nlu_eval [--config config.yml] [--min-intent-f1 0.95]``

Trains with ``rasa train nlu`` into a temporary directory, runs ``rasa test nlu``
on ``tests/nlu/heldout.yml`` (never trained on) into ``results/nlu-eval``, then
prints intent macro-F1, entity weighted/macro F1 per extractor and the worst
intents. Exits 1 when the intent macro-F1 is below the threshold, 2 when
training or testing fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from launcher.settings import server_environment

ROOT = Path(__file__).resolve().parent.parent
AVERAGES = ("accuracy", "micro avg", "macro avg", "weighted avg")
NON_ENTITY_REPORTS = ("intent_report.json", "response_selection_report.json")
# Post-processors that only rewrite or add entities: their per-extractor reports only see
# the few entities they added themselves, so they are left out of the summary.
POST_PROCESSORS = ("StageNormalizer", "RedFlagScreen")
# Extractors that own one entity type: they are scored on it alone, and their replacement of
# DIET's entities of that type makes DIET's figure for it meaningless, so it is left out.
OWNED_ENTITIES = {"BodyAreaExtractor": {"body_area"}}


def _run(cmd: list[str], log: Path) -> None:
    """Run a rasa command from the repo root, logging its output; raise on failure."""
    env = server_environment(PYTHONWARNINGS="ignore")  # quiet TensorFlow, no telemetry
    start = time.monotonic()
    with log.open("a") as handle:
        handle.write(f"$ {' '.join(cmd)}\n")
        handle.flush()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=env)
    print(f"  {' '.join(cmd[2:5])} ... {time.monotonic() - start:.0f}s (rc={proc.returncode})")
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-40:]
        print("\n".join(tail), file=sys.stderr)
        raise RuntimeError(f"command failed: {' '.join(cmd)}")


def _labels(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per-label rows of a sklearn-style report (averages left out)."""
    return {k: v for k, v in report.items() if k not in AVERAGES and isinstance(v, dict)}


def _macro_f1(report: dict[str, Any]) -> float:
    if "macro avg" in report:
        return float(report["macro avg"]["f1-score"])
    rows = _labels(report)
    return sum(float(r["f1-score"]) for r in rows.values()) / max(len(rows), 1)


def _weighted_f1(rows: dict[str, dict[str, Any]]) -> float:
    """F1 over some rows of a report, weighted by their support."""
    support = sum(int(r["support"]) for r in rows.values()) or 1
    return sum(float(r["f1-score"]) * int(r["support"]) for r in rows.values()) / support


def summarise(out_dir: Path, worst: int = 5) -> dict[str, Any]:
    """Read the rasa test reports in ``out_dir`` and return the headline figures."""
    intent_report = json.loads((out_dir / "intent_report.json").read_text())
    intents = _labels(intent_report)
    summary: dict[str, Any] = {
        "intent_macro_f1": _macro_f1(intent_report),
        "intent_accuracy": float(intent_report.get("accuracy", 0.0)),
        "worst_intents": sorted(
            ((name, float(row["f1-score"]), int(row["support"])) for name, row in intents.items()),
            key=lambda item: item[1],
        )[:worst],
        "entities": {},
    }
    for path in sorted(out_dir.glob("*_report.json")):
        if path.name in NON_ENTITY_REPORTS or path.name.split("_report")[0] in POST_PROCESSORS:
            continue
        report = json.loads(path.read_text())
        extractor = path.name.removesuffix("_report.json")
        owned = OWNED_ENTITIES.get(extractor)
        others = set().union(*OWNED_ENTITIES.values()) if owned is None else set()
        rows = {
            k: v
            for k, v in _labels(report).items()
            if k != "no_entity" and (k in owned if owned else k not in others)
        }
        summary["entities"][extractor] = {
            "weighted_f1": _weighted_f1(rows),
            "macro_f1": sum(float(r["f1-score"]) for r in rows.values()) / max(len(rows), 1),
            "per_entity": {k: (float(v["f1-score"]), int(v["support"])) for k, v in rows.items()},
        }
    return summary


def print_summary(summary: dict[str, Any]) -> None:
    """Print the figures in a compact, human-readable form."""
    print(f"intent macro-F1: {summary['intent_macro_f1']:.3f}")
    print(f"intent accuracy: {summary['intent_accuracy']:.3f}")
    print("worst intents:")
    for name, f1, support in summary["worst_intents"]:
        print(f"  {name:<22} F1 {f1:.3f} (n={support})")
    for extractor, figures in summary["entities"].items():
        print(
            f"entities [{extractor}]: weighted F1 {figures['weighted_f1']:.3f}, "
            f"macro-F1 {figures['macro_f1']:.3f}"
        )
        for entity, (f1, support) in sorted(figures["per_entity"].items()):
            print(f"  {entity:<16} F1 {f1:.3f} (n={support})")


def main(argv: list[str] | None = None) -> int:
    """Train, test and report; return the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--nlu", default="data/nlu")
    parser.add_argument("--heldout", default="tests/nlu/heldout.yml")
    parser.add_argument("--out", default="results/nlu-eval")
    parser.add_argument("--min-intent-f1", type=float, default=0.95)
    parser.add_argument("--model", help="skip training and test this model archive")
    args = parser.parse_args(argv)

    out_dir = ROOT / args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / "nlu-eval.log"
    log.write_text("")
    rasa = [sys.executable, "-m", "rasa"]
    print(f"NLU held-out eval (log: {log.relative_to(ROOT)})")
    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as tmp:
        try:
            model = args.model
            if model is None:
                train = ["train", "nlu", "--nlu", args.nlu, "--config", args.config]
                _run([*rasa, *train, "--out", tmp, "--fixed-model-name", "nlu-eval"], log)
                model = str(Path(tmp) / "nlu-eval.tar.gz")
            test = ["test", "nlu", "--nlu", args.heldout, "--model", model, "--out", str(out_dir)]
            test.append("--no-plot")
            _run([*rasa, *test], log)
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 2

    summary = summarise(out_dir)
    print_summary(summary)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    if summary["intent_macro_f1"] < args.min_intent_f1:
        print(f"FAIL: intent macro-F1 below {args.min_intent_f1}")
        return 1
    print(f"OK: intent macro-F1 >= {args.min_intent_f1}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
