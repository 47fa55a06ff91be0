"""A mistake in how `dynafed serve` is started is one line on stderr that names the problem
and the fix, exit status 2, and nothing written to the data directory (docs/reference/cli.md):
a port in use or out of range, a host that is not this machine's, a data directory that is
a file or not writable, an unsupported or malformed storage URL, an unreachable PostgreSQL
server or a missing database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server_process import (
    POSTGRES_URL,
    new_postgres_schema,
    postgres_storage_url,
    running_server,
)

pytestmark = pytest.mark.e2e


def serve(data_dir: Path, *args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "dynafed.cli", "serve", "--data-dir", str(data_dir), *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DYNAFED_")}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, env=env, cwd="/", check=False
    )


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dynafed serve: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_port_in_use(tmp_path: Path, busy_port: int) -> None:
    data = tmp_path / "data"
    assert_refused(serve(data, "--port", str(busy_port)), f"port {busy_port}", "in use", "--port")
    assert not data.exists()  # no admin-credentials.json, no database


@pytest.mark.parametrize("port", ["65536", "-1"])
def test_port_out_of_range(tmp_path: Path, port: str) -> None:
    data = tmp_path / "data"
    assert_refused(serve(data, "--port", port), "out of range", "1-65535")
    assert not data.exists()


@pytest.mark.parametrize(
    ("host", "problem"),
    [("192.0.2.1", "not an address of this machine"), ("no-such-host.invalid", "host name")],
)
def test_host_that_cannot_be_bound(tmp_path: Path, host: str, problem: str) -> None:
    data = tmp_path / "data"
    assert_refused(serve(data, "--host", host, "--port", "0"), problem, "--host 127.0.0.1")
    assert not data.exists()


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    file = tmp_path / "data"
    file.write_text("not a directory")
    assert_refused(serve(file, "--port", "0"), "is a file", "--data-dir")
    assert_refused(serve(file / "below", "--port", "0"), "is a file", "--data-dir")
    assert file.read_text() == "not a directory"


def test_data_dir_that_is_not_writable() -> None:
    # Root may write anywhere: run the server as `nobody` then.
    user = "65534" if os.geteuid() == 0 else None
    with tempfile.TemporaryDirectory() as top:
        Path(top).chmod(0o755)
        data = Path(top) / "data"
        data.mkdir(mode=0o555)
        data.chmod(0o555)
        assert_refused(serve(data, "--port", "0", user=user), "not writable", "--data-dir")
        assert_refused(serve(data / "new", "--port", "0", user=user), "not writable")
        assert list(data.iterdir()) == []


@pytest.mark.parametrize(
    ("storage", "words"),
    [
        ("mysql://db/dynafed", ("mysql://", "not a supported storage URL", "postgresql://")),
        ("sqlite://", ("sqlite://", "needs a file path")),
        (f"{POSTGRES_URL}?isolation=sometimes", ("isolation", "settings.md")),
        (f"{POSTGRES_URL}?pool_max_size=many", ("pool_max_size", "whole number")),
        (f"{POSTGRES_URL}?no_such_option=1", ("no_such_option", "fix --storage")),
    ],
    ids=["unsupported", "sqlite-without-path", "isolation", "pool-size", "unknown-parameter"],
)
def test_bad_storage_url(tmp_path: Path, storage: str, words: tuple[str, ...]) -> None:
    data = tmp_path / "data"
    assert_refused(serve(data, "--port", "0", "--storage", storage), *words)
    assert not data.exists()


def test_unreachable_postgres(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/test"
    assert_refused(serve(data, "--port", "0", "--storage", url), "PostgreSQL", "refused")
    assert not data.exists()


def test_missing_postgres_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/dynafed_no_such_database"
    assert_refused(
        serve(data, "--port", "0", "--storage", url),
        '"dynafed_no_such_database" does not exist',
        "createdb",
    )
    assert not data.exists()


def test_a_node_with_another_isolation_than_the_schemas_is_refused(tmp_path: Path) -> None:
    """Nodes isolating writes differently on one schema lose acknowledged updates: the schema
    records its nodes' `isolation=` and a node asking for another does not start."""
    schema = new_postgres_schema("isolation")
    with running_server(tmp_path / "first", "--storage", postgres_storage_url(schema)):
        pass  # a first node (isolation=locks, the default) records the mode
    data = tmp_path / "second"
    url = postgres_storage_url(schema, isolation="serializable")
    assert_refused(
        serve(data, "--port", "0", "--storage", url),
        f"schema {schema} is used with isolation=locks",
        "isolation=serializable",
    )
    assert not data.exists()
