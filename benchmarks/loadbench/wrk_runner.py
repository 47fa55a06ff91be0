"""Runs wrk with replay.lua over a set of signed requests and reads back what it measured."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPLAY_LUA = Path(__file__).with_name("replay.lua")
RESULT_MARKER = "BENCHRESULT "
MAX_DURATION_S = 300


@dataclass(frozen=True, slots=True)
class Measurement:
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    latency_kind: str
    """"raw" when wrk's coordinated-omission correction was undone, else "wrk-corrected"."""
    latency_samples: int
    """Samples in the raw histogram: equals `requests` unless some exceeded the timeout."""
    non2xx: int
    status: dict[str, int]
    socket_errors: dict[str, int]
    error_samples: list[str] = field(default_factory=list)
    generator_cpu_s: float = 0.0

    @property
    def errors(self) -> int:
        return self.non2xx + sum(self.socket_errors.values())


def write_requests_file(raw_requests: Sequence[bytes], path: Path) -> None:
    """replay.lua's format: each request preceded by a line holding its length."""
    with path.open("wb") as handle:
        for raw in raw_requests:
            handle.write(b"%d\n" % len(raw))
            handle.write(raw)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(
    endpoint: str,
    requests_file: Path,
    connections: int,
    duration_s: int,
    *,
    cpus: str | None,
    timeout_s: int = 5,
) -> Measurement:
    if not 1 <= duration_s <= MAX_DURATION_S:
        raise ValueError(f"duration must be 1..{MAX_DURATION_S} s")
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed (scripts/install-bench-tools.sh installs it)")
    command = ["taskset", "-c", cpus] if cpus else []
    command += [
        wrk,
        "--threads", "1",
        "--connections", str(connections),
        "--duration", f"{duration_s}s",
        "--timeout", f"{timeout_s}s",
        "--script", str(REPLAY_LUA),
        endpoint,
        "--", str(requests_file), str(connections),
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration_s + timeout_s + 30
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith(RESULT_MARKER)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (exit {done.returncode}): {done.stderr.strip()[:500]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return parse_result(json.loads(line[len(RESULT_MARKER) :]), generator_cpu_s=cpu)


def parse_result(result: dict[str, Any], generator_cpu_s: float = 0.0) -> Measurement:
    duration = result["duration_us"] / 1e6
    latency = result["latency_us"]
    return Measurement(
        requests=result["requests"],
        duration_s=duration,
        rps=result["requests"] / duration if duration else 0.0,
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        p999_ms=latency["p999"] / 1000,
        max_ms=latency["max"] / 1000,
        latency_kind=latency["kind"],
        latency_samples=latency["samples"],
        non2xx=result["non2xx"],
        status=dict(result["status"]),
        socket_errors=dict(result["socket_errors"]),
        error_samples=list(result["error_samples"]),
        generator_cpu_s=generator_cpu_s,
    )


def combined(runs: Sequence[Measurement]) -> Measurement:
    """Several wrk processes run at once (one per node) as one measurement: requests, statuses
    and errors add up; latency percentiles cannot be merged exactly, so p50 is the mean of the
    runs' and every higher percentile the worst run's."""
    statuses: dict[str, int] = {}
    sockets: dict[str, int] = {}
    for run in runs:
        for status, count in run.status.items():
            statuses[status] = statuses.get(status, 0) + count
        for kind, count in run.socket_errors.items():
            sockets[kind] = sockets.get(kind, 0) + count
    kinds = {run.latency_kind for run in runs}
    return Measurement(
        requests=sum(run.requests for run in runs),
        duration_s=max(run.duration_s for run in runs),
        rps=sum(run.rps for run in runs),
        p50_ms=sum(run.p50_ms for run in runs) / len(runs),
        p90_ms=max(run.p90_ms for run in runs),
        p99_ms=max(run.p99_ms for run in runs),
        p999_ms=max(run.p999_ms for run in runs),
        max_ms=max(run.max_ms for run in runs),
        latency_kind=kinds.pop() if len(kinds) == 1 else "mixed",
        latency_samples=sum(run.latency_samples for run in runs),
        non2xx=sum(run.non2xx for run in runs),
        status=statuses,
        socket_errors=sockets,
        error_samples=[sample for run in runs for sample in run.error_samples][:3],
        generator_cpu_s=sum(run.generator_cpu_s for run in runs),
    )
