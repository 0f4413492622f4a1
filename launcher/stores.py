"""The Rasa server's tracker store and lock store: checked before it starts, retried when the
database drops a connection, and never swapped for memory.

Rasa 3.6 alone waits forever for an unreachable SQL database at start-up (it retries every 5 s
without end), finds out that Redis is unreachable only at the first message, and, once
running, answers from an empty in-memory tracker when the database fails (FailSafeTrackerStore):
the person loses the conversation and what they say then is never stored. Here:

- `check_stores` connects to the configured database and Redis once before Rasa starts, and
  raises StoreUnavailable with a clear reason otherwise (launcher/rasa_server.py then exits
  non-zero);
- `RetryingTrackerStore` takes the place of FailSafeTrackerStore: a dropped or refused database
  connection is retried for up to `retry_seconds` (a PostgreSQL restart takes a second or two),
  and after that the error reaches the input channel, which apologises (channels/inputs.py).
  Retrying a save is safe: Rasa's SQL store writes only the events the database does not have;
- `AtomicRedisLockStore` takes the place of Rasa's RedisLockStore. Rasa 3.6 reads a
  conversation's lock from Redis, changes it and writes it back in separate steps, so two Rasa
  processes that take a ticket at the same moment can both get the first one and handle two
  messages of one conversation at once, losing one of them (RasaHQ/rasa#9213; Rasa's fix,
  ConcurrentRedisLockStore, is not in Rasa Open Source 3.6). Here each change is one Redis
  transaction (WATCH/MULTI/EXEC), on the same stored lock.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TypeVar

import rasa.core.lock_store
import redis
import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.agent import Agent
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
    create_engine_kwargs,
)
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import class_from_module_path
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
RETRY_SECONDS = 10.0
Result = TypeVar("Result")
# Rasa's built-in tracker store types (a `type:` that is none of these is a module path)
BUILT_IN_TRACKER_STORES = ("sql", "redis", "mongod", "dynamo")


class StoreUnavailable(RuntimeError):
    """The tracker store or the lock store cannot be used; the message says why."""


def check_stores(endpoints_file: Path) -> None:
    """Connect once to the tracker store's database and to the lock store's Redis."""
    if not endpoints_file.is_file():
        raise StoreUnavailable(f"The endpoints file {endpoints_file} does not exist.")
    endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    check_tracker_store(endpoints.tracker_store)
    check_lock_store(endpoints.lock_store)


def check_tracker_store(config: EndpointConfig | None) -> None:
    if config is None or config.type is None:
        return  # Rasa's in-memory store, as asked for
    store_type = config.type.lower()
    if store_type not in BUILT_IN_TRACKER_STORES:
        store_class = _importable(
            config.type, "tracker store", "the tracker_store type in endpoints.yml"
        )
        if not issubclass(store_class, SQLTrackerStore):
            return
    elif store_type != "sql":
        return  # other built-in stores are not used by this project
    options = config.kwargs
    url = SQLTrackerStore.get_db_url(
        dialect=options.get("dialect", "sqlite"),
        host=config.url,
        port=options.get("port"),
        db=options.get("db", "rasa.db"),
        username=options.get("username"),
        password=options.get("password"),
        login_db=options.get("login_db"),
        query=options.get("query"),
    )
    shown = "(no valid URL)"
    try:
        parsed = sa.engine.make_url(url)
        shown = repr(parsed)  # with the password as ***
        engine_options = create_engine_kwargs(url)
        if parsed.get_backend_name() == "postgresql":
            engine_options["connect_args"] = {
                **engine_options.get("connect_args", {}),
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            }
        engine = sa.create_engine(url, **engine_options)
        try:
            with engine.connect():
                pass
        finally:
            engine.dispose()
    except (sqlalchemy.exc.SQLAlchemyError, ImportError, ValueError) as error:
        raise StoreUnavailable(
            f"Cannot use the tracker store database {shown}: {_first_line(error)}\n"
            "Check TRACKER_STORE_URL (or TRACKER_STORE_DIALECT and TRACKER_STORE_DB) in the "
            "environment or .env, and that the database server is running (README, "
            '"Tracker store"). Conversations are never kept in memory instead.'
        ) from error


def check_lock_store(config: EndpointConfig | None) -> None:
    if config is None or config.type in (None, "", "in_memory"):
        return
    if config.type != "redis":
        _importable(config.type, "lock store", "LOCK_STORE_TYPE")
        return
    where = f"redis://{config.url}:{config.kwargs.get('port', 6379)}/{config.kwargs.get('db', 1)}"
    try:
        RedisLockStore(host=config.url, **config.kwargs).red.ping()
    except (redis.exceptions.RedisError, ValueError, TypeError) as error:
        raise StoreUnavailable(
            f"Cannot use the Redis lock store at {where}: {_first_line(error)}\n"
            "Check REDIS_HOST, REDIS_PORT, REDIS_PASSWORD and REDIS_DB in the environment or "
            '.env, and that Redis is running (README, "Several Rasa processes"), or set '
            "LOCK_STORE_TYPE=in_memory for a single Rasa process."
        ) from error


def _importable(module_path: str, what: str, setting: str) -> type:
    """The class a custom store type names (Rasa would quietly use memory when it is missing)."""
    try:
        return class_from_module_path(module_path)
    except (ImportError, AttributeError) as error:
        raise StoreUnavailable(
            f"Unknown {what} type {module_path!r} ({error}). Check {setting}."
        ) from error


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def is_connection_error(error: BaseException) -> bool:
    """A database connection refused, dropped or invalidated (worth retrying)."""
    if isinstance(error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        return True
    return isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated


class RetryingTrackerStore(TrackerStore):
    """Wraps the configured tracker store (in place of Rasa's FailSafeTrackerStore): a database
    connection error is retried with growing pauses for up to `retry_seconds`, then raised."""

    def __init__(self, tracker_store: TrackerStore, retry_seconds: float = RETRY_SECONDS) -> None:
        self._tracker_store = tracker_store
        self.retry_seconds = retry_seconds
        super().__init__(tracker_store.domain, tracker_store.event_broker)

    @property
    def wrapped(self) -> TrackerStore:
        """The configured tracker store this one retries."""
        return self._tracker_store

    @property
    def domain(self) -> Domain:
        return self._tracker_store.domain

    @domain.setter
    def domain(self, domain: Domain) -> None:
        self._tracker_store.domain = domain

    async def _retrying(self, what: str, call: Callable[[], Awaitable[Result]]) -> Result:
        deadline = time.monotonic() + self.retry_seconds
        pause = 0.2
        while True:
            try:
                return await call()
            except Exception as error:
                if not is_connection_error(error) or time.monotonic() + pause > deadline:
                    raise
                logger.warning(
                    "Tracker store %s failed (%s); retrying in %.1f s.",
                    what,
                    _first_line(error),
                    pause,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, 2.0)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._retrying("read", lambda: self._tracker_store.retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._retrying(
            "read", lambda: self._tracker_store.retrieve_full_tracker(conversation_id)
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._retrying("save", lambda: self._tracker_store.save(tracker))

    async def keys(self) -> Iterable[str]:
        return await self._retrying("listing", self._tracker_store.keys)


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store whose every change to a conversation's lock is one Redis
    transaction: a change made by another process in between makes it start again."""

    def _change_lock(
        self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]
    ) -> None:
        """Apply `change` to the stored lock (None: there is none) and store what it returns
        (None: delete the lock), atomically."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as transaction:
            while True:
                try:
                    transaction.watch(key)
                    stored = transaction.get(key)
                    lock = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
                    transaction.multi()
                    if lock is None:
                        transaction.delete(key)
                    else:
                        transaction.set(key, lock.dumps())
                    transaction.execute()
                    return
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued = []

        def take_a_ticket(lock: TicketLock | None) -> TicketLock:
            lock = lock or self.create_lock(conversation_id)
            issued[:] = [lock.issue_ticket(lock_lifetime)]
            return lock

        try:
            self._change_lock(conversation_id, take_a_ticket)
        except redis.exceptions.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return issued[0]

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired_tickets(lock: TicketLock | None) -> TicketLock | None:
            if lock:
                lock.remove_expired_tickets()
            return lock

        self._change_lock(conversation_id, drop_expired_tickets)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back; the lock goes when nobody else holds a ticket."""

        def give_back(lock: TicketLock | None) -> TicketLock | None:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock if lock and lock.is_someone_waiting() else None

        self._change_lock(conversation_id, give_back)


def install_store_safeguards(retry_seconds: float = RETRY_SECONDS) -> None:
    """In this process, make every Rasa agent use RetryingTrackerStore instead of
    FailSafeTrackerStore, and `type: redis` lock stores AtomicRedisLockStore."""

    def create_tracker_store(store: TrackerStore | None, domain: Domain) -> TrackerStore:
        if store is None:
            return InMemoryTrackerStore(domain)
        store.domain = domain
        return RetryingTrackerStore(store, retry_seconds)

    Agent._create_tracker_store = staticmethod(create_tracker_store)
    # the class Rasa's lock store factory builds for `type: redis`
    rasa.core.lock_store.RedisLockStore = AtomicRedisLockStore


def endpoints_file(arguments: list[str]) -> Path:
    """The `--endpoints` file of a Rasa command line (Rasa's default when there is none)."""
    for index, argument in enumerate(arguments):
        if argument == "--endpoints" and index + 1 < len(arguments):
            return Path(arguments[index + 1])
        if argument.startswith("--endpoints="):
            return Path(argument.split("=", 1)[1])
    return Path("endpoints.yml")
