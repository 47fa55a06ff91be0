"""`dynafed serve --any-key` (docs/migrating.md): test suites written for DynamoDB Local sign
with any fake key, so this mode takes any key and any signature as the admin. It must be off
unless asked for, refused on any host but loopback, announced loudly, and it must not turn
off what it does not need to: temporary credentials are still verified, and an unsigned
request is still refused."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dynafed.server.runner import ANY_KEY_WARNING
from tests.security.raw_sigv4 import dynamodb_request
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

FAKE = {"access_key": "fakeMyKeyId", "secret_key": "fakeSecretAccessKey"}


def _code(response: requests.Response) -> str:
    code: str = response.json()["__type"].rsplit("#", 1)[-1]
    return code


@pytest.fixture(scope="module")
def any_key_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("dynafed-any-key"), "--any-key")
    yield process
    process.stop()


def test_off_by_default_a_fake_key_is_refused(server: ServerProcess) -> None:
    answer = dynamodb_request(server, "ListTables", b"{}", **FAKE).send()
    assert answer.status_code == 400
    assert _code(answer) == "UnrecognizedClientException"
    assert ANY_KEY_WARNING not in "".join(server.output)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1"])
def test_refused_on_a_host_that_is_not_loopback(tmp_path: Path, host: str) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DYNAFED_")}
    result = subprocess.run(
        [sys.executable, "-m", "dynafed.cli", "serve", "--any-key", "--host", host,
         "--port", "0", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "--any-key" in line and "loopback" in line and host in line, line
    assert not data.exists()


def test_announced_in_the_banner(any_key_server: ServerProcess) -> None:
    assert ANY_KEY_WARNING in "".join(any_key_server.output)


def test_any_key_and_any_signature_are_the_admin(any_key_server: ServerProcess) -> None:
    answer = dynamodb_request(any_key_server, "ListTables", b"{}", **FAKE).send()
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"TableNames": []}


def test_an_unsigned_request_is_still_refused(any_key_server: ServerProcess) -> None:
    answer = requests.post(
        any_key_server.endpoint,
        data=b"{}",
        headers={
            "content-type": "application/x-amz-json-1.0",
            "x-amz-target": "DynamoDB_20120810.ListTables",
        },
        timeout=30,
    )
    assert answer.status_code in (400, 403)  # as DynamoDB answers a request with no signature
    assert _code(answer).startswith("MissingAuthenticationToken"), answer.text


def test_temporary_credentials_are_still_verified(any_key_server: ServerProcess) -> None:
    answer = dynamodb_request(
        any_key_server,
        "ListTables",
        b"{}",
        access_key="ASIAFAKEFAKEFAKEFAKE",
        secret_key="whatever",
        session_token="not-a-session-token",
    ).send()
    assert answer.status_code == 400
    assert _code(answer) == "UnrecognizedClientException"
