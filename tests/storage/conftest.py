"""Backends under test: every test that asks for `storage` runs on each of them.

PostgreSQL runs at `DYNAFED_TEST_POSTGRES_URL` (default: the local `test` database). Each
test session works in its own schema, dropped at the end, so parallel runs never collide;
an unreachable server fails the PostgreSQL tests rather than skipping them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

from dynafed.storage.memory import MemoryStorage
from dynafed.storage.port import Storage
from dynafed.storage.postgres import PostgresStorage
from dynafed.storage.postgres_txn import Isolation
from dynafed.storage.sqlite import SqliteStorage

POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

BACKENDS = ["memory", "sqlite", "postgres-locks", "postgres-serializable"]


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A schema of this test session's own; dropped with everything in it afterwards."""
    schema = f"dynafed_test_{os.getpid()}_{secrets.token_hex(4)}"
    yield schema
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        for name in (schema, *(isolation_schema(schema, i) for i in ISOLATIONS)):
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


ISOLATIONS: tuple[Isolation, ...] = ("locks", "serializable")


def isolation_schema(schema: str, isolation: Isolation) -> str:
    """The session's schema for one isolation mode: a schema records the mode its nodes use
    and refuses another, so the two modes do not share one."""
    return f"{schema}_{isolation[:4]}"


def empty_postgres(storage: PostgresStorage) -> PostgresStorage:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        for table in ("items", "table_stats", "documents"):
            conn.execute(f'DELETE FROM "{storage.schema}".{table}')
    return storage


@pytest.fixture(scope="session")
def postgres_storages(postgres_schema: str) -> Iterator[dict[str, PostgresStorage]]:
    """One open storage per isolation mode, shared by the session (opening one is slow)."""
    opened: dict[str, PostgresStorage] = {}
    yield opened
    for storage in opened.values():
        storage.close()


def postgres_storage(
    cache: dict[str, PostgresStorage], schema: str, isolation: Isolation
) -> PostgresStorage:
    """The session's storage for `isolation`, emptied; reopened if a test closed it."""
    storage = cache.get(isolation)
    if storage is None or storage.closed:
        storage = PostgresStorage(
            POSTGRES_URL,
            schema=isolation_schema(schema, isolation),
            isolation=isolation,
            min_size=1,
            max_size=4,
        )
        cache[isolation] = storage
    return empty_postgres(storage)


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    """Fresh, empty storage of one backend; closed after the test (PostgreSQL: emptied)."""
    if request.param == "memory":
        opened: Storage = MemoryStorage()
    elif request.param == "sqlite":
        opened = SqliteStorage(tmp_path / "dynafed.sqlite3")
    else:
        yield postgres_storage(
            request.getfixturevalue("postgres_storages"),
            request.getfixturevalue("postgres_schema"),
            "serializable" if request.param == "postgres-serializable" else "locks",
        )
        return
    yield opened
    opened.close()


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    """A TCP proxy in front of the test PostgreSQL (`TcpProxy.url_for` addresses it)."""
    target = urlsplit(POSTGRES_URL)
    with tcp_proxy(target.hostname or "127.0.0.1", target.port or 5432) as running:
        yield running
