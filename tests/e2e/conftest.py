"""End-to-end fixtures: one real server process per test session, real AWS clients.

The server runs on SQLite; with `DYNAFED_TEST_STORAGE=postgres` in the environment, on a
PostgreSQL schema of its own (see `tests/support/server_process.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("dynafed-data"))
    yield process
    process.stop()


@pytest.fixture(scope="session")
def dynamodb(server: ServerProcess) -> Any:
    return client(server, "dynamodb")


@pytest.fixture(scope="session")
def iam(server: ServerProcess) -> Any:
    return client(server, "iam")


@pytest.fixture(scope="session")
def sts(server: ServerProcess) -> Any:
    return client(server, "sts")
