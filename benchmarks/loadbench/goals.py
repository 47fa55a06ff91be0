"""Issue 19's goals, each judged from one run's figures: met, NOT met, or not measured (why).

A ratio goal compares two rows of the same run on the same operation and connection count
(`Goal`); the rest are judged from the growth measurements (`loadbench.growth`): GetItem at
a million items against a thousand, Query's cost against its page size, and the server's
memory over a long run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loadbench.growth import Growth
from loadbench.results import Summary

DYNAFED = "dynafed"
GAMEROLE = "dynafed GameRole"
TWO_WORKERS = "dynafed-2w"
"""dynafed with `--workers 2` on two cores; its rows are named like dynafed's."""
POSTGRES = "dynafed-pg"
TWO_NODES = "dynafed-pg-2n"
OP_NAMES = {
    "get": "GetItem",
    "put": "PutItem",
    "query": "Query(20)",
    "mix": "80/20 get/put",
}
MAIN_OPS = tuple(OP_NAMES)
P99_GOAL_MS = 3.0
P99_CONNECTIONS = 8
GAMEROLE_OVER_ADMIN = 0.9
SCALE_WITHIN = 0.9
"""GetItem at a million items keeps at least this share of its rate at a thousand."""
PAGE_FIT_WITHIN = 0.10
"""Query's cost is linear in its page size when each page size's cost lies within this share
of the straight line fitted through all of them."""
RSS_GROWTH_AT_MOST = 0.10
DISTURBED = "⚠"

Table = dict[tuple[str, str, int], Summary | str]


@dataclass(frozen=True)
class Goal:
    """`row`'s req/s on `op` at `conns` connections ≥ `factor` × `peer`'s."""

    text: str
    row: str
    op: str
    peer: str
    factor: float
    conns: int = 64


def one_core_goals(ops: Sequence[str]) -> list[Goal]:
    """The one-core goals; GameRole ÷ admin for every operation in `ops`."""
    goals = [
        Goal("GameRole GetItem ≥ 1.0× dynalite in memory", GAMEROLE, "get", "dynalite-mem", 1.0),
        Goal(
            "GameRole GetItem ≥ 0.5× the HTTP-stack ceiling (hello)", GAMEROLE, "get", "hello", 0.5
        ),
        Goal("durable PutItem ≥ 1.0× dynalite on disk", DYNAFED, "put", "dynalite-disk", 1.0),
        Goal("Query(20) ≥ 2.5× dynalite in memory", DYNAFED, "query", "dynalite-mem", 2.5),
    ]
    for op in ops:
        goals.append(
            Goal(
                f"GameRole ÷ admin ≥ {GAMEROLE_OVER_ADMIN}: {OP_NAMES[op]}",
                GAMEROLE,
                op,
                DYNAFED,
                GAMEROLE_OVER_ADMIN,
            )
        )
    return goals


ALL_CORES_GOALS = (
    Goal(
        "GameRole GetItem, 2 workers on 2 cores, ≥ 1.8× dynalite in memory",
        TWO_WORKERS + " GameRole",
        "get",
        "dynalite-mem",
        1.8,
    ),
)
POSTGRES_GOALS = (
    Goal("PostgreSQL GetItem ≥ 0.6× SQLite", POSTGRES, "get", DYNAFED, 0.6),
    Goal("PostgreSQL Query(20) ≥ 0.6× SQLite", POSTGRES, "query", DYNAFED, 0.6),
    Goal("PostgreSQL PutItem ≥ 0.8× SQLite", POSTGRES, "put", DYNAFED, 0.8),
    Goal("two nodes on one database ≥ 1.7× one node: GetItem", TWO_NODES, "get", POSTGRES, 1.7),
    Goal("two nodes on one database ≥ 1.7× one node: Query(20)", TWO_NODES, "query", POSTGRES, 1.7),
)  # fmt: skip
GOAL_COLUMNS = [
    "| goal | measured | compared with | ratio | per server CPU-s | verdict |",
    "|---|---:|---:|---:|---:|---|",
]


def section(table: Table, growth: Growth | None) -> str:
    measured_ops = [op for op in MAIN_OPS if (DYNAFED, op, 64) in table]
    parts = [
        "## Goals (issue 19)",
        "Each goal as the ratio of req/s in this run (in brackets per second of server CPU, "
        "which holds up better on a shared machine); 64 connections unless said otherwise.",
        "### One core\n\n"
        + _table([_goal_line(g, table) for g in one_core_goals(measured_ops or ["get"])]
                 + [p99_line(table)]),
        "### All cores\n\n" + _table([_goal_line(g, table) for g in ALL_CORES_GOALS]),
        "### PostgreSQL, dynafed as admin\n\n"
        "PostgreSQL's own processes are not the server's CPU here (they count as other work), "
        "so the per-CPU ratios flatter the PostgreSQL targets.\n\n"
        + _table([_goal_line(g, table) for g in POSTGRES_GOALS]),
        "### Cost grows as it should (dynafed as admin, one core)\n\n"
        + _table(growth_lines(growth)),
    ]  # fmt: skip
    return "\n\n".join(parts)


def _table(lines: list[str]) -> str:
    return "\n".join(GOAL_COLUMNS + lines)


def _figure(entry: Summary | str | None) -> Summary | None:
    return entry if isinstance(entry, Summary) else None


def _goal_line(goal: Goal, table: Table) -> str:
    mine = table.get((goal.row, goal.op, goal.conns))
    peer = table.get((goal.peer, goal.op, goal.conns))
    where = f"{goal.text} ({OP_NAMES[goal.op]}, {goal.conns} connections)"
    mine_s, peer_s = _figure(mine), _figure(peer)
    if mine_s is None or peer_s is None:
        missing = goal.row if mine_s is None else goal.peer
        why = mine if mine_s is None else peer
        note = f"not measured: {missing} {short(str(why or 'not run'))}"
        if goal.row.endswith(" GameRole") and mine_s is None and peer_s is not None:
            admin = _figure(table.get((goal.row.removesuffix(" GameRole"), goal.op, goal.conns)))
            if admin is not None and goal.peer != goal.row.removesuffix(" GameRole"):
                note += f"; as admin: {admin.rps / peer_s.rps:.2f}×"
        return f"| {where} | - | - | - | - | {note} |"
    ratio = mine_s.rps / peer_s.rps
    verdict = verdict_text(ratio >= goal.factor, f"needs {goal.factor:g}×")
    if mine_s.disturbed or peer_s.disturbed:
        verdict += f" {DISTURBED} disturbed run: trust the per-CPU ratio more"
    per_cpu = (
        f"{mine_s.rps_per_cpu / peer_s.rps_per_cpu:.2f}×"
        if mine_s.rps_per_cpu and peer_s.rps_per_cpu
        else "-"
    )
    return (
        f"| {where} | {mine_s.rps:.0f} ({goal.row}) | {peer_s.rps:.0f} ({goal.peer}) "
        f"| {ratio:.2f}× | {per_cpu} | {verdict} |"
    )


def verdict_text(met: bool, bar: str) -> str:
    return "met" if met else f"NOT met ({bar})"


def p99_line(table: Table, rows: tuple[str, ...] = (GAMEROLE, DYNAFED)) -> str:
    text = f"p99 ≤ {P99_GOAL_MS:g} ms at {P99_CONNECTIONS} connections"
    for row in rows:
        figure = _figure(table.get((row, "get", P99_CONNECTIONS)))
        if figure is not None:
            verdict = verdict_text(figure.p99_ms <= P99_GOAL_MS, f"needs ≤ {P99_GOAL_MS:g} ms")
            return f"| {text} ({row} GetItem) | {figure.p99_ms:.2f} ms | - | - | - | {verdict} |"
    return f"| {text} | - | - | - | - | not measured: no GetItem at {P99_CONNECTIONS} connections |"


def growth_lines(growth: Growth | None) -> list[str]:
    if growth is None:
        why = "not measured: the growth run did not take place (dynafed not among the targets)"
        return [
            f"| GetItem at a million items within 10 % of a thousand | - | - | - | - | {why} |",
            f"| Query cost linear in page size | - | - | - | - | {why} |",
            f"| memory flat over a long run | - | - | - | - | {why} |",
        ]
    return [_scale_line(growth), _pages_line(growth), _memory_line(growth)]


def _scale_line(growth: Growth) -> str:
    small, large = _figure(growth.get_small), _figure(growth.get_large)
    text = (
        f"GetItem at {growth.large_items:,} items within 10 % of {growth.small_items:,} items"
        if growth.large_items
        else f"GetItem at a million items within 10 % of {growth.small_items:,} items"
    )
    if small is None or large is None:
        why = growth.get_large if small is not None else growth.get_small
        return f"| {text} | - | - | - | - | not measured: {short(str(why))} |"
    ratio = large.rps / small.rps
    per_cpu = (
        f"{large.rps_per_cpu / small.rps_per_cpu:.2f}×"
        if large.rps_per_cpu and small.rps_per_cpu
        else "-"
    )
    verdict = verdict_text(ratio >= SCALE_WITHIN, f"needs ≥ {SCALE_WITHIN:g}×")
    if small.disturbed or large.disturbed:
        verdict += f" {DISTURBED} disturbed run: trust the per-CPU ratio more"
    return (
        f"| {text} (64 connections) | {large.rps:.0f} | {small.rps:.0f} | {ratio:.2f}× "
        f"| {per_cpu} | {verdict} |"
    )


def page_costs(growth: Growth) -> dict[int, float] | str:
    """Page size -> µs of server CPU per Query (µs of wall time per request at the measured
    concurrency when the CPU share is unknown), or why not measured."""
    costs: dict[int, float] = {}
    for limit, entry in sorted(growth.query_pages.items()):
        figure = _figure(entry)
        if figure is None:
            return f"Limit {limit}: {entry}"
        share = (figure.server_cpu_pct or 100.0) / 100
        costs[limit] = 1e6 * share / figure.rps
    if len(costs) < 3:
        return "needs at least three page sizes"
    return costs


def linear_fit(points: dict[int, float]) -> tuple[float, float]:
    """Least squares `cost = fixed + per_item × n`: (fixed, per_item)."""
    xs, ys = list(points), list(points.values())
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    return mean_y - slope * mean_x, slope


def _pages_line(growth: Growth) -> str:
    text = "Query cost linear in page size"
    costs = page_costs(growth)
    if isinstance(costs, str):
        return f"| {text} | - | - | - | - | not measured: {short(costs)} |"
    fixed, per_item = linear_fit(costs)
    worst = max(abs(cost - (fixed + per_item * n)) / cost for n, cost in costs.items())
    per_page = ", ".join(
        f"Limit {n}: {cost:.0f} µs ({cost / n:.1f}/item)" for n, cost in costs.items()
    )
    verdict = verdict_text(
        worst <= PAGE_FIT_WITHIN and per_item > 0,
        f"a page size is {worst:.0%} off the line, bar {PAGE_FIT_WITHIN:.0%}",
    )
    return (
        f"| {text}: server CPU per Query, {per_page} | {fixed:.0f} µs + {per_item:.1f} µs/item "
        f"| - | worst {worst:.0%} off the line | - | {verdict} |"
    )  # fmt: skip


def _memory_line(growth: Growth) -> str:
    samples = growth.rss_mb
    text = "memory flat over a long run"
    if len(samples) < 3:
        why = growth.soak_note or "fewer than three RSS samples"
        return f"| {text} | - | - | - | - | not measured: {short(why)} |"
    start, middle, end = samples[0], samples[len(samples) // 2], samples[-1]
    growth_share = (end - start) / start
    length = f"{growth.soak_s:.0f} s of 80/20 at 64 connections"
    note = "" if growth.soak_s >= 600 else "; a short run: the issue's 10 minutes is `--soak 600`"
    verdict = verdict_text(growth_share <= RSS_GROWTH_AT_MOST, f"bar {RSS_GROWTH_AT_MOST:.0%}")
    return (
        f"| {text}: server RSS over {length} | start {start:.1f} MB, middle {middle:.1f} MB, "
        f"end {end:.1f} MB | - | {growth_share:+.1%} | - | {verdict}{note} |"
    )


def all_cores_section(table: Table) -> str:
    """Each server with every core it can use: dynafed's two workers and DynamoDB Local on
    the same two cores; dynalite and moto serve from one process, so their one-core figure
    is all they can do."""
    rows = [
        (TWO_WORKERS + " GameRole", "2 (2 worker processes)"),
        (TWO_WORKERS, "2 (2 worker processes)"),
        ("ddb-local-2c", "2 (multi-threaded JVM, the cores dynafed-2w gets)"),
        ("dynalite-mem", "1: one Node.js process, its one-core run"),
        ("dynalite-disk", "1: one Node.js process, its one-core run"),
        ("moto", "1: one Python process (GIL), its one-core run"),
    ]
    present = [(row, cores) for row, cores in rows if any(key[0] == row for key in table)]
    if not present:
        return ""
    ops = [op for op in MAIN_OPS if any((row, op, 64) in table for row, _ in present)]
    reference = _figure(table.get((TWO_WORKERS + " GameRole", "get", 64)))
    lines = [
        "## Every core each server can use (64 connections, req/s)",
        "",
        "| target | cores | " + " | ".join(OP_NAMES[op] for op in ops)
        + " | dynafed-2w GameRole GetItem ÷ this GetItem |",
        "|---|---|" + "---:|" * (len(ops) + 1),
    ]  # fmt: skip
    for row, cores in present:
        cells = []
        for op in ops:
            entry = table.get((row, op, 64))
            figure = _figure(entry)
            cells.append(f"{figure.rps:.0f}" if figure else ("unsupported" if entry else "-"))
        own = _figure(table.get((row, "get", 64)))
        ratio = f"{reference.rps / own.rps:.2f}×" if reference and own else "-"
        lines.append(f"| {row} | {cores} | " + " | ".join(cells) + f" | {ratio} |")
    return "\n".join(lines)


def short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split()).replace("|", "/")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
