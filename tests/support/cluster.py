"""Several `dynafed serve` nodes on one PostgreSQL schema, as behind a load balancer.

The nodes start at the same time (so they race to migrate the schema and to create the
session-token keyring, as nodes of a real deployment do), each with a data directory of its
own: nothing but the database is shared. They share the admin credentials, which come from
the environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.server_process import (
    ServerProcess,
    new_postgres_schema,
    postgres_storage_url,
    start_server,
)


@dataclass(frozen=True)
class Cluster:
    nodes: list[ServerProcess]
    schema: str
    storage_url: str


@contextmanager
def running_cluster(
    tmp: Path,
    count: int = 2,
    *,
    isolation: str = "locks",
    pool_max_size: int = 16,
    extra_args: tuple[str, ...] = (),
) -> Iterator[Cluster]:
    """`extra_args`: more `dynafed serve` options, the same for every node."""
    schema = new_postgres_schema("multinode")
    url = postgres_storage_url(schema, isolation=isolation, pool_max_size=str(pool_max_size))
    with ThreadPoolExecutor(count) as pool:
        starting = [
            pool.submit(start_server, tmp / f"node{n}", "--storage", url, *extra_args)
            for n in range(count)
        ]
    nodes = []
    try:
        for future in starting:
            nodes.append(future.result())
        yield Cluster(nodes, schema, url)
    finally:
        for node in nodes:
            node.stop()
        for future in starting:  # a node that started while another failed
            if future.exception() is None and future.result() not in nodes:
                future.result().stop()
