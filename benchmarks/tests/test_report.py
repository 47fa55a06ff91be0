"""The report: goals judged from the measured ratios, errors and unsupported cells shown."""

from __future__ import annotations

from loadbench.report import render
from loadbench.results import CellResult, from_json, summarize
from loadbench.wrk_runner import Measurement


def _measured(rps: float, p99_ms: float = 1.0, non2xx: int = 0) -> Measurement:
    return Measurement(
        requests=int(rps * 3),
        duration_s=3.0,
        rps=rps,
        p50_ms=p99_ms / 4,
        p90_ms=p99_ms / 2,
        p99_ms=p99_ms,
        p999_ms=p99_ms,
        max_ms=p99_ms,
        latency_kind="raw",
        latency_samples=int(rps * 3),
        non2xx=non2xx,
        status={"200": int(rps * 3) - non2xx, "400": non2xx} if non2xx else {"200": int(rps * 3)},
        socket_errors={"connect": 0, "read": 0, "write": 0, "timeout": 0},
        error_samples=['400 {"__type":"x#ThrottlingException"}'] if non2xx else [],
    )


def _cell(
    target: str, op: str, conns: int, rps: float, identity: str = "admin", p99_ms: float = 1.0,
    non2xx: int = 0,
) -> CellResult:  # fmt: skip
    measured = _measured(rps, p99_ms=p99_ms, non2xx=non2xx)
    return CellResult(
        target, identity, op, conns, 0, measured, server_cpu_pct=100.0, other_cpu_pct=5.0
    )


def _goal_line(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("| " + needle))


def test_goals_are_judged_on_the_measured_ratio() -> None:
    cells = [
        _cell("dynafed", "get", 64, 3000, identity="GameRole"),
        _cell("dynafed", "get", 64, 3200),
        _cell("dynalite-mem", "get", 64, 2500),
        _cell("hello", "get", 64, 12000),
        _cell("dynafed", "put", 64, 900),
        _cell("dynalite-disk", "put", 64, 1000),
        _cell("dynafed", "query", 64, 2400),
        _cell("dynalite-mem", "query", 64, 1000),
    ]
    text = render(cells, "# test", [("dynafed", "d"), ("dynalite-mem", "m")])

    assert "## Goals (issue 19)" in text
    assert "issue 8" not in text
    dynalite_goal = _goal_line(text, "GameRole GetItem ≥ 1.0× dynalite")
    assert (
        "| 3000 (dynafed GameRole) | 2500 (dynalite-mem) | 1.20× | 1.20× | met |" in dynalite_goal
    )
    # 3000 / 12000 = 0.25×, short of half the HTTP stack's ceiling.
    assert "0.25× | 0.25× | NOT met (needs 0.5×)" in _goal_line(text, "GameRole GetItem ≥ 0.5×")
    assert "0.90× | 0.90× | NOT met (needs 1×)" in _goal_line(text, "durable PutItem")
    # 2400 / 1000 = 2.4×: the bar is 2.5×.
    assert "2.40× | 2.40× | NOT met (needs 2.5×)" in _goal_line(text, "Query(20) ≥ 2.5×")
    # GameRole 3000 ÷ admin 3200 = 0.94: over the 0.9 bar.
    assert "0.94× | 0.94× | met |" in _goal_line(text, "GameRole ÷ admin ≥ 0.9: GetItem")
    # No GameRole PutItem was measured: not met, not measured, with the reason.
    assert "| not measured: dynafed GameRole not run |" in _goal_line(
        text, "GameRole ÷ admin ≥ 0.9: PutItem"
    )


def test_a_goal_is_met_exactly_at_its_bar_and_not_a_hair_below() -> None:
    at_bar = render(
        [_cell("dynafed", "get", 64, 1800, "GameRole"), _cell("dynalite-mem", "get", 64, 1800)],
        "# t",
        [],
    )
    below = render(
        [_cell("dynafed", "get", 64, 1799, "GameRole"), _cell("dynalite-mem", "get", 64, 1800)],
        "# t",
        [],
    )
    assert _goal_line(at_bar, "GameRole GetItem ≥ 1.0× dynalite").endswith("| met |")
    assert "NOT met (needs 1×)" in _goal_line(below, "GameRole GetItem ≥ 1.0× dynalite")


def test_a_goal_whose_peer_is_missing_is_not_measured_and_says_which() -> None:
    text = render([_cell("dynafed", "get", 64, 3000, identity="GameRole")], "# t", [])

    line = _goal_line(text, "GameRole GetItem ≥ 0.5× the HTTP-stack ceiling")
    assert line.endswith("| not measured: hello not run |")
    assert " met" not in line


def test_unsupported_gamerole_falls_back_to_the_admin_figure_but_is_not_met() -> None:
    cells = [
        _cell("dynafed", "get", 64, 1500),
        CellResult("dynafed", "GameRole", "get", 64, 0, unsupported="sessions unavailable: STS"),
        _cell("dynalite-mem", "get", 64, 3000),
    ]
    line = _goal_line(render(cells, "# t", []), "GameRole GetItem ≥ 1.0× dynalite")

    assert "not measured: dynafed GameRole sessions unavailable: STS" in line
    assert "as admin: 0.50×" in line


def test_every_error_and_unsupported_cell_is_listed() -> None:
    cells = [
        _cell("moto", "put", 64, 300, non2xx=12),
        CellResult(
            "dynafed", "admin", "query", 64, 0, unsupported="check failed: HTTP 400 Unknown"
        ),
    ]
    text = render(cells, "# t", [])

    assert "moto PutItem c=64 run 1: 12 non-2xx of 900 (statuses 200: 888, 400: 12)" in text
    assert "ThrottlingException" in text
    assert "**dynafed** — Query(20) c=64: check failed: HTTP 400 Unknown" in text


def test_p99_goal_is_three_ms_at_eight_connections() -> None:
    over = render([_cell("dynafed", "get", 8, 2000, p99_ms=3.2)], "# t", [])
    under = render([_cell("dynafed", "get", 8, 2000, p99_ms=2.9)], "# t", [])
    assert "| 3.20 ms | - | - | - | NOT met (needs ≤ 3 ms) |" in _goal_line(over, "p99 ≤ 3 ms")
    assert "| 2.90 ms | - | - | - | met |" in _goal_line(under, "p99 ≤ 3 ms")


def test_results_round_trip_and_the_median_of_repeats() -> None:
    runs = [
        CellResult(
            "moto", "admin", "get", 8, repeat, measurement=_measured(rps), server_cpu_pct=50.0
        )
        for repeat, rps in enumerate((100.0, 300.0, 200.0))
    ]
    again = [from_json(cell.to_json()) for cell in runs]
    assert again == runs
    summary = summarize(again)[("moto", "get", 8)]
    assert not isinstance(summary, str)
    assert summary.rps == 200.0
    assert summary.runs == 3
    assert summary.rps_per_cpu == 400.0  # 200 req/s on half a core


def test_a_run_starved_of_its_core_is_flagged_not_trusted() -> None:
    starved = CellResult(
        "dynalite-mem", "admin", "get", 64, 0, _measured(800), server_cpu_pct=35.0,
        other_cpu_pct=150.0,
    )  # fmt: skip
    text = render([_cell("dynafed", "get", 64, 1000, identity="GameRole"), starved], "# t", [])

    line = _goal_line(text, "GameRole GetItem ≥ 1.0× dynalite")
    # 1000 / 800 = 1.25× on req/s, but per CPU-second 1000 vs 800 / 0.35 = 2286: 0.44×.
    assert "| 1.25× | 0.44× | met ⚠ disturbed run" in line
    assert "| dynalite-mem | GetItem | 64 | 800 ⚠ |" in text


def test_two_workers_goal_and_every_core_table() -> None:
    cells = [
        _cell("dynafed", "get", 64, 2500, identity="GameRole"),
        _cell("dynafed-2w", "get", 64, 4500, identity="GameRole"),
        _cell("ddb-local-2c", "get", 64, 1500),
        _cell("dynalite-mem", "get", 64, 2000),
        _cell("moto", "get", 64, 250),
    ]
    text = render(cells, "# test", [("dynafed", "d"), ("dynafed-2w", "w"), ("dynalite-mem", "m")])

    # 4500 / 2000 = 2.25×, over the 1.8× bar for all cores.
    assert "| 2.25× | 2.25× | met |" in _goal_line(text, "GameRole GetItem, 2 workers on 2 cores")
    every_core = text.split("## Every core each server can use")[1].split("\n## ")[0]
    assert (
        "| ddb-local-2c | 2 (multi-threaded JVM, the cores dynafed-2w gets) | 1500 | 3.00× |"
        in (every_core)
    )
    assert (
        "| dynalite-mem | 1: one Node.js process, its one-core run | 2000 | 2.25× |" in every_core
    )
    assert "| moto | 1: one Python process (GIL), its one-core run | 250 | 18.00× |" in every_core
    assert "| dynafed GameRole | GetItem | 64 | 2500 | 4500 | 1.80× |" in text


def test_without_a_two_worker_run_its_goal_is_not_measured() -> None:
    cells = [_cell("dynafed", "get", 64, 2500), _cell("dynalite-mem", "get", 64, 4000)]
    text = render(cells, "# test", [("dynafed", "d"), ("dynalite-mem", "m")])
    assert "not measured: dynafed-2w GameRole not run" in _goal_line(
        text, "GameRole GetItem, 2 workers"
    )
    assert "one core → two" not in text


def test_postgres_goals_compare_with_sqlite_and_two_nodes_with_one() -> None:
    cells = [
        _cell("dynafed", "get", 64, 4000),
        _cell("dynafed", "put", 64, 2000),
        _cell("dynafed", "query", 64, 2500),
        _cell("dynafed-pg", "get", 64, 2600),
        _cell("dynafed-pg", "put", 64, 1500),
        _cell("dynafed-pg", "query", 64, 1400),
        _cell("dynafed-pg-2n", "get", 64, 4680),
        CellResult("dynafed-pg-2n", "admin", "query", 64, 0, unsupported="did not start: boom"),
    ]
    text = render(cells, "# t", [])

    assert "| 0.65× | 0.65× | met |" in _goal_line(text, "PostgreSQL GetItem ≥ 0.6× SQLite")
    assert "| 0.56× | 0.56× | NOT met (needs 0.6×)" in _goal_line(text, "PostgreSQL Query(20)")
    assert "| 0.75× | 0.75× | NOT met (needs 0.8×)" in _goal_line(text, "PostgreSQL PutItem")
    assert "| 1.80× | 1.80× | met |" in _goal_line(
        text, "two nodes on one database ≥ 1.7× one node: GetItem"
    )
    assert "not measured: dynafed-pg-2n did not start: boom" in _goal_line(
        text, "two nodes on one database ≥ 1.7× one node: Query"
    )


def test_postgres_not_reachable_leaves_its_goals_not_measured_with_the_reason() -> None:
    why = "not available: PostgreSQL not reachable at postgresql://x: connection refused"
    cells = [
        _cell("dynafed", "get", 64, 4000),
        CellResult("dynafed-pg", "admin", "get", 64, 0, unsupported=why),
    ]
    line = _goal_line(render(cells, "# t", []), "PostgreSQL GetItem")
    assert line.endswith(f"| not measured: dynafed-pg {why} |")
