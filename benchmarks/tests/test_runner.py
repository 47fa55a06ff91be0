"""A target that cannot run is reported, cell by cell, never dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from loadbench.plan import reduced_plan
from loadbench.runner import Machine, TargetRun
from loadbench.scenarios import RequestBook
from loadbench.signing import Credentials
from loadbench.targets import Target, all_targets
from loadbench.wrk_runner import Measurement, combined


def _run(target: Target, tmp_path: Path, identities: tuple[str, ...]) -> TargetRun:
    plan = reduced_plan()
    admin = Credentials("AKID", "secret")
    return TargetRun(
        target,
        plan,
        Machine(None, None, "us-east-1", admin, port=9),
        RequestBook(plan.dataset, 10),
        tmp_path,
        progress=lambda _line: None,
        server_env={},
        identity_names=identities,
    )


def test_an_unavailable_target_is_unsupported_in_every_cell_with_the_reason(
    tmp_path: Path,
) -> None:
    target = Target("ddb-local", "x", lambda port, scratch: [], unavailable=lambda: "no java")
    cells = _run(target, tmp_path, ("admin", "GameRole")).measure(lambda server: [])

    expected = {
        (identity, op, conns)
        for identity in ("admin", "GameRole")
        for op, counts in reduced_plan().cells.items()
        for conns in counts
    }
    assert {(c.identity, c.op, c.connections) for c in cells} == expected
    assert all(c.unsupported == "not available: no java" for c in cells)


def test_a_server_that_exits_at_start_is_unsupported_with_its_output(tmp_path: Path) -> None:
    def argv(_port: int, _scratch: Path) -> list[str]:
        return ["sh", "-c", "echo 'cannot open storage' && exit 3"]

    cells = _run(Target("broken", "x", argv), tmp_path, ("admin",)).measure(lambda server: [])

    assert cells
    assert all("did not start" in (c.unsupported or "") for c in cells)
    assert all("cannot open storage" in (c.unsupported or "") for c in cells)


def test_two_wrk_runs_at_once_add_up_as_one_measurement() -> None:
    def run(rps: float, p50: float, p99: float, non2xx: int) -> Measurement:
        return Measurement(
            requests=int(rps * 2), duration_s=2.0, rps=rps, p50_ms=p50, p90_ms=p99 / 2,
            p99_ms=p99, p999_ms=p99, max_ms=p99, latency_kind="raw",
            latency_samples=int(rps * 2), non2xx=non2xx,
            status={"200": int(rps * 2) - non2xx, "500": non2xx},
            socket_errors={"timeout": 1}, generator_cpu_s=0.5,
        )  # fmt: skip

    both = combined([run(1000, 2.0, 8.0, 0), run(1500, 4.0, 6.0, 3)])

    assert both.rps == 2500
    assert both.requests == 5000
    assert both.status == {"200": 4997, "500": 3}
    assert both.non2xx == 3
    assert both.socket_errors == {"timeout": 2}
    assert both.p50_ms == 3.0  # the mean of the two
    assert both.p99_ms == 8.0  # the worse node's
    assert both.generator_cpu_s == 1.0


def test_postgres_not_reachable_makes_its_targets_unavailable_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    monkeypatch.setenv("DYNAFED_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:1/test")
    targets = all_targets(Credentials("AKID", "secret"), second_node_port=9)

    for name in ("dynafed-pg", "dynafed-pg-2n"):
        reason = targets[name].unavailable()
        assert reason is not None
        assert reason.startswith("PostgreSQL not reachable at postgresql://postgres@127.0.0.1:1/")
    assert targets["dynafed-pg-2n"].extra_ports == (9,)
