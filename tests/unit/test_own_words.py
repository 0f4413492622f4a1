"""The knowledge base is written in our own words: no 8-word run copied from the seeds."""

import re
from pathlib import Path

import pytest
import yaml

from backcare.knowledge_base import KNOWLEDGE_DIR

SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
RUN = 8
# Published titles are quoted on purpose so they can be cited.
EXEMPT_KEYS = {("sources.yml", "title")}


def _words(text: str) -> list[str]:
    text = text.lower()
    text = re.sub(r"['\u2018\u2019`]", "", text)  # child's / child’s -> childs
    text = re.sub(r"[\u2010-\u2015-]", " ", text)  # hyphens and dashes split words
    return re.sub(r"[^a-z0-9]+", " ", text).split()


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _strings(value, file_name: str, key: str = ""):
    if isinstance(value, str):
        if (file_name, key) not in EXEMPT_KEYS:
            yield key, value
    elif isinstance(value, dict):
        for child_key, child in value.items():
            yield from _strings(child, file_name, str(child_key))
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child, file_name, key)


def test_normalisation_is_consistent():
    assert _words("Child\u2019s pose \u2014 cat-cow, 10\u201320") == _words(
        "childs pose cat cow 10 20"
    )


def test_no_eight_word_run_is_copied_from_the_seeds():
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS_DIR}; own-words check skipped")
    seed_runs: set[tuple[str, ...]] = set()
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        seed_runs |= _runs(_words(seed.read_text(encoding="utf-8")))
    assert seed_runs, f"no seed text in {SEEDS_DIR}"
    copied = []
    for path in sorted(KNOWLEDGE_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, text in _strings(data, path.name):
            copied += [
                f"{path.name} {key}: {' '.join(run)}" for run in _runs(_words(text)) & seed_runs
            ]
    assert not copied, "copied from the seeds:\n" + "\n".join(copied)
