"""The Prometheus metrics this server exports at `GET /metrics` (docs/metrics.md).

Every metric is defined here, once per process, so each layer only increments what it
observes: the edge counts requests, enforcement its decisions, storage its latency. Users
write `metrics.NAME` at the moment they count (never `from dynafed.metrics import NAME`):
`use_multiprocess_mode` re-creates every metric, and a name imported earlier would keep
counting into the old one.

Label values come from closed sets (operation names from the service models, error codes
dynafed sends), so no client can grow the number of series.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import prometheus_client
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import values as prometheus_values
from prometheus_client.multiprocess import MultiProcessCollector

LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)
"""Seconds: a local GetItem takes a fraction of a millisecond, a stuck one up to the
database timeouts."""

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"


def _define() -> None:
    global REQUESTS, REQUEST_SECONDS, DECISIONS, DECISIONS_ALLOWED, DECISIONS_DENIED
    global TOKEN_EXCHANGES, STORAGE_SECONDS, STORAGE_READ, STORAGE_WRITE, OPEN_CONNECTIONS
    global STORAGE_CONNECTIONS_IN_USE
    REQUESTS = Counter(
        "dynafed_requests",
        "API requests answered, by service, operation and outcome (ok or the error code).",
        ("service", "operation", "outcome"),
    )
    REQUEST_SECONDS = Histogram(
        "dynafed_request_seconds",
        "Time from a request's body read to its answer, by service and operation.",
        ("service", "operation"),
        buckets=LATENCY_BUCKETS,
    )
    DECISIONS = Counter(
        "dynafed_authorization_decisions",
        "IAM policy decisions on requests signed with session or user credentials.",
        ("decision",),
    )
    DECISIONS_ALLOWED = DECISIONS.labels("allow")
    DECISIONS_DENIED = DECISIONS.labels("deny")
    TOKEN_EXCHANGES = Counter(
        "dynafed_token_exchanges",
        "Credential exchanges (STS AssumeRole*, Cognito Identity credentials and OpenID "
        "tokens), by action and outcome (ok or the error code).",
        ("action", "outcome"),
    )
    STORAGE_SECONDS = Histogram(
        "dynafed_storage_seconds",
        "Time a storage read view was open, and a write took until durable, in seconds.",
        ("operation",),
        buckets=LATENCY_BUCKETS,
    )
    STORAGE_READ = STORAGE_SECONDS.labels("read")
    STORAGE_WRITE = STORAGE_SECONDS.labels("write")
    OPEN_CONNECTIONS = Gauge(
        "dynafed_open_connections",
        "HTTP connections open to this server.",
        multiprocess_mode="livesum",
    )
    STORAGE_CONNECTIONS_IN_USE = Gauge(
        "dynafed_storage_connections_in_use",
        "PostgreSQL connections lent out by the pool (at most pool_max_size per process).",
        multiprocess_mode="livesum",
    )


REQUESTS: Counter
REQUEST_SECONDS: Histogram
DECISIONS: Counter
DECISIONS_ALLOWED: Counter
DECISIONS_DENIED: Counter
TOKEN_EXCHANGES: Counter
STORAGE_SECONDS: Histogram
STORAGE_READ: Histogram
STORAGE_WRITE: Histogram
OPEN_CONNECTIONS: Gauge
STORAGE_CONNECTIONS_IN_USE: Gauge
_define()

_DEFINED = (
    "REQUESTS",
    "REQUEST_SECONDS",
    "DECISIONS",
    "TOKEN_EXCHANGES",
    "STORAGE_SECONDS",
    "OPEN_CONNECTIONS",
    "STORAGE_CONNECTIONS_IN_USE",
)


def use_multiprocess_mode(directory: Path) -> None:
    """Keep every metric in files under `directory`, shared by the processes forked after
    this call (`serve --workers`), and re-create the metrics so they do. Call it in the
    parent, before it forks and before any request is served."""
    os.environ[MULTIPROCESS_DIRECTORY] = str(directory)
    importlib.reload(prometheus_values)  # it picks its value class from the environment
    for name in _DEFINED:
        REGISTRY.unregister(globals()[name])
    _define()


def exposition() -> tuple[bytes, str]:
    """(body, content type) of `GET /metrics`: this process's metrics, or with several
    processes all of theirs, summed (live connections of running processes only)."""
    directory = os.environ.get(MULTIPROCESS_DIRECTORY)
    if directory:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
        return prometheus_client.generate_latest(registry), prometheus_client.CONTENT_TYPE_LATEST
    return prometheus_client.generate_latest(REGISTRY), prometheus_client.CONTENT_TYPE_LATEST


def process_exited(pid: int) -> None:
    """Forget the live gauges of a worker that exited (its counters still count)."""
    directory = os.environ.get(MULTIPROCESS_DIRECTORY)
    if directory:
        prometheus_client.multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
