"""launcher.stores without servers: start-up checks that name what is wrong, retries on a real
store whose database refuses connections, and the event broker blocks of endpoints.yml."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import pytest
import rasa.core.lock_store
import sqlalchemy as sa
import yaml
from rasa.core.agent import Agent
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.kafka import KafkaEventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.utils.endpoints import EndpointConfig

from launcher.settings import REPO_ROOT, server_environment
from launcher.stack import free_port
from launcher.stores import (
    AtomicRedisLockStore,
    RetryingTrackerStore,
    StoreUnavailable,
    check_lock_store,
    check_stores,
    check_tracker_store,
    endpoints_file,
    install_store_safeguards,
)

ENDPOINTS = REPO_ROOT / "endpoints.yml"


def postgres_on_a_free_port(**settings: object) -> EndpointConfig:
    return EndpointConfig(
        url="127.0.0.1",
        type="SQL",
        dialect="postgresql",
        port=free_port(),
        db="rasa",
        username="rasa",
        password="s3cret-password",
        **settings,
    )


def test_the_default_settings_pass_with_a_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in server_environment(TRACKER_STORE_DB=str(tmp_path / "t.db")).items():
        monkeypatch.setenv(name, value)
    check_stores(ENDPOINTS)


def test_a_sqlite_file_in_a_missing_folder_is_reported(tmp_path: Path) -> None:
    config = EndpointConfig(type="SQL", dialect="sqlite", db=str(tmp_path / "no" / "t.db"))
    with pytest.raises(StoreUnavailable, match="unable to open database file"):
        check_tracker_store(config)


def test_an_unreachable_postgresql_is_reported_without_its_password() -> None:
    with pytest.raises(StoreUnavailable) as raised:
        check_tracker_store(postgres_on_a_free_port())
    message = str(raised.value)
    assert "Connection refused" in message and "TRACKER_STORE_URL" in message
    assert "s3cret-password" not in message and "rasa:***@127.0.0.1" in message


def test_a_tracker_store_type_that_does_not_exist_is_an_error_not_memory() -> None:
    with pytest.raises(StoreUnavailable, match="Unknown tracker store type"):
        check_tracker_store(EndpointConfig(type="stores.NoSuchStore"))


def test_an_unreachable_redis_is_reported() -> None:
    config = EndpointConfig(url="127.0.0.1", type="redis", port=free_port(), db=1)
    with pytest.raises(StoreUnavailable, match="Cannot use the Redis lock store.*Connection"):
        check_lock_store(config)


def test_a_lock_store_type_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(StoreUnavailable, match="Unknown lock store type"):
        check_lock_store(EndpointConfig(type="rediss"))
    check_lock_store(EndpointConfig(type="in_memory"))


def test_the_endpoints_file_comes_from_the_command_line() -> None:
    assert endpoints_file(["--model", "m", "--endpoints", "e.yml"]) == Path("e.yml")
    assert endpoints_file(["--endpoints=x.yml"]) == Path("x.yml")
    assert endpoints_file(["--model", "m"]) == Path("endpoints.yml")
    with pytest.raises(StoreUnavailable, match="does not exist"):
        check_stores(Path("no-such-endpoints.yml"))


def sqlite_store(path: Path) -> SQLTrackerStore:
    return SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(path))


def test_a_refused_connection_is_retried_until_the_database_answers(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")
    tracker = store.init_tracker("someone")
    tracker.update(UserUttered("hi"))
    asyncio.run(store.save(tracker))
    working = store.engine
    store.engine = sa.create_engine(f"postgresql://rasa:x@127.0.0.1:{free_port()}/rasa")
    store.sessionmaker = sa.orm.sessionmaker(bind=store.engine)
    retrying = RetryingTrackerStore(store, retry_seconds=10)

    async def database_back_after(seconds: float) -> None:
        await asyncio.sleep(seconds)
        store.engine = working
        store.sessionmaker = sa.orm.sessionmaker(bind=working)

    async def retrieve_meanwhile():  # noqa: ANN202
        _, tracker = await asyncio.gather(database_back_after(1.0), retrying.retrieve("someone"))
        return tracker

    started = time.monotonic()
    tracker = asyncio.run(retrieve_meanwhile())
    assert tracker is not None and [event.text for event in tracker.events] == ["hi"]
    assert time.monotonic() - started >= 1.0


def test_a_database_that_stays_away_raises_after_the_retries(tmp_path: Path) -> None:
    """No empty in-memory tracker instead: the channel gets the error and apologises."""
    store = sqlite_store(tmp_path / "t.db")
    store.engine = sa.create_engine(f"postgresql://rasa:x@127.0.0.1:{free_port()}/rasa")
    store.sessionmaker = sa.orm.sessionmaker(bind=store.engine)
    started = time.monotonic()
    with pytest.raises(sa.exc.OperationalError):
        asyncio.run(RetryingTrackerStore(store, retry_seconds=1.0).retrieve("someone"))
    assert 0.5 <= time.monotonic() - started < 5


def test_the_safeguards_replace_the_fail_safe_store_and_the_redis_lock_store(
    tmp_path: Path,
) -> None:
    original_tracker_store = Agent.__dict__["_create_tracker_store"]
    try:
        assert isinstance(
            Agent._create_tracker_store(sqlite_store(tmp_path / "a.db"), Domain.empty()),
            FailSafeTrackerStore,
        )
        install_store_safeguards()
        created = Agent._create_tracker_store(sqlite_store(tmp_path / "b.db"), Domain.empty())
        assert isinstance(created, RetryingTrackerStore)
        redis_config = EndpointConfig(url="127.0.0.1", type="redis", port=free_port())
        assert type(LockStore.create(redis_config)) is AtomicRedisLockStore
    finally:
        Agent._create_tracker_store = original_tracker_store
        rasa.core.lock_store.RedisLockStore = RedisLockStore


def commented_event_brokers() -> list[dict]:
    """The event broker blocks that endpoints.yml documents, uncommented."""
    text = ENDPOINTS.read_text(encoding="utf-8")
    blocks = re.findall(r"^# event_broker:\n((?:#   .*\n)+)", text, flags=re.MULTILINE)
    return [
        yaml.safe_load("".join(line[2:] for line in block.splitlines(keepends=True)))
        for block in blocks
    ]


def test_the_documented_event_brokers_are_valid_rasa_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As far as this machine goes without Kafka or RabbitMQ: Rasa builds each broker from its
    block (Kafka connects only when publishing; RabbitMQ is built without connecting)."""
    environment = {
        "KAFKA_BROKERS": f"127.0.0.1:{free_port()}",
        "KAFKA_TOPIC": "backcare-events",
        "RABBITMQ_HOST": "127.0.0.1",
        "RABBITMQ_PORT": str(free_port()),
        "RABBITMQ_USERNAME": "rasa",
        "RABBITMQ_PASSWORD": "secret",
        "RABBITMQ_QUEUE": "backcare-events",
    }
    blocks = {block["type"]: block for block in commented_event_brokers()}
    assert set(blocks) == {"kafka", "pika"}

    def config(block: dict) -> EndpointConfig:
        filled = yaml.safe_dump(block)
        for name, value in environment.items():
            filled = filled.replace(f"${{{name}}}", value)
        return EndpointConfig.from_dict(yaml.safe_load(filled))

    kafka = asyncio.run(EventBroker.create(config(blocks["kafka"])))
    assert isinstance(kafka, KafkaEventBroker)
    assert kafka.url == environment["KAFKA_BROKERS"] and kafka.topic == "backcare-events"
    assert kafka.security_protocol == "PLAINTEXT" and kafka.partition_by_sender
    pika_config = config(blocks["pika"])

    async def build_pika() -> PikaEventBroker:  # it wants a running event loop
        return PikaEventBroker(pika_config.url, **pika_config.kwargs)

    pika = asyncio.run(build_pika())
    assert pika.host == "127.0.0.1" and pika.port == int(environment["RABBITMQ_PORT"])
    assert pika.queues == ["backcare-events"]
