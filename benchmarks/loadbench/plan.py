"""What one run measures: which operations at which connection counts, for how long."""

from __future__ import annotations

from dataclasses import dataclass, field

from loadbench.dataset import Dataset

CONNECTIONS = (1, 8, 64)


@dataclass(frozen=True)
class Plan:
    cells: dict[str, tuple[int, ...]]
    """Operation -> connection counts to measure it at."""
    duration_s: int
    warmup_s: int
    repeat: int
    requests_per_set: int
    """Distinct signed requests replayed per scenario."""
    dataset: Dataset
    gamerole_players: int
    """GameRole sessions (one per player); each reads and writes only its own partition."""
    targets: tuple[str, ...] = field(default=())
    soak_s: int = 20
    """The growth run's soak (memory over time): short by default, `--soak 600` for the
    issue's ten minutes."""

    def ordered_cells(self) -> list[tuple[int, str, int]]:
        """(repeat, op, connections), interleaved so slow drift in the machine's background
        load spreads over all cells instead of hitting one."""
        return [
            (repeat, op, conns)
            for repeat in range(self.repeat)
            for op, counts in self.cells.items()
            for conns in counts
        ]


DEFAULT_TARGETS = (
    "dynafed",
    "dynafed-2w",
    "dynafed-pg",
    "dynafed-pg-2n",
    "moto",
    "dynalite-mem",
    "dynalite-disk",
    "ddb-local",
    "ddb-local-2c",
    "mini-dynamo",
    "hello",
    "hello-asgi",
)


def reduced_plan() -> Plan:
    """`make bench`: every target, the cells the goals name, short runs (about 8 minutes)."""
    return Plan(
        cells={"get": (8, 64), "put": (64,), "query": (64,), "mix": (64,)},
        duration_s=3,
        warmup_s=1,
        repeat=1,
        requests_per_set=2000,
        dataset=Dataset(players=500, query_players=100),
        gamerole_players=100,
        targets=DEFAULT_TARGETS,
    )


def full_plan() -> Plan:
    """Every operation at 1, 8 and 64 connections, longer runs, median of three."""
    return Plan(
        cells={op: CONNECTIONS for op in ("get", "put", "query", "mix")},
        duration_s=5,
        warmup_s=2,
        repeat=3,
        requests_per_set=5000,
        dataset=Dataset(players=2500, query_players=200),
        gamerole_players=200,
        targets=(*DEFAULT_TARGETS, "ddb-local-disk"),
        soak_s=60,
    )
