"""Starts the real `dynafed serve` as a process on an ephemeral loopback port.

Servers store their data in SQLite inside their data directory, unless the environment says
`DYNAFED_TEST_STORAGE=postgres`: then each data directory gets a PostgreSQL schema of its own
at `DYNAFED_TEST_POSTGRES_URL` (default: the local `test` database). A server restarted on the
same directory finds the same schema; every schema is dropped when the test process exits.
"""

from __future__ import annotations

import atexit
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import requests

ADMIN_ACCESS_KEY = "AKIADYNAFEDTESTADMIN"
ADMIN_SECRET_KEY = "dynafed-test-admin-secret-key-0000000000"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
_ENDPOINT_LINE = re.compile(r"dynafed listening on (http://\S+)")
POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
_schema_of_data_dir: dict[Path, str] = {}
_created_schemas: list[str] = []


@dataclass
class ServerProcess:
    endpoint: str
    process: subprocess.Popen[str]
    data_dir: Path
    access_key: str = ADMIN_ACCESS_KEY
    secret_key: str = ADMIN_SECRET_KEY
    region: str = REGION
    account_id: str = ACCOUNT_ID
    output: list[str] = field(default_factory=list)
    storage_url: str | None = None
    """The `--storage` the server was started with (None: SQLite in `data_dir`); tools
    that open the server's storage directly (`dynafed users`) need it too."""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        return self.process.returncode


def _drain(stream: object, sink: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.append(line)


def start_server(
    data_dir: Path,
    *extra_args: str,
    env: dict[str, str] | None = None,
    timeout: float = 30,
    own_process_group: bool = False,
    command_prefix: tuple[str, ...] = (),
    default_workers: bool = False,
) -> ServerProcess:
    """`own_process_group`: the server (and its `--workers`) in a process group of its own,
    so a test can send it what Ctrl-C in a terminal sends (`os.killpg(pid, SIGINT)`).
    `command_prefix`: a command that execs the server (`nsenter …`: a small disk's mount
    namespace, tests/support/small_disk.py); the process is still the server's.
    `default_workers`: leave `--workers` to the server's default (`auto`) instead of one
    process."""
    extra_args = (*_default_storage_args(data_dir, extra_args, env), *extra_args)
    if "--workers" not in extra_args and not default_workers:
        # One process unless a test asks for more: the tests observe one server's state
        # (its caches, rate limits, output). `--workers auto`, the default, is tested in
        # test_workers.py.
        extra_args = (*extra_args, "--workers", "1")
    process_env = {
        **os.environ,
        "DYNAFED_ADMIN_ACCESS_KEY_ID": ADMIN_ACCESS_KEY,
        "DYNAFED_ADMIN_SECRET_ACCESS_KEY": ADMIN_SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        *command_prefix,
        sys.executable,
        "-m",
        "dynafed.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
        "--region",
        REGION,
        "--account-id",
        ACCOUNT_ID,
        *extra_args,
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=process_env,
        start_new_session=own_process_group,
    )
    assert process.stdout is not None
    output: list[str] = []
    deadline = time.monotonic() + timeout
    endpoint = None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        match = _ENDPOINT_LINE.search(line)
        if match:
            endpoint = match.group(1)
            break
    if endpoint is None:
        process.kill()
        raise RuntimeError("dynafed serve did not start:\n" + "".join(output))
    threading.Thread(target=_drain, args=(process.stdout, output), daemon=True).start()
    server = ServerProcess(
        endpoint=endpoint,
        process=process,
        data_dir=data_dir,
        output=output,
        storage_url=_storage_url_of(extra_args, env),
    )
    _wait_healthy(server, deadline)
    return server


def test_storage() -> str:
    """The backend servers started here use unless told otherwise: sqlite or postgres."""
    backend = os.environ.get("DYNAFED_TEST_STORAGE", "sqlite")
    if backend not in ("sqlite", "postgres"):
        raise ValueError(f"DYNAFED_TEST_STORAGE must be sqlite or postgres, not {backend!r}")
    return backend


def new_postgres_schema(label: str = "e2e") -> str:
    """A schema name no other test process uses; dropped when this process exits."""
    schema = f"dynafed_{label}_{os.getpid()}_{secrets.token_hex(4)}"
    if not _created_schemas:
        atexit.register(_drop_created_schemas)
    _created_schemas.append(schema)
    return schema


def postgres_storage_url(schema: str, **options: str) -> str:
    """The `--storage` URL of `schema` in the test database, with dynafed's options."""
    separator = "&" if "?" in POSTGRES_URL else "?"
    return POSTGRES_URL + separator + urlencode({"schema": schema, **options})


def _default_storage_args(
    data_dir: Path, extra_args: tuple[str, ...], env: dict[str, str] | None
) -> tuple[str, ...]:
    """`--storage` for the test backend, unless the caller chose a storage itself."""
    chosen = any(arg.split("=")[0] == "--storage" for arg in extra_args)
    if test_storage() != "postgres" or chosen or "DYNAFED_STORAGE" in (env or {}):
        return ()
    key = data_dir.resolve()
    if key not in _schema_of_data_dir:
        _schema_of_data_dir[key] = new_postgres_schema()
    return ("--storage", postgres_storage_url(_schema_of_data_dir[key]))


def _storage_url_of(args: tuple[str, ...], env: dict[str, str] | None) -> str | None:
    for n, arg in enumerate(args):
        if arg == "--storage" and n + 1 < len(args):
            return args[n + 1]
        if arg.startswith("--storage="):
            return arg.split("=", 1)[1]
    return (env or {}).get("DYNAFED_STORAGE") or os.environ.get("DYNAFED_STORAGE")


def _drop_created_schemas() -> None:
    try:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
            for schema in _created_schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    except psycopg.Error as error:  # a leftover schema is only clutter
        print(f"could not drop the test schemas {_created_schemas}: {error}", file=sys.stderr)


def _wait_healthy(server: ServerProcess, deadline: float) -> None:
    session = requests.Session()
    session.trust_env = False
    while time.monotonic() < deadline:
        try:
            if session.get(server.endpoint + "/health", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            # Refused: not bound yet. Timed out: accepted into the listen backlog, but the
            # process (or, with --workers, every worker) is still building its app.
            time.sleep(0.05)
    server.stop()
    raise RuntimeError("dynafed serve never became healthy:\n" + "".join(server.output))


@contextmanager
def running_server(data_dir: Path, *extra_args: str, **kwargs: object) -> Iterator[ServerProcess]:
    server = start_server(data_dir, *extra_args, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
