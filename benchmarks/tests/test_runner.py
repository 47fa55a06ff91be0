"""A target that cannot run is reported, cell by cell, never dropped."""

from __future__ import annotations

from pathlib import Path

from loadbench.plan import reduced_plan
from loadbench.runner import Machine, TargetRun
from loadbench.scenarios import RequestBook
from loadbench.signing import Credentials
from loadbench.targets import Target


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
