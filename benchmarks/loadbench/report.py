"""The markdown report: issue 19's goals (loadbench.goals), each server on every core it can
use, absolute figures, ratios dynafed ÷ peer, and every error and unsupported scenario in
plain sight."""

from __future__ import annotations

from collections.abc import Sequence

from loadbench import goals
from loadbench.goals import DISTURBED, DYNAFED, OP_NAMES, TWO_WORKERS
from loadbench.growth import Growth
from loadbench.results import (
    BUSY_ABOVE_PCT,
    STARVED_BELOW_PCT,
    CellResult,
    Summary,
    summarize,
)

Table = dict[tuple[str, str, int], Summary | str]


def render(
    cells: Sequence[CellResult],
    header: str,
    targets: Sequence[tuple[str, str]],
    growth: Growth | None = None,
) -> str:
    """`targets`: (name, description with version) in the order to show them; `growth`: the
    growth run's figures, None when it did not take place."""
    table = summarize(cells)
    rows = _rows_in_order(cells)
    scenarios = _scenarios_in_order(cells)
    parts = [
        header,
        _targets_section(targets, table),
        goals.section(table, growth),
        goals.all_cores_section(table),
        _scaling_section(table, scenarios),
        _absolute_section(table, rows, scenarios),
        _ratio_section(table, rows, scenarios),
        _errors_section(cells),
        _unsupported_section(table),
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def _rows_in_order(cells: Sequence[CellResult]) -> list[str]:
    return list(dict.fromkeys(cell.row for cell in cells))


def _scenarios_in_order(cells: Sequence[CellResult]) -> list[tuple[str, int]]:
    found = {(cell.op, cell.connections) for cell in cells}
    order = list(OP_NAMES)
    return sorted(found, key=lambda s: (order.index(s[0]) if s[0] in order else 99, s[1]))


def _figure(entry: Summary | str | None) -> Summary | None:
    return entry if isinstance(entry, Summary) else None


def _targets_section(targets: Sequence[tuple[str, str]], table: Table) -> str:
    lines = ["## Targets", "", "| name | what | status |", "|---|---|---|"]
    for name, description in targets:
        entries = [v for (row, _, _), v in table.items() if row.split(" ")[0] == name]
        measured = sum(1 for v in entries if isinstance(v, Summary))
        status = f"{measured} of {len(entries)} cells measured" if entries else "not run"
        lines.append(f"| {name} | {description} | {status} |")
    return "\n".join(lines)


def _scaling_section(table: Table, scenarios: list[tuple[str, int]]) -> str:
    """How throughput grows from one worker process on one core to two on two."""
    lines = []
    for op, conns in scenarios:
        for identity in ("", " GameRole"):
            one = _figure(table.get((DYNAFED + identity, op, conns)))
            two = _figure(table.get((TWO_WORKERS + identity, op, conns)))
            if one is None or two is None:
                continue
            lines.append(
                f"| {DYNAFED}{identity} | {OP_NAMES[op]} | {conns} | {one.rps:.0f} "
                f"| {two.rps:.0f} | {two.rps / one.rps:.2f}× |"
            )
    if not lines:
        return ""
    header = [
        "## Worker processes: one core → two",
        "",
        "| as | operation | conns | 1 worker, 1 core | 2 workers, 2 cores | growth |",
        "|---|---|---:|---:|---:|---:|",
    ]
    return "\n".join(header + lines)


def _absolute_section(table: Table, rows: list[str], scenarios: list[tuple[str, int]]) -> str:
    lines = [
        "## Absolute figures (median over repeats; latency raw, per request)",
        "",
        "| target | operation | conns | req/s | p50 ms | p90 ms | p99 ms | non-2xx "
        "| socket errors | server CPU % | req per server CPU-s | other CPU % | runs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for op, conns in scenarios:
        for row in rows:
            entry = table.get((row, op, conns))
            if entry is None:
                continue
            if isinstance(entry, str):
                lines.append(f"| {row} | {OP_NAMES[op]} | {conns} | unsupported |" + " |" * 9)
                continue
            kind = "" if entry.latency_kind == "raw" else f" ({entry.latency_kind})"
            flag = f" {DISTURBED}" if entry.disturbed else ""
            lines.append(
                f"| {row} | {OP_NAMES[op]} | {conns} | {entry.rps:.0f}{flag} | {entry.p50_ms:.2f} "
                f"| {entry.p90_ms:.2f} | {entry.p99_ms:.2f}{kind} | {entry.non2xx} "
                f"| {entry.socket_errors} | {_pct(entry.server_cpu_pct)} "
                f"| {_pct(entry.rps_per_cpu)} | {_pct(entry.other_cpu_pct)} | {entry.runs} |"
            )
    lines += [
        "",
        f"{DISTURBED} disturbed: the server got under {STARVED_BELOW_PCT:.0f} % of its core while "
        f"the rest of the machine used over {BUSY_ABOVE_PCT:.0f} % of a core; its req/s "
        "understates it.",
    ]
    return "\n".join(lines)


def _ratio_section(table: Table, rows: list[str], scenarios: list[tuple[str, int]]) -> str:
    mine = [row for row in rows if row.startswith(DYNAFED)]
    peers = [row for row in rows if not row.startswith(DYNAFED)]
    if not peers or not mine:
        return ""
    if not any(isinstance(table.get((row, op, c)), Summary) for row in mine for op, c in scenarios):
        return "## Ratios: dynafed req/s ÷ peer req/s\n\nNone: dynafed measured no scenario."
    lines = [
        "## Ratios: dynafed req/s ÷ peer req/s (same operation, same connections)",
        "",
        "In brackets: the same ratio per second of server CPU, which holds up better when other "
        "work shares the server's core (see the other CPU % column).",
        "",
        "| dynafed as | operation | conns | " + " | ".join(f"÷ {p}" for p in peers) + " |",
        "|---|---|---:|" + "---:|" * len(peers),
    ]
    for op, conns in scenarios:
        for row in mine:
            own = _figure(table.get((row, op, conns)))
            if own is None:
                continue
            ratios = []
            for peer in peers:
                ratios.append(_ratio_text(own, _figure(table.get((peer, op, conns)))))
            lines.append(f"| {row} | {OP_NAMES[op]} | {conns} | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


def _ratio_text(own: Summary, other: Summary | None) -> str:
    if other is None:
        return "-"
    text = f"{own.rps / other.rps:.2f}×"
    if own.rps_per_cpu and other.rps_per_cpu:
        text += f" ({own.rps_per_cpu / other.rps_per_cpu:.2f}×)"
    return text


def _errors_section(cells: Sequence[CellResult]) -> str:
    lines = []
    for cell in cells:
        m = cell.measurement
        if m is None or not m.errors:
            continue
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(m.status.items()))
        sockets = ", ".join(f"{k}: {v}" for k, v in m.socket_errors.items() if v)
        lines.append(
            f"- {cell.row} {OP_NAMES[cell.op]} c={cell.connections} run {cell.repeat + 1}: "
            f"{m.non2xx} non-2xx of {m.requests} (statuses {statuses})"
            + (f"; socket errors {sockets}" if sockets else "")
        )
        lines += [f"  - sample: `{_short(sample, 200)}`" for sample in m.error_samples[:3]]
    if not lines:
        return "## Errors\n\nNone: every response of every measured run was 2xx."
    return "## Errors (every non-2xx response and socket error)\n\n" + "\n".join(lines)


def _unsupported_section(table: Table) -> str:
    reasons: dict[tuple[str, str], list[str]] = {}
    for (row, op, conns), entry in table.items():
        if isinstance(entry, str):
            reasons.setdefault((row, entry), []).append(f"{OP_NAMES[op]} c={conns}")
    if not reasons:
        return ""
    lines = ["## Unsupported (setup or check failed; not measured)", ""]
    for (row, why), where in reasons.items():
        lines.append(f"- **{row}** — {', '.join(where)}: {_short(why, 400)}")
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split()).replace("|", "/")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
