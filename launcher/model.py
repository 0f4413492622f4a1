"""Train the Rasa model only when the domain, config or training data changed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

from launcher.settings import REPO_ROOT, server_environment

MODELS_DIR = REPO_ROOT / "models"
# the field tuning half trains the red-flag screen's second opinion (components/red_flag_screen.py)
TRAINING_INPUTS = ("domain.yml", "config.yml", "data", "tests/field/tuning.yml")
MODEL_PREFIX = "backcare-"


def training_fingerprint() -> str:
    """Hash of every file that goes into training, by path and content."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        root = REPO_ROOT / name
        files = sorted(root.rglob("*.yml")) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def current_model_path() -> Path:
    return MODELS_DIR / f"{MODEL_PREFIX}{training_fingerprint()}.tar.gz"


def train_if_needed() -> Path:
    """Return the model for the current inputs, training it first when it does not exist."""
    model = current_model_path()
    if model.exists():
        print(f"Model is up to date: {model.relative_to(REPO_ROOT)}", flush=True)
        return model
    print("Training the model (domain, config or data changed)...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "--domain",
            "domain.yml",
            "--config",
            "config.yml",
            "--data",
            "data",
            "--out",
            str(MODELS_DIR),
            "--fixed-model-name",
            model.name[:-7],
        ],
        cwd=REPO_ROOT,
        env=server_environment(),
        check=True,
    )
    for old_model in MODELS_DIR.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old_model != model:
            old_model.unlink()
    print(
        f"Trained {model.relative_to(REPO_ROOT)} in {time.monotonic() - started:.0f} s", flush=True
    )
    return model
