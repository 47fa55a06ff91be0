#!/usr/bin/env python3
"""dynafed on PostgreSQL as one benchmark target: one or more `dynafed serve` nodes, each on
its own port, all on one fresh schema of the database, dropped when the nodes stop.

    python pg_nodes.py --postgres postgresql://postgres@127.0.0.1:5432/test \
        --ports 8000,8001 --data-dir /tmp/scratch

The harness starts this as the target's process and waits for the first port: the other
nodes start first, each waited for, so the first port listening means every node is up.
SIGTERM (or Ctrl-C) is passed on to every node; when any node exits, the others are stopped
too and the schema is dropped. The exit status is the first node's to exit (0 after SIGTERM).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from urllib.parse import urlencode

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadbench import processes

STOP_GRACE_S = 15


def storage_url(postgres: str, schema: str) -> str:
    separator = "&" if "?" in postgres else "?"
    return postgres + separator + urlencode({"schema": schema})


def node_argv(port: int, data_dir: Path, storage: str) -> list[str]:
    """One node is one process: `serve` would otherwise start a worker per core."""
    return [
        sys.executable, "-m", "dynafed.cli", "serve", "--workers", "1",
        "--host", "127.0.0.1", "--port", str(port),
        "--data-dir", str(data_dir), "--storage", storage,
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, help="libpq URL of the database")
    parser.add_argument("--ports", required=True, help="one port per node, comma-separated")
    parser.add_argument("--data-dir", type=Path, required=True, help="scratch folder")
    args = parser.parse_args(argv)
    ports = [int(port) for port in args.ports.split(",")]
    schema = f"dynafed_bench_{os.getpid()}_{secrets.token_hex(4)}"
    storage = storage_url(args.postgres, schema)
    nodes: list[processes.ServerProcess] = []

    def forward(_signum: int, _frame: FrameType | None) -> None:
        for node in nodes:
            if node.process.poll() is None:
                node.process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 1
    try:
        # The first port last: the harness takes it listening as every node being up.
        for n, port in reversed(list(enumerate(ports))):
            nodes.append(
                processes.start(
                    f"node{n}",
                    node_argv(port, args.data_dir / f"node{n}", storage),
                    port=port,
                    log_path=args.data_dir / f"node{n}.log",
                    cpus=None,
                )
            )
        print(f"{len(nodes)} node(s) on schema {schema}: ports {args.ports}", flush=True)
        _pid, wait_status = os.wait()  # the first node to exit: after SIGTERM, or a crash
        status = os.waitstatus_to_exitcode(wait_status)
        status = 0 if status == -signal.SIGTERM else status
    except RuntimeError as error:
        print(f"a node did not start: {error}", flush=True)
    finally:
        forward(signal.SIGTERM, None)
        for node in nodes:
            try:
                node.process.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                node.process.kill()
            print(f"--- {node.log_path.name}:\n{node.log_tail()}", flush=True)
            node.log.close()
        _drop_schema(args.postgres, schema)
    return status


def _drop_schema(postgres: str, schema: str) -> None:
    try:
        with psycopg.connect(postgres, autocommit=True, connect_timeout=10) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    except psycopg.Error as error:
        print(f"could not drop schema {schema}: {error}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
