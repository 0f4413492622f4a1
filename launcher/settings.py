"""Environment for the Rasa and action servers: defaults, `.env` overrides and the API token.

Precedence: variables already set in the process environment, then `.env`, then DEFAULTS.
Every setting is listed in README, "Settings".

`python -m launcher.settings` prints PROCESS_SETTINGS as NAME=value words: the Makefile and
scripts/test.sh export them for the commands they run directly (Rasa's command line, the evals).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = REPO_ROOT / ".env"
VAR_DIR = REPO_ROOT / "var"

DEFAULTS = {
    # Rasa's default ports; the web chat widget is served on WEB_PORT.
    "RASA_PORT": "5005",
    "ACTION_PORT": "5055",
    "WEB_PORT": "8080",
    # The address the servers listen on: this machine only; 0.0.0.0 opens them to the network
    # (README, "Security").
    "LISTEN_HOST": "127.0.0.1",
    # A custom action that has not answered after this many seconds gets a short apology
    # instead, so nobody waits on a hung action server (launcher/rasa_server.py).
    "ACTION_TIMEOUT_SECONDS": "6",
    # More web origins allowed to call the Rasa server from a browser, space-separated; the
    # widget's own page is always allowed.
    "CORS_ORIGINS": "",
    # The servers' logs, one file each (relative paths are from the project folder).
    "LOG_DIR": "var/logs",
    "TRACKER_STORE_DIALECT": "sqlite",
    "TRACKER_STORE_DB": "var/tracker.db",
    "TRACKER_STORE_URL": "",
    # The lock store: in_memory for one Rasa process, redis for several (endpoints.yml).
    "LOCK_STORE_TYPE": "in_memory",
    "REDIS_HOST": "localhost",
    "REDIS_PORT": "6379",
    "REDIS_PASSWORD": "",
    "REDIS_DB": "1",
    # `make cluster` (launcher/cluster.py): nginx's port, PostgreSQL's and Redis's ports, and
    # the Sanic workers of each Rasa replica.
    "CLUSTER_PORT": "5080",
    "CLUSTER_POSTGRES_PORT": "5433",
    "CLUSTER_REDIS_PORT": "6380",
    "CLUSTER_SANIC_WORKERS": "1",
    # TensorFlow threads of each Rasa server (`run`, `shell`): one message at a time needs no
    # more, and TensorFlow's idle threads spin on the cores the other servers need (the Rasa
    # server's CPU per message fell by a third; README, "Benchmark"). Training keeps
    # TensorFlow's default.
    "RASA_TF_THREADS": "1",
    # TensorFlow's start-up chatter hides the lines people need to read.
    "TF_CPP_MIN_LOG_LEVEL": "2",
    # No usage telemetry or crash reports leave the machine (they would try the network).
    "RASA_TELEMETRY_ENABLED": "false",
}
# What every process needs, not only the servers: spaCy imports TensorFlow, so the evals print
# its start-up chatter too, and any `rasa` command would send telemetry.
PROCESS_SETTINGS = ("TF_CPP_MIN_LOG_LEVEL", "RASA_TELEMETRY_ENABLED")


def read_env_file(path: Path = ENV_FILE) -> dict[str, str]:
    """Parse KEY=VALUE lines (comments and blank lines skipped, optional quotes removed)."""
    if not path.exists():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip().strip("'\"")
    return values


def ensure_secret(name: str, purpose: str, path: Path = ENV_FILE) -> str:
    """Return the secret `name` from the environment or `.env`, generating and saving one in
    `.env` on first use; `purpose` goes in the comment above it."""
    value = os.environ.get(name) or read_env_file(path).get(name)
    if value:
        return value
    value = secrets.token_hex(24)
    with path.open("a", encoding="utf-8") as env_file:
        env_file.write(f"# Generated on first run; {purpose}. Never commit.\n{name}={value}\n")
    path.chmod(0o600)
    return value


def ensure_api_token(path: Path = ENV_FILE) -> str:
    """RASA_API_TOKEN from the environment or `.env`, generated into `.env` on first use."""
    return ensure_secret("RASA_API_TOKEN", "the Rasa HTTP API needs ?token=<this>", path)


def configured_ports() -> tuple[int, int, int]:
    """(Rasa, action server, web chat) ports, from the environment, `.env` or the defaults."""
    environment = server_environment()
    return tuple(int(environment[name]) for name in ("RASA_PORT", "ACTION_PORT", "WEB_PORT"))


def server_environment(**overrides: str) -> dict[str, str]:
    """The environment to start Rasa commands with; `overrides` win over everything."""
    environment = dict(DEFAULTS)
    environment.update(read_env_file())
    environment.update(os.environ)
    environment.update(overrides)
    environment.setdefault(
        "ACTION_ENDPOINT_URL", f"http://localhost:{environment['ACTION_PORT']}/webhook"
    )
    VAR_DIR.mkdir(exist_ok=True)
    return environment


if __name__ == "__main__":
    settings = server_environment()
    print(" ".join(f"{name}={settings[name]}" for name in PROCESS_SETTINGS))
