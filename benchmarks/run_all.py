#!/usr/bin/env python3
"""dynafed against its peers, side by side, in one run on this machine (`make bench`).

Starts each target in turn pinned to one core (dynafed as admin and as GameRole web-identity
sessions, dynafed on PostgreSQL, moto, dynalite in memory and on disk, DynamoDB Local, and two
ceilings; on two cores dynafed with `--workers 2`, two dynafed nodes on one PostgreSQL schema
and DynamoDB Local again), loads the same GameScores data into it, replays the
same pre-signed requests with wrk from the other core, and writes report.md (absolute
figures, ratios dynafed ÷ peer, the goals of issue 19, every error), chart.png and
results.jsonl to benchmarks/results/<timestamp>/.

Then, on a fresh one-core dynafed, how its cost grows (loadbench/growth.py): GetItem at
1,000 items (and at a million with --scale), Query by page size, memory over a soak
(--soak SECONDS). The report judges issue 19's goals from all of it.

The default is a reduced matrix that takes about eight minutes; --full measures every operation
at 1, 8 and 64 connections for longer, three times. docs/benchmarks.md explains the method.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadbench import chart, growth, micro, report, sessions
from loadbench.dataset import Dataset
from loadbench.plan import Plan, full_plan, reduced_plan
from loadbench.processes import ServerProcess, free_port
from loadbench.results import CellResult
from loadbench.runner import IdentityUnavailable, Machine, TargetRun
from loadbench.scenarios import Identity, RequestBook
from loadbench.signing import Credentials, RequestSigner
from loadbench.targets import BENCH_DIR, REPO_DIR, Target, all_targets
from loadbench.wrk_runner import wrk_path

REGION = "us-east-1"
SCALE_ITEMS = 1_000_000
ACCOUNT_ID = "123456789012"  # dynafed's default account


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the full matrix (~30+ minutes)")
    parser.add_argument("--targets", help="comma-separated subset, e.g. dynafed,dynalite-mem")
    parser.add_argument("--ops", help="comma-separated subset of get,put,query,mix")
    parser.add_argument("--conns", help="connection counts for every op, e.g. 1,8,64")
    parser.add_argument("--duration", type=int, help="seconds per measured run (1..300)")
    parser.add_argument("--warmup", type=int, help="unmeasured seconds before each run")
    parser.add_argument("--repeat", type=int, help="runs per cell; the report shows the median")
    parser.add_argument("--requests", type=int, help="distinct signed requests per scenario")
    parser.add_argument("--no-gamerole", action="store_true", help="skip the GameRole sessions")
    parser.add_argument("--no-install", action="store_true", help="do not install missing tools")
    parser.add_argument(
        "--micro", action="store_true", help="also run the engine micro-benchmarks (~2 minutes)"
    )
    parser.add_argument(
        "--soak",
        type=int,
        help="seconds of the growth run's memory soak (default 20; the issue's goal: 600)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        nargs="?",
        const=SCALE_ITEMS,
        help=f"also measure GetItem with the table filled to ITEMS (default {SCALE_ITEMS:,})",
    )
    parser.add_argument(
        "--no-growth", action="store_true", help="skip the growth run (page sizes, soak, scale)"
    )
    parser.add_argument("--out", type=Path, help="results folder (default results/<timestamp>)")
    return parser.parse_args(argv)


def build_plan(args: argparse.Namespace) -> Plan:
    plan = full_plan() if args.full else reduced_plan()
    cells = plan.cells
    if args.ops:
        cells = {op: cells.get(op, (64,)) for op in args.ops.split(",")}
    if args.conns:
        counts = tuple(int(c) for c in args.conns.split(","))
        cells = {op: counts for op in cells}
    repeat = args.repeat or plan.repeat
    if not 1 <= repeat <= 10:
        sys.exit("--repeat must be 1..10")
    soak_s = plan.soak_s if args.soak is None else args.soak
    if not 0 <= soak_s <= 3600:
        sys.exit("--soak must be 0..3600 seconds")
    if args.scale is not None and not 1_000 < args.scale <= 10_000_000:
        sys.exit("--scale must be 1,001..10,000,000 items")
    return dataclasses.replace(
        plan,
        cells=cells,
        duration_s=args.duration or plan.duration_s,
        warmup_s=plan.warmup_s if args.warmup is None else args.warmup,
        repeat=repeat,
        requests_per_set=args.requests or plan.requests_per_set,
        targets=tuple(args.targets.split(",")) if args.targets else plan.targets,
        soak_s=soak_s,
    )


def pinning() -> tuple[str | None, str | None, str | None, str]:
    """(server cpus, generator cpus, two cpus for a server with several workers, description)."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) >= 2 and shutil.which("taskset"):
        second = cpus[2] if len(cpus) >= 3 else cpus[1]
        return (
            str(cpus[0]),
            str(cpus[1]),
            f"{cpus[0]},{second}",
            f"server on CPU {cpus[0]} (dynafed-2w, dynafed-pg-2n and ddb-local-2c on CPUs "
            f"{cpus[0]},{second}), "
            f"wrk on CPU {cpus[1]}",
        )
    return None, None, None, "not pinned (needs taskset and two CPUs)"


def install_tools() -> None:
    script = REPO_DIR / "scripts" / "install-bench-tools.sh"
    env = {**os.environ, "VENV": str(Path(sys.executable).parent.parent)}
    if subprocess.run(["bash", str(script)], env=env, timeout=900).returncode != 0:
        print("warning: install-bench-tools.sh failed; missing targets will say why", flush=True)


def machine_description() -> str:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} CPUs ({model}), {memory_kb / 2**20:.0f} GiB, "
        f"Linux {platform.release()}, Python {platform.python_version()}"
    )


class GameRoleSessions:
    """Builds the GameRole identity on a started dynafed, or says why it cannot."""

    def __init__(self, enabled: bool, plan: Plan, admin: Credentials) -> None:
        self.plan, self.admin = plan, admin
        self.tokens: sessions.TokenSource | None = None
        self.reason = "disabled with --no-gamerole"
        if enabled:
            try:
                self.tokens = sessions.load_token_source()
            except sessions.SessionsUnavailable as error:
                self.reason = str(error)

    def server_env(self) -> dict[str, str]:
        return dict(self.tokens.server_env) if self.tokens else {}

    def identity(self, endpoint: str) -> Identity | IdentityUnavailable:
        if self.tokens is None:
            return IdentityUnavailable("GameRole", self.reason)
        started = time.monotonic()
        try:
            credentials = sessions.gamerole_sessions(
                endpoint, REGION, ACCOUNT_ID, self.admin, self.tokens, self.plan.gamerole_players
            )
        except sessions.SessionsUnavailable as error:
            print(f"   GameRole sessions unavailable: {error}", flush=True)
            return IdentityUnavailable("GameRole", f"sessions unavailable: {error}")
        print(
            f"   {len(credentials)} GameRole sessions (sign-in at the test IdP, then "
            f"AssumeRoleWithWebIdentity) in {time.monotonic() - started:.1f}s",
            flush=True,
        )
        signers = [RequestSigner(endpoint, REGION, c) for c in credentials]
        return Identity("GameRole", signers, own_partition_only=True)

    def close(self) -> None:
        if self.tokens is not None:
            self.tokens.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = build_plan(args)
    if not args.no_install:
        install_tools()
    if wrk_path() is None:
        sys.exit("wrk is not installed: run scripts/install-bench-tools.sh (apt-get install wrk)")
    started = time.monotonic()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.out or BENCH_DIR / "results" / stamp
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    server_cpus, generator_cpus, two_server_cpus, pin_text = pinning()
    admin = Credentials("AKIABENCH" + secrets.token_hex(6).upper(), secrets.token_urlsafe(30))
    machine = Machine(server_cpus, generator_cpus, REGION, admin, free_port(), two_server_cpus)
    known = all_targets(admin, second_node_port=free_port())
    unknown = [name for name in plan.targets if name not in known]
    if unknown:
        sys.exit(f"unknown targets {unknown}; known: {', '.join(known)}")
    book = RequestBook(plan.dataset, plan.requests_per_set)
    wants_gamerole = any(known[name].federated for name in plan.targets) and not args.no_gamerole
    gamerole = GameRoleSessions(wants_gamerole, plan, admin)
    print(f"dynafed peer benchmark: {len(plan.targets)} targets, {pin_text}", flush=True)
    results_path = out / "results.jsonl"
    cells: list[CellResult] = []
    try:
        for name in plan.targets:
            cells += run_target(known[name], plan, machine, book, logs, gamerole, results_path)
    finally:
        gamerole.close()
    growth_figures = None
    if "dynafed" in plan.targets and not args.no_growth:
        growth_figures = run_growth(
            known["dynafed"],
            plan,
            machine,
            book,
            logs,
            results_path,
            growth.GrowthOptions(plan.soak_s, args.scale),
        )
    header = _header(stamp, plan, pin_text, time.monotonic() - started)
    described = [(name, _described(known[name])) for name in plan.targets]
    text = report.render(cells, header, described, growth_figures)
    if args.micro:
        print("== engine micro-benchmarks", flush=True)
        text += "\n" + micro.run_all(out) + "\n"
    (out / "report.md").write_text(text)
    drawn = chart.draw(cells, out / "chart.png", f"dynafed vs peers, {stamp}, one server core")
    print("\n" + text)
    print(f"results: {out}/report.md" + (", chart.png" if drawn else " (no chart: matplotlib?)"))
    return 0


def run_target(
    target: Target,
    plan: Plan,
    machine: Machine,
    book: RequestBook,
    logs: Path,
    gamerole: GameRoleSessions,
    results_path: Path,
) -> list[CellResult]:
    def identities_for(server: ServerProcess) -> list[Identity | IdentityUnavailable]:
        admin = Identity("admin", [RequestSigner(server.endpoint, REGION, machine.admin)], False)
        if not target.federated:
            return [admin]
        return [admin, gamerole.identity(server.endpoint)]

    print(f"== {target.name}: {target.description}", flush=True)
    run = TargetRun(
        target,
        plan,
        machine,
        book,
        logs,
        progress=lambda line: print("   " + line, flush=True),
        server_env=gamerole.server_env() if target.federated else {},
        identity_names=("admin", "GameRole") if target.federated else ("admin",),
    )
    cells = run.measure(identities_for)
    with results_path.open("a") as handle:
        for cell in cells:
            handle.write(cell.to_json() + "\n")
    return cells


def run_growth(
    target: Target,
    plan: Plan,
    machine: Machine,
    book: RequestBook,
    logs: Path,
    results_path: Path,
    options: growth.GrowthOptions,
) -> growth.Growth:
    """GetItem at 1,000 items (and a million with --scale), Query by page size, memory over
    the soak: on a fresh one-core dynafed of its own."""
    print(
        f"== growth: dynafed, one core; soak {options.soak_s}s"
        + (f", scale {options.scale_items:,} items" if options.scale_items else ""),
        flush=True,
    )
    run = TargetRun(
        target, plan, machine, book, logs,
        progress=lambda line: print("   " + line, flush=True),
        server_env={},
    )  # fmt: skip
    figures, cells = growth.measure(run, options)
    with results_path.open("a") as handle:
        for cell in cells:
            handle.write(cell.to_json() + "\n")
    return figures


def _described(target: Target) -> str:
    version = target.version()
    return f"{target.description}" + (f" — {version}" if version else "")


def _header(stamp: str, plan: Plan, pin_text: str, elapsed_s: float) -> str:
    dataset: Dataset = plan.dataset
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return "\n".join(
        [
            f"# dynafed peer benchmark — {stamp}",
            "",
            f"- machine: {machine_description()}",
            f"- pinning: {pin_text}; load generator: {wrk_version.split(' [')[0].strip()} "
            "replaying pre-signed requests (replay.lua, raw latency)",
            f"- runs: {plan.duration_s}s measured after {plan.warmup_s}s warm-up, "
            f"{plan.repeat} run(s) per cell, {plan.requests_per_set} distinct signed requests "
            "per scenario",
            f"- data: {dataset.item_count()} items ({dataset.players} players, "
            f"{dataset.query_players} with 20-item partitions); GameRole: "
            f"{plan.gamerole_players} web-identity sessions, each on its own partition",
            f"- this run took {elapsed_s / 60:.1f} minutes",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
