"""The standing attack suite: every hole an outside attack found, tried through the wire.

Each test attacks a real server process (raw HTTP with the hand-rolled signer in
`raw_sigv4.py` where an SDK would refuse to send the bad request) and asserts the answer
AWS would give."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("dynafed-attacked"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def dynamodb(server: ServerProcess) -> Any:
    return client(server, "dynamodb")


@pytest.fixture(scope="module")
def iam(server: ServerProcess) -> Any:
    return client(server, "iam")


@pytest.fixture(scope="module")
def sts(server: ServerProcess) -> Any:
    return client(server, "sts")
