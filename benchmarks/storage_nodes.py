#!/usr/bin/env python3
"""GetItem, PutItem and Query throughput of the whole server: SQLite vs PostgreSQL, and one
node vs two nodes on one PostgreSQL schema (issue 7).

Reuses loadbench: its GameScores data set and loader, its pre-signed requests (checked on a
sample first) and wrk replaying them. Every configuration's nodes are started and loaded
first and stay up (idle while another is measured); then, round after round, each cell
replays its requests against every node of its configuration at once, the connections
split evenly between them, and adds up what they answered. The median round is reported.

    .venv/bin/python benchmarks/storage_nodes.py [--conns 16] [--duration 5] [--repeat 3]
        [--ops get,put,query] [--postgres postgresql://postgres@127.0.0.1:5432/test]

Nothing is pinned: the nodes, PostgreSQL and wrk share the machine's cores as they would in
a small deployment. On a 2-core machine a second node adds no CPU, so the two-node figures
show what running several nodes on one schema costs (cross-node locking, two connection
pools), not how a cluster scales. Compare ratios within one run, not absolute figures.
Two nodes on one SQLite file is not a supported deployment, so SQLite is measured on one.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadbench import loader, processes, verify
from loadbench.dataset import TABLE, Dataset, Key
from loadbench.scenarios import Identity, RequestBook
from loadbench.signing import Credentials, RequestSigner
from loadbench.wrk_runner import Measurement, run_wrk, write_requests_file, wrk_path

REGION = "us-east-1"
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
OPS = ("get", "put", "query")
VERIFY_SAMPLE = 4


@dataclass(frozen=True)
class Config:
    name: str
    backend: str
    """"sqlite" or "postgres"."""
    nodes: int


CONFIGS = (
    Config("sqlite x1", "sqlite", 1),
    Config("postgres x1", "postgres", 1),
    Config("postgres x2", "postgres", 2),
)


@dataclass(frozen=True)
class Cell:
    config: str
    op: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conns", type=int, default=16, help="connections in all (default 16)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured seconds before each")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; median reported")
    parser.add_argument("--ops", default=",".join(OPS), help="subset of get,put,query")
    parser.add_argument("--requests", type=int, default=2000, help="signed requests per op")
    parser.add_argument("--players", type=int, default=500, help="players in the data set")
    parser.add_argument("--postgres", default=POSTGRES_URL, help="libpq URL of the database")
    parser.add_argument("--pool-max-size", type=int, help="each node's pool_max_size")
    parser.add_argument(
        "--configs",
        default=",".join(c.name.replace(" ", "") for c in CONFIGS),
        help="subset of sqlitex1,postgresx1,postgresx2",
    )
    parser.add_argument("--out", type=Path, help="also write the report (markdown) here")
    add_serve_args(parser)
    return parser.parse_args(argv)


def add_serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--serve-args",
        type=str.split,
        default=[],
        help="more `dynafed serve` options for every node, as one string (e.g. '--stream-lanes 1')",
    )


def node_argv(port: int, data_dir: Path, storage: str | None) -> list[str]:
    """One node is one process: `serve` would otherwise start a worker per core."""
    argv = [
        sys.executable, "-m", "dynafed.cli", "serve", "--workers", "1",
        "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
    ]  # fmt: skip
    return argv + (["--storage", storage] if storage else [])


@contextmanager
def started_nodes(
    config: Config, admin: Credentials, args: argparse.Namespace, scratch: Path
) -> Iterator[list[processes.ServerProcess]]:
    """The configuration's nodes (on a fresh PostgreSQL schema, dropped afterwards)."""
    postgres: str = args.postgres
    schema = f"dynafed_bench_nodes_{secrets.token_hex(4)}"
    options = {"schema": schema}
    if args.pool_max_size:
        options["pool_max_size"] = str(args.pool_max_size)
    separator = "&" if "?" in postgres else "?"
    storage = postgres + separator + urlencode(options)
    env = {
        "DYNAFED_ADMIN_ACCESS_KEY_ID": admin.access_key_id,
        "DYNAFED_ADMIN_SECRET_ACCESS_KEY": admin.secret_access_key,
    }
    nodes: list[processes.ServerProcess] = []
    try:
        for n in range(config.nodes):
            port = processes.free_port()
            argv = node_argv(
                port, scratch / f"node{n}", storage if config.backend == "postgres" else None
            ) + list(args.serve_args)
            log = scratch / f"node{n}.log"
            nodes.append(
                processes.start(f"node{n}", argv, port=port, log_path=log, cpus=None, env=env)
            )
        yield nodes
    finally:
        for node in nodes:
            processes.stop(node)
        if config.backend == "postgres":
            with psycopg.connect(postgres, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def requests_files(
    nodes: list[processes.ServerProcess],
    admin: Credentials,
    dataset: Dataset,
    size: int,
    op: str,
    scratch: Path,
) -> list[Path]:
    """One file of `op` requests per node (signed for its Host), a sample checked first."""
    files = []
    read_back = _read_back(loader.client(nodes[0].endpoint, REGION, admin))
    for n, node in enumerate(nodes):
        signer = RequestSigner(node.endpoint, REGION, admin)
        identity = Identity(f"admin-node{n}", [signer], own_partition_only=False)
        planned = RequestBook(dataset, size, seed=n + 1).requests(identity, op)
        problem = verify.first_failure(node.endpoint, planned[:VERIFY_SAMPLE], read_back)
        if problem:
            raise RuntimeError(f"node{n} answered a sample {op} wrongly: {problem}")
        path = scratch / f"requests-{op}-node{n}.bin"
        write_requests_file([p.raw for p in planned], path)
        files.append(path)
    return files


def _read_back(dynamodb: object) -> verify.ReadBack:
    def read(key: Key) -> dict[str, dict[str, str]] | None:
        answer = dynamodb.get_item(  # type: ignore[attr-defined]
            TableName=TABLE, Key=key.as_attributes(), ConsistentRead=True
        )
        item: dict[str, dict[str, str]] | None = answer.get("Item")
        return item

    return read


def replay_on_all(
    nodes: list[processes.ServerProcess], files: list[Path], conns: int, seconds: int
) -> list[Measurement]:
    """wrk against every node at once, `conns` connections split between them."""
    share = max(1, conns // len(nodes))
    with ThreadPoolExecutor(len(nodes)) as pool:
        runs = [
            pool.submit(run_wrk, node.endpoint, path, share, seconds, cpus=None)
            for node, path in zip(nodes, files, strict=True)
        ]
        return [run.result() for run in runs]


@dataclass(frozen=True)
class Prepared:
    config: Config
    nodes: list[processes.ServerProcess]
    files: dict[str, list[Path]]
    """Operation -> one requests file per node."""


def prepare(
    config: Config, args: argparse.Namespace, admin: Credentials, ops: list[str], stack: ExitStack
) -> Prepared:
    """The configuration's nodes started (stopped by `stack`), the data loaded, the requests
    signed and checked."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-nodes-"))
    stack.callback(shutil.rmtree, scratch, ignore_errors=True)
    nodes = stack.enter_context(started_nodes(config, admin, args, scratch))
    dataset = Dataset(players=args.players, query_players=min(100, args.players))
    admin_client = loader.client(nodes[0].endpoint, REGION, admin)
    print(f"{config.name}: {loader.load(admin_client, dataset)}", flush=True)
    files = {op: requests_files(nodes, admin, dataset, args.requests, op, scratch) for op in ops}
    return Prepared(config, nodes, files)


def measure_all(
    configs: list[Config], args: argparse.Namespace, admin: Credentials, ops: list[str]
) -> list[Cell]:
    """Every configuration runs (idle when not measured) for the whole run, and the cells are
    measured round by round, so drift in the machine's other load spreads over all of them."""
    with ExitStack() as stack:
        prepared = [prepare(config, args, admin, ops, stack) for config in configs]
        runs: dict[tuple[str, str], list[list[Measurement]]] = {}
        for round_number in range(args.repeat):
            print(f"round {round_number + 1}, load average {os.getloadavg()[0]:.1f}", flush=True)
            for ready in prepared:
                for op in ops:
                    files = ready.files[op]
                    if args.warmup:
                        replay_on_all(ready.nodes, files, args.conns, args.warmup)
                    measured = replay_on_all(ready.nodes, files, args.conns, args.duration)
                    runs.setdefault((ready.config.name, op), []).append(measured)
                    total = sum(m.rps for m in measured)
                    print(f"  {ready.config.name:>12} {op:>5}: {total:8.0f} req/s", flush=True)
        return [summarize(c.name, op, runs[(c.name, op)]) for c in configs for op in ops]


def summarize(config: str, op: str, runs: list[list[Measurement]]) -> Cell:
    """The median run (by total requests per second) of one cell."""
    totals = [sum(m.rps for m in run) for run in runs]
    median = sorted(range(len(runs)), key=lambda i: totals[i])[len(runs) // 2]
    run = runs[median]
    return Cell(
        config,
        op,
        totals[median],
        p50_ms=statistics.mean(m.p50_ms for m in run),
        p99_ms=max(m.p99_ms for m in run),
        errors=sum(m.errors for run in runs for m in run),
    )


def report(cells: list[Cell], args: argparse.Namespace, ops: list[str]) -> str:
    by = {(c.config, c.op): c for c in cells}
    lines = [
        f"# Server throughput by storage and node count ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"{args.conns} connections in all, {args.duration} s runs after {args.warmup} s of "
        f"warm-up, median of {args.repeat}; {args.players} players, admin credentials"
        + (f"; pool_max_size={args.pool_max_size}." if args.pool_max_size else "."),
        "",
        "| configuration | op | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for c in cells:
        lines.append(
            f"| {c.config} | {c.op} | {c.rps:.0f} | {c.p50_ms:.1f} | {c.p99_ms:.1f} | {c.errors} |"
        )
    lines += ["", "| ratio | " + " | ".join(ops) + " |", "|---|" + "---:|" * len(ops)]
    for label, top, bottom in (
        ("postgres x1 / sqlite x1", "postgres x1", "sqlite x1"),
        ("postgres x2 / postgres x1", "postgres x2", "postgres x1"),
        ("postgres x2 / sqlite x1", "postgres x2", "sqlite x1"),
    ):
        ratios = [
            f"{by[(top, op)].rps / by[(bottom, op)].rps:.2f}"
            if (top, op) in by and (bottom, op) in by and by[(bottom, op)].rps
            else "n/a"
            for op in ops
        ]
        lines.append(f"| {label} | " + " | ".join(ratios) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if wrk_path() is None:
        sys.exit("wrk is not installed (scripts/install-bench-tools.sh installs it)")
    ops = args.ops.split(",")
    admin = Credentials("AKIABENCH" + secrets.token_hex(6).upper(), secrets.token_urlsafe(30))
    chosen = [c for c in CONFIGS if c.name.replace(" ", "") in args.configs.split(",")]
    cells = measure_all(chosen, args, admin, ops)
    text = report(cells, args, ops)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
