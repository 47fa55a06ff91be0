"""The report's "cost grows as it should" goals, judged from synthetic growth figures."""

from __future__ import annotations

from loadbench.growth import NOT_SCALED, Growth
from loadbench.report import render
from loadbench.results import CellResult, Summary, summarize
from loadbench.wrk_runner import Measurement


def _summary(rps: float, server_cpu_pct: float = 100.0) -> Summary:
    measured = Measurement(
        requests=int(rps * 3), duration_s=3.0, rps=rps, p50_ms=1.0, p90_ms=2.0, p99_ms=3.0,
        p999_ms=4.0, max_ms=5.0, latency_kind="raw", latency_samples=int(rps * 3), non2xx=0,
        status={"200": int(rps * 3)}, socket_errors={},
    )  # fmt: skip
    cell = CellResult(
        "dynafed-growth", "admin", "get", 64, 0, measured, server_cpu_pct=server_cpu_pct,
        other_cpu_pct=5.0,
    )  # fmt: skip
    summary = summarize([cell])[("dynafed-growth", "get", 64)]
    assert isinstance(summary, Summary)
    return summary


def _pages(fixed_us: float, per_item_us: float, square_us: float = 0.0) -> dict[int, Summary | str]:
    """Query rates whose CPU per request is fixed + per_item × n (+ square × n²)."""
    return {
        n: _summary(1e6 / (fixed_us + per_item_us * n + square_us * n * n))
        for n in (10, 20, 40, 80)
    }


def _growth(**changes: object) -> Growth:
    base: dict[str, object] = {
        "small_items": 1000,
        "get_small": _summary(4000),
        "large_items": None,
        "get_large": NOT_SCALED,
        "query_pages": _pages(200, 5),
        "rss_mb": [60.0, 61.0, 61.5, 61.0, 62.0],
        "soak_s": 20,
    }
    return Growth(**{**base, **changes})  # type: ignore[arg-type]


def _line(growth: Growth, needle: str) -> str:
    text = render([], "# t", [], growth)
    return next(line for line in text.splitlines() if line.startswith("| " + needle))


def test_get_at_scale_is_not_measured_without_the_option() -> None:
    line = _line(_growth(), "GetItem at a million items")
    assert line.endswith("| not measured: run with --scale (fills the table to a million items) |")


def test_get_at_scale_within_ten_percent_is_met_and_beyond_it_is_not() -> None:
    within = _growth(large_items=1_000_016, get_large=_summary(3640))
    beyond = _growth(large_items=1_000_016, get_large=_summary(3560))

    line = _line(within, "GetItem at 1,000,016 items within 10 % of 1,000 items")
    assert "| 3640 | 4000 | 0.91× | 0.91× | met |" in line
    line = _line(beyond, "GetItem at 1,000,016 items")
    assert "| 0.89× | 0.89× | NOT met (needs ≥ 0.9×) |" in line


def test_query_cost_on_a_straight_line_is_met_and_a_curve_is_not() -> None:
    linear = _line(_growth(), "Query cost linear in page size")
    assert "| 200 µs + 5.0 µs/item |" in linear
    assert "Limit 80: 600 µs (7.5/item)" in linear
    assert linear.endswith("| met |")

    # 200 + 2n + 0.2n²: 80 items cost 1640 µs where a line through 10 and 20 gives 800 µs.
    curved = _line(_growth(query_pages=_pages(200, 2, square_us=0.2)), "Query cost linear")
    assert "NOT met (a page size is" in curved


def test_query_pages_with_one_unsupported_size_are_not_measured() -> None:
    pages = {**_pages(200, 5), 40: "check failed: Limit 40 answered 400, Count None"}
    line = _line(_growth(query_pages=pages), "Query cost linear")
    assert "not measured: Limit 40: check failed" in line


def test_memory_flat_within_ten_percent_and_the_short_run_is_named() -> None:
    flat = _line(_growth(), "memory flat over a long run")
    assert "start 60.0 MB, middle 61.5 MB, end 62.0 MB | - | +3.3% |" in flat
    assert "| met; a short run: the issue's 10 minutes is `--soak 600` |" in flat

    leaking = _line(_growth(rss_mb=[60.0, 70.0, 80.0], soak_s=600), "memory flat")
    assert "+33.3% | - | NOT met (bar 10%) |" in leaking
    assert "short run" not in leaking


def test_without_a_growth_run_every_growth_goal_says_why_it_is_not_measured() -> None:
    text = render([], "# t", [], None)
    lines = [ln for ln in text.splitlines() if "growth run did not take place" in ln]
    assert len(lines) == 3
