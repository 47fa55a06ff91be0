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
        _cell("dynalite-mem", "get", 64, 2500),
        _cell("moto", "get", 64, 200),
        _cell("dynafed", "put", 64, 900),
        _cell("dynalite-disk", "put", 64, 1000),
    ]
    text = render(cells, "# test", [("dynafed", "d"), ("dynalite-mem", "m")])

    dynalite_goal = _goal_line(text, "GameRole GetItem ≥ 1.0× dynalite")
    assert "| 3000 | 2500 | 1.20× | 1.20× | met |" in dynalite_goal
    # 3000 / 200 = 15×, short of the 25× goal.
    assert "15.00× | NOT met (needs 25×)" in _goal_line(text, "GameRole GetItem ≥ 25× moto")
    assert "0.90× | NOT met" in _goal_line(text, "durable PutItem")
    assert "not measured: ddb-local not run" in _goal_line(text, "GameRole GetItem ≥ 1.0× DynamoDB")


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


def test_p99_goal_uses_eight_connections() -> None:
    text = render([_cell("dynafed", "get", 8, 2000, p99_ms=7.5)], "# t", [])
    assert "| 7.50 ms | - | - | - | NOT met |" in _goal_line(text, "p99 ≤ 5 ms")


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


def test_two_workers_are_judged_on_the_same_goals_and_shown_as_growth() -> None:
    cells = [
        _cell("dynafed", "get", 64, 2500, identity="GameRole"),
        _cell("dynafed-2w", "get", 64, 4500, identity="GameRole"),
        _cell("dynafed-2w", "get", 8, 3000, identity="GameRole", p99_ms=4.0),
        _cell("dynalite-mem", "get", 64, 4000),
    ]
    text = render(cells, "# test", [("dynafed", "d"), ("dynafed-2w", "w"), ("dynalite-mem", "m")])

    one_core, two_cores = text.split("## The same goals with `--workers 2` on two cores")
    assert "0.62× | NOT met (needs 1×)" in _goal_line(one_core, "GameRole GetItem ≥ 1.0× dyna")
    assert "| 4500 | 4000 | 1.12× | 1.12× | met |" in _goal_line(
        two_cores, "GameRole GetItem ≥ 1.0× dynalite"
    )
    assert "| 4.00 ms | - | - | - | met |" in _goal_line(two_cores, "p99 ≤ 5 ms")
    assert "| dynafed GameRole | GetItem | 64 | 2500 | 4500 | 1.80× |" in text


def test_without_a_two_worker_run_there_is_no_such_section() -> None:
    cells = [_cell("dynafed", "get", 64, 2500), _cell("dynalite-mem", "get", 64, 4000)]
    text = render(cells, "# test", [("dynafed", "d"), ("dynalite-mem", "m")])
    assert "--workers 2" not in text
    assert "one core → two" not in text
