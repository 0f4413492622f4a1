"""`make cluster`: the assistant as several processes on this machine, the way Rasa scales.

    nginx :5080 ── round robin ──> Rasa replica 1, Rasa replica 2   (REST, HTTP API)
                └─ by client ───> the same replicas                 (socket.io, the widget)
    every replica (CLUSTER_SANIC_WORKERS Sanic workers): Redis lock store, PostgreSQL tracker store
    replicas ──> nginx (internal port) ── round robin ──> action server 1, action server 2

Any replica can serve any message because nothing about a conversation lives in a process:
the conversation is in PostgreSQL, and Redis holds one lock per conversation so its messages
are handled one after the other wherever they land. PostgreSQL, Redis and nginx are Debian's
(scripts/install_cluster.sh), run here as this user's own processes on their own ports, with
their data under `data_dir` (var/cluster, git-ignored). Under root, PostgreSQL (which refuses
root) runs as the `postgres` system user and owns only its data folder.

`python -m launcher.cluster start|stop|status` is what `make cluster` and `make cluster-stop`
run: `start` leaves a supervisor in the background (`serve`), which restarts any server that
exits, as `make run` does; `stop` stops it and everything it started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import redis

from launcher.__main__ import ports_in_use, stop_on_signals
from launcher.model import train_if_needed
from launcher.settings import REPO_ROOT, ensure_api_token, ensure_secret, server_environment
from launcher.stack import (
    STOP_TIMEOUT,
    ManagedProcess,
    ServerFailedToStart,
    StopRequested,
    Supervisor,
    action_server_command,
    rasa_server_command,
)

REPLICAS = 2
DATABASE = "rasa"
DB_USER = "rasa"
# How long Redis keeps a conversation's lock when the replica holding it dies mid-message
# (Rasa's TICKET_LOCK_LIFETIME; its default is 60 s). A message takes well under a second,
# and at most ACTION_TIMEOUT_SECONDS waiting for an action.
LOCK_LIFETIME_SECONDS = 20
START_TIMEOUT = 300.0
# The servers that nothing can stand in for: supervision stops the cluster when one of them
# keeps failing. A replica or an action server that keeps failing leaves the other one serving.
ESSENTIAL = ("postgres", "redis", "nginx")


def postgres_program(name: str) -> str:
    """A PostgreSQL server program (postgres, initdb) from Debian's newest installed version."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    found = str(versions[-1]) if versions else shutil.which(name)
    if not found:
        raise ServerFailedToStart(
            f"PostgreSQL's {name} is missing: run scripts/install_cluster.sh (make cluster does)."
        )
    return found


def free_ports(count: int) -> list[int]:
    """`count` different TCP ports that nothing listens on right now."""
    with contextlib.ExitStack() as held:  # each stays taken until all are picked
        probes = [held.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def internal_ports(ports: list[int]) -> dict:
    """The Cluster fields for the ports only nginx and the replicas use, from `ports`."""
    return {
        "rasa_ports": tuple(ports[:REPLICAS]),
        "action_ports": tuple(ports[REPLICAS : 2 * REPLICAS]),
        "actions_port": ports[2 * REPLICAS],
    }


def postgres_account() -> str | None:
    """The OS user PostgreSQL runs as: `postgres` when we are root (it refuses root), else us."""
    return "postgres" if os.geteuid() == 0 else None


@dataclass
class Cluster(Supervisor):
    """PostgreSQL, Redis, two action servers, two Rasa replicas and nginx in front."""

    model_path: Path
    api_token: str
    data_dir: Path
    log_dir: Path
    port: int
    postgres_port: int
    redis_port: int
    db_password: str
    redis_password: str
    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    actions_port: int  # nginx, in front of the action servers
    sanic_workers: int = 1
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def replica_urls(self) -> list[str]:
        return [f"http://{self.host}:{port}" for port in self.rasa_ports]

    @property
    def replica_names(self) -> list[str]:
        return [f"rasa-{number}" for number in range(1, len(self.rasa_ports) + 1)]

    def ports(self) -> list[int]:
        """Every port the cluster listens on."""
        fixed = [self.port, self.actions_port, self.postgres_port, self.redis_port]
        return [*fixed, *self.rasa_ports, *self.action_ports]

    @property
    def tracker_store_url(self) -> str:
        return (
            f"postgresql://{DB_USER}:{self.db_password}@{self.host}:{self.postgres_port}/{DATABASE}"
        )

    @property
    def page_origins(self) -> list[str]:
        """The web origins of the widget's page as nginx serves it (/chat/)."""
        return [f"http://localhost:{self.port}", f"http://127.0.0.1:{self.port}"]

    def environment(self) -> dict[str, str]:
        """What every Rasa replica gets: the shared stores and the action servers behind nginx,
        and the widget's page among the allowed web origins."""
        environment = server_environment(
            ACTION_ENDPOINT_URL=f"http://{self.host}:{self.actions_port}/webhook",
            RASA_API_TOKEN=self.api_token,
            TRACKER_STORE_URL=self.tracker_store_url,
            LOCK_STORE_TYPE="redis",
            REDIS_HOST=self.host,
            REDIS_PORT=str(self.redis_port),
            REDIS_PASSWORD=self.redis_password,
            REDIS_DB="1",
            SANIC_WORKERS=str(self.sanic_workers),
            TICKET_LOCK_LIFETIME=str(LOCK_LIFETIME_SECONDS),
        )
        environment["CORS_ORIGINS"] = " ".join(
            [*self.page_origins, *environment.get("CORS_ORIGINS", "").split()]
        )
        return environment

    # --- start and stop -------------------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start everything, each tier once the one it needs answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.start_postgres(timeout)
        self.start_redis(timeout)
        for number, port in enumerate(self.action_ports, start=1):
            # the action servers need none of the stores' secrets
            self.launch(f"actions-{number}", action_server_command(port), server_environment())
        for number, port in enumerate(self.action_ports, start=1):
            self.wait_until_ready(
                self.processes[f"actions-{number}"], f"http://{self.host}:{port}/health", timeout
            )
        for name, port in zip(self.replica_names, self.rasa_ports, strict=True):
            # behind nginx: the replicas listen on loopback only
            self.launch(name, rasa_server_command(self.model_path, port, self.host))
        for name, url in zip(self.replica_names, self.replica_urls, strict=True):
            self.wait_until_ready(
                self.processes[name], f"{url}/status?token={self.api_token}", timeout
            )
        self.start_nginx(timeout)

    def stop(self) -> None:
        """nginx first (no new requests), then the replicas, the action servers, Redis, and
        PostgreSQL last, so every turn in flight is saved."""
        self.stop_in_order(
            ("nginx",),
            tuple(self.replica_names),
            tuple(name for name in self.processes if name.startswith("actions-")),
            ("redis",),
            ("postgres",),
        )

    # --- PostgreSQL -------------------------------------------------------------------------

    @property
    def postgres_dir(self) -> Path:
        return self.data_dir / "postgres"

    def start_postgres(self, timeout: float) -> None:
        account = postgres_account()
        if not (self.postgres_dir / "PG_VERSION").exists():
            self._init_postgres(account)
        command = [postgres_program("postgres"), "-D", str(self.postgres_dir)]
        for setting in (
            f"listen_addresses={self.host}",
            f"port={self.postgres_port}",
            "unix_socket_directories=",  # TCP on loopback only
            "logging_collector=off",
        ):
            command += ["-c", setting]
        # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to disconnect
        managed = self.launch(
            "postgres", command, os.environ.copy(), user=account, stop_signal=signal.SIGINT
        )
        self.wait_until_ready(managed, self._postgres_answers, timeout)
        self._create_database()

    def _init_postgres(self, account: str | None) -> None:
        """initdb: a cluster whose superuser is `rasa`, with a password, on loopback only."""
        self.postgres_dir.mkdir(parents=True, exist_ok=True)
        password_file = self.data_dir / "initdb.password"
        password_file.write_text(self.db_password + "\n", encoding="utf-8")
        password_file.chmod(0o600)
        try:
            if account:
                entry = pwd.getpwnam(account)
                for path in (self.postgres_dir, password_file):
                    os.chown(path, entry.pw_uid, entry.pw_gid)
            self.postgres_dir.chmod(0o700)
            command = [postgres_program("initdb"), "-D", str(self.postgres_dir), "-U", DB_USER]
            command += [f"--pwfile={password_file}", "--auth=scram-sha-256", "--no-locale"]
            command += ["--encoding=UTF8"]
            initdb = ManagedProcess(
                "initdb", command, os.environ.copy(), self.log_dir, user=account
            )
            initdb.start()
            assert initdb.process is not None
            if initdb.process.wait(timeout=120) != 0:
                raise ServerFailedToStart(f"initdb failed:\n{initdb.log_tail()}")
        finally:
            password_file.unlink(missing_ok=True)

    def _connect_postgres(self, database: str = "postgres"):  # noqa: ANN202
        return psycopg2.connect(
            host=self.host,
            port=self.postgres_port,
            user=DB_USER,
            password=self.db_password,
            dbname=database,
            connect_timeout=3,
        )

    def _postgres_answers(self) -> bool:
        try:
            self._connect_postgres().close()
            return True
        except psycopg2.OperationalError as error:
            if "password authentication failed" in str(error):
                raise ServerFailedToStart(
                    f"PostgreSQL in {self.postgres_dir} has another password than "
                    "CLUSTER_POSTGRES_PASSWORD: restore it in .env, or delete that folder to "
                    "start with an empty database."
                ) from error
            return False

    def _create_database(self) -> None:
        connection = self._connect_postgres()
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
                if cursor.fetchone() is None:
                    cursor.execute(f"CREATE DATABASE {DATABASE}")
        finally:
            connection.close()

    # --- Redis ------------------------------------------------------------------------------

    def start_redis(self, timeout: float) -> None:
        """Redis for the lock store only: nothing to persist (locks live for seconds)."""
        directory = self.data_dir / "redis"
        directory.mkdir(parents=True, exist_ok=True)
        config = directory / "redis.conf"  # holds the password, so not on the command line
        config.touch(mode=0o600)
        config.write_text(
            "\n".join(
                [
                    f"bind {self.host}",
                    f"port {self.redis_port}",
                    f"requirepass {self.redis_password}",
                    'save ""',
                    "appendonly no",
                    f"dir {directory}",
                    'logfile ""',
                    "",
                ]
            ),
            encoding="utf-8",
        )
        managed = self.launch("redis", ["redis-server", str(config)], os.environ.copy())
        self.wait_until_ready(managed, self._redis_answers, timeout)

    def _redis_answers(self) -> bool:
        client = redis.Redis(
            host=self.host, port=self.redis_port, password=self.redis_password, socket_timeout=2
        )
        try:
            return bool(client.ping())
        except redis.exceptions.ConnectionError:
            return False
        finally:
            client.close()

    # --- nginx ------------------------------------------------------------------------------

    def start_nginx(self, timeout: float) -> None:
        directory = self.data_dir / "nginx"
        directory.mkdir(parents=True, exist_ok=True)
        config = directory / "nginx.conf"
        config.write_text(self.nginx_config(directory), encoding="utf-8")
        command = [
            shutil.which("nginx") or "/usr/sbin/nginx",
            "-p",
            str(directory),
            "-c",
            str(config),
        ]
        managed = self.launch("nginx", command, os.environ.copy())
        self.wait_until_ready(managed, f"{self.url}/", timeout)

    def nginx_config(self, directory: Path) -> str:
        """nginx in front: round robin over the replicas for REST and the HTTP API (a replica
        that refuses connections is skipped and retried 2 s later); the widget's socket.io path
        by client address, because a socket.io session lives in one Rasa process; the widget's
        page under /chat/; and, on an internal port, the two action servers."""

        def servers(ports: tuple[int, ...]) -> str:
            return "\n".join(
                f"        server {self.host}:{port} max_fails=1 fail_timeout=2s;" for port in ports
            )

        temp_paths = "\n".join(
            f"    {kind}_temp_path {directory / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return f"""# Written by launcher/cluster.py at every start of the cluster; edits are lost.
daemon off;
worker_processes 1;
pid {directory / "nginx.pid"};
error_log stderr notice;

events {{
    worker_connections 1024;
}}

http {{
    include /etc/nginx/mime.types;
    access_log off;
    server_tokens off;
{temp_paths}

    upstream rasa {{
{servers(self.rasa_ports)}
        # idle connections kept open to the replicas: opening one costs a replica more CPU
        # than a message's routing, so keep enough for every sender at once
        keepalive 128;
    }}

    upstream rasa_socketio {{
        hash $remote_addr consistent;
{servers(self.rasa_ports)}
    }}

    upstream actions {{
{servers(self.action_ports)}
        keepalive 16;
    }}

    server {{
        listen {self.host}:{self.port};
        # which replica answered (tests and curious people read it)
        add_header X-Upstream $upstream_addr always;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_read_timeout 120s;

        location = /chat {{
            return 301 /chat/;
        }}
        location /chat/ {{
            alias {REPO_ROOT / "web"}/;
        }}
        location /socket.io/ {{
            proxy_pass http://rasa_socketio;
            proxy_buffering off;
        }}
        location / {{
            proxy_pass http://rasa;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout;
        }}
    }}

    server {{
        listen {self.host}:{self.actions_port};
        client_body_buffer_size 1m;  # a tracker per call: kept in memory, not a temporary file
        location / {{
            proxy_pass http://actions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # the actions only read: one that failed mid-call may be run again elsewhere
            proxy_next_upstream error timeout non_idempotent;
        }}
    }}
}}
"""

    def how_to_talk(self) -> str:
        return f"""
================================================================================
 The cluster is running: nginx in front of {len(self.rasa_ports)} Rasa replicas \
({self.sanic_workers} Sanic worker(s) each),
 {len(self.action_ports)} action servers, PostgreSQL :{self.postgres_port} and \
Redis :{self.redis_port}.
   REST       curl -s {self.url}/webhooks/rest/webhook -d '{{"sender":"me","message":"hi"}}'
   Web chat   {self.url}/chat/?server={self.url}
   HTTP API   {self.url}/conversations/<id>/tracker?token=...  (RASA_API_TOKEN in .env)
   Logs       {self.log_dir}/
 Stop it with:  make cluster-stop
================================================================================
""".strip("\n")


def scratch_cluster(model_path: Path, directory: Path, sanic_workers: int = 1) -> Cluster:
    """A cluster on free ports with fresh secrets, its data and logs in `directory`, for tests
    and benchmarks that must not touch `make cluster`'s. Under root, the folders above
    `directory` must let the `postgres` user through (a fresh tempfile.mkdtemp() does)."""
    directory.mkdir(parents=True, exist_ok=True)
    if postgres_account():
        directory.chmod(0o711)  # PostgreSQL's user must reach its data folder inside
    port, postgres_port, redis_port, *internal = free_ports(3 + 2 * REPLICAS + 1)
    return Cluster(
        model_path=model_path,
        api_token=secrets.token_hex(16),
        data_dir=directory,
        log_dir=directory / "logs",
        port=port,
        postgres_port=postgres_port,
        redis_port=redis_port,
        **internal_ports(internal),
        db_password=secrets.token_hex(16),
        redis_password=secrets.token_hex(16),
        sanic_workers=sanic_workers,
    )


# --- make cluster / make cluster-stop -------------------------------------------------------

CLUSTER_DIR = REPO_ROOT / "var" / "cluster"
STATE_FILE = CLUSTER_DIR / "supervisor.json"


def configured_cluster(model_path: Path) -> Cluster:
    """The cluster on the configured ports (README, "Settings"), with the project's secrets."""
    settings = server_environment()
    return Cluster(
        model_path=model_path,
        api_token=ensure_api_token(),
        data_dir=CLUSTER_DIR,
        log_dir=REPO_ROOT / settings["LOG_DIR"] / "cluster",
        port=int(settings["CLUSTER_PORT"]),
        postgres_port=int(settings["CLUSTER_POSTGRES_PORT"]),
        redis_port=int(settings["CLUSTER_REDIS_PORT"]),
        db_password=ensure_secret("CLUSTER_POSTGRES_PASSWORD", "make cluster's PostgreSQL"),
        redis_password=ensure_secret("CLUSTER_REDIS_PASSWORD", "make cluster's Redis"),
        sanic_workers=int(settings["CLUSTER_SANIC_WORKERS"]),
        **internal_ports(free_ports(2 * REPLICAS + 1)),
    )


def running_supervisor() -> int | None:
    """The pid of the background supervisor of `make cluster`, if it is running."""
    try:
        pid = json.loads(STATE_FILE.read_text(encoding="utf-8"))["pid"]
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    return pid if b"launcher.cluster\x00serve" in command_line else None


def serve(model_path: Path) -> int:
    """The background supervisor: start the cluster, restart what exits, stop on a signal."""
    cluster = configured_cluster(model_path)
    stop_on_signals(cluster.stop_requested)
    state = {"pid": os.getpid(), "ready": False, "ports": cluster.ports()}
    STATE_FILE.write_text(json.dumps(state), encoding="utf-8")
    try:
        cluster.start()
        state.update(ready=True, banner=cluster.how_to_talk())
        STATE_FILE.write_text(json.dumps(state), encoding="utf-8")
        print(cluster.how_to_talk(), flush=True)
        cluster.supervise(essential=ESSENTIAL)
        return 0 if cluster.stop_requested.is_set() else 1
    except StopRequested:
        return 0
    except ServerFailedToStart as error:
        print(error, flush=True)
        return 1
    finally:
        print("Stopping the cluster...", flush=True)
        cluster.stop()
        STATE_FILE.unlink(missing_ok=True)
        print("Cluster stopped.", flush=True)


def start() -> int:
    """Start the supervisor in the background and wait until the cluster answers."""
    if running_supervisor():
        print(f"The cluster is already running (make cluster-stop stops it).\n{_banner()}")
        return 0
    settings = server_environment()
    ports = [
        int(settings[name])
        for name in ("CLUSTER_PORT", "CLUSTER_POSTGRES_PORT", "CLUSTER_REDIS_PORT")
    ]
    busy = ports_in_use(*ports)
    if busy:
        print(f'Port(s) {busy} are already in use (settings CLUSTER_*, README "Settings").')
        return 1
    model = train_if_needed()
    CLUSTER_DIR.mkdir(parents=True, exist_ok=True)
    log_dir = REPO_ROOT / settings["LOG_DIR"] / "cluster"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / "supervisor.log"
    print(f"Starting the cluster in the background (about a minute; log: {log})...", flush=True)
    with log.open("w", encoding="utf-8") as output:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "launcher.cluster", "serve", "--model", str(model)],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT + 60
    while time.monotonic() < deadline:
        if supervisor.poll() is not None:
            print("The cluster did not start:\n" + log.read_text(encoding="utf-8")[-4000:])
            return 1
        if _state().get("ready"):
            print(_banner())
            return 0
        time.sleep(1)
    print(f"The cluster did not start in time; see {log}. Stopping it.")
    stop()
    return 1


def _state() -> dict:
    try:
        return json.loads(STATE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _banner() -> str:
    return _state().get("banner", "")


def stop(timeout: float = 60.0) -> int:
    """Stop the supervisor, which stops every server it started; make sure nothing is left."""
    pid = running_supervisor()
    if pid is None:
        print("The cluster is not running.")
        STATE_FILE.unlink(missing_ok=True)
        return 0
    ports = _state().get("ports", [])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while not _exited(pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    if not _exited(pid):
        print(f"The supervisor did not stop in {timeout:.0f} s; killing it (its servers follow).")
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + STOP_TIMEOUT + 5
    while (busy := ports_in_use(*ports)) and time.monotonic() < deadline:
        time.sleep(0.5)
    STATE_FILE.unlink(missing_ok=True)
    if busy:
        print(f"Cluster stopped, but port(s) {busy} are still in use: see `ss -ltnp`.")
        return 1
    print("Cluster stopped; nothing it started is left.")
    return 0


def _exited(pid: int) -> bool:
    """True once `pid` is gone or a zombie (the supervisor is not our child)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def status() -> int:
    if running_supervisor():
        print(_banner() or "The cluster is starting.")
        return 0
    print("The cluster is not running.")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m launcher.cluster", description=__doc__)
    parser.add_argument("command", choices=["start", "stop", "status", "serve"])
    parser.add_argument("--model", type=Path, help="serve: the model to load")
    arguments = parser.parse_args()
    if arguments.command == "serve":
        return serve(arguments.model)
    return {"start": start, "stop": stop, "status": status}[arguments.command]()


if __name__ == "__main__":
    sys.exit(main())
