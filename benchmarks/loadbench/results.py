"""One measured (or unsupported) cell: target x identity x operation x connections x repeat."""

from __future__ import annotations

import dataclasses
import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from loadbench.wrk_runner import Measurement


@dataclass(frozen=True)
class CellResult:
    target: str
    identity: str
    """"admin" or "GameRole"."""
    op: str
    connections: int
    repeat: int
    measurement: Measurement | None = None
    unsupported: str | None = None
    """Why the scenario could not be measured on this target (setup or check failed)."""
    server_cpu_pct: float | None = None
    other_cpu_pct: float | None = None
    """CPU the rest of the machine used during the run: high means a disturbed run."""

    @property
    def row(self) -> str:
        """The column name in the report: the target, and the identity when it is not admin."""
        return self.target if self.identity == "admin" else f"{self.target} {self.identity}"

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))


def from_json(line: str) -> CellResult:
    data = json.loads(line)
    measured = data.pop("measurement")
    return CellResult(**data, measurement=Measurement(**measured) if measured else None)


def read_results(path: Path) -> list[CellResult]:
    return [from_json(line) for line in path.read_text().splitlines() if line.strip()]


STARVED_BELOW_PCT = 70.0
BUSY_ABOVE_PCT = 50.0


@dataclass(frozen=True)
class Summary:
    """The median over repeats of one (row, op, connections) cell."""

    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    runs: int
    non2xx: int
    socket_errors: int
    server_cpu_pct: float | None
    other_cpu_pct: float | None
    latency_kind: str
    rps_per_cpu: float | None
    """Requests per second of server CPU: robust when other work shares the server's core."""

    @property
    def disturbed(self) -> bool:
        """The server did not get most of its core while other work kept the machine busy: its
        req/s understates it; compare requests per server CPU-second instead."""
        starved = self.server_cpu_pct is not None and self.server_cpu_pct < STARVED_BELOW_PCT
        return starved and (self.other_cpu_pct or 0.0) > BUSY_ABOVE_PCT


def summarize(cells: Iterable[CellResult]) -> dict[tuple[str, str, int], Summary | str]:
    """(row, op, connections) -> median figures, or the reason it is unsupported."""
    grouped: dict[tuple[str, str, int], list[CellResult]] = {}
    for cell in cells:
        grouped.setdefault((cell.row, cell.op, cell.connections), []).append(cell)
    return {key: _summary(group) for key, group in grouped.items()}


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _summary(group: list[CellResult]) -> Summary | str:
    measured = [c.measurement for c in group if c.measurement is not None]
    if not measured:
        return group[0].unsupported or "not measured"

    def median_of(attribute: str) -> float:
        return float(statistics.median(getattr(m, attribute) for m in measured))

    kinds = {m.latency_kind for m in measured}
    return Summary(
        rps=median_of("rps"),
        p50_ms=median_of("p50_ms"),
        p90_ms=median_of("p90_ms"),
        p99_ms=median_of("p99_ms"),
        runs=len(measured),
        non2xx=sum(m.non2xx for m in measured),
        socket_errors=sum(sum(m.socket_errors.values()) for m in measured),
        server_cpu_pct=_median([c.server_cpu_pct for c in group]),
        other_cpu_pct=_median([c.other_cpu_pct for c in group]),
        latency_kind="raw" if kinds == {"raw"} else "/".join(sorted(kinds)),
        rps_per_cpu=_median(
            [
                c.measurement.rps / (c.server_cpu_pct / 100)
                for c in group
                if c.measurement is not None and c.server_cpu_pct
            ]
        ),
    )
