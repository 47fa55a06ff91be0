"""The PNG chart: req/s and p99 latency per scenario, one bar per target (log scales: the
targets differ by two orders of magnitude)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from loadbench.goals import OP_NAMES
from loadbench.results import CellResult, Summary, summarize


def draw(cells: Sequence[CellResult], path: Path, title: str) -> bool:
    """Writes the chart; False when matplotlib is missing or nothing was measured."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    table = summarize(cells)
    rows = list(dict.fromkeys(cell.row for cell in cells))
    scenarios = sorted(
        {(op, conns) for (_, op, conns), v in table.items() if isinstance(v, Summary)},
        key=lambda s: (list(OP_NAMES).index(s[0]), s[1]),
    )
    if not scenarios:
        return False
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(max(10, 1.6 * len(scenarios)), 9))
    width = 0.8 / max(1, len(rows))
    for index, row in enumerate(rows):
        xs, rps, p99 = [], [], []
        for position, (op, conns) in enumerate(scenarios):
            entry = table.get((row, op, conns))
            if isinstance(entry, Summary):
                xs.append(position + (index - (len(rows) - 1) / 2) * width)
                rps.append(entry.rps)
                p99.append(entry.p99_ms)
        top.bar(xs, rps, width, label=row)
        bottom.bar(xs, p99, width, label=row)
    labels = [f"{OP_NAMES[op]}\nc={conns}" for op, conns in scenarios]
    for axis, ylabel in ((top, "requests per second"), (bottom, "p99 latency, ms (raw)")):
        axis.set_yscale("log")
        axis.set_xticks(range(len(scenarios)), labels)
        axis.set_ylabel(ylabel)
        axis.grid(axis="y", which="both", alpha=0.3)
    for position, (op, conns) in enumerate(scenarios):
        missing = [row for row in rows if isinstance(table.get((row, op, conns)), str)]
        if missing:
            note = "unsupported:\n" + "\n".join(missing)
            top.annotate(
                note,
                (position, 0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=7,
            )
    figure.suptitle(title)
    figure.legend(
        *top.get_legend_handles_labels(),
        loc="upper center",
        ncol=min(len(rows), 5),
        fontsize="small",
        bbox_to_anchor=(0.5, 0.965),
    )
    figure.tight_layout(rect=(0, 0, 1, 0.92))
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True
