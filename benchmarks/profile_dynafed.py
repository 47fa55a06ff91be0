#!/usr/bin/env python3
"""Where does dynafed spend its time? Profiles one server under one benchmark scenario.

Starts `dynafed serve` pinned to one core, loads the benchmark data, and replays one scenario's
pre-signed requests with wrk from the other core while a profiler watches: py-spy attaches to
the server for the load phase only and samples whichever thread holds the GIL; cProfile
(--profiler cprofile) wraps the whole server run, data loading included, and sees the main
thread only. Prints the hottest functions by own and by inclusive time; the raw profile stays
in the folder:

    .venv/bin/python benchmarks/profile_dynafed.py --op get --conns 64 --duration 10
    .venv/bin/python benchmarks/profile_dynafed.py --op put --profiler cprofile
    .venv/bin/python benchmarks/profile_dynafed.py --op put --target dynafed-pg
    .venv/bin/python benchmarks/profile_dynafed.py --op get --as gamerole

py-spy writes collapsed stacks (profile.txt; `--format flamegraph` writes profile.svg
instead); cProfile writes profile.pstats (open it with `python -m pstats` or snakeviz).
"""

from __future__ import annotations

import argparse
import os
import pstats
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadbench import loader, processes, sessions
from loadbench.dataset import Dataset
from loadbench.plan import reduced_plan
from loadbench.runner import PRIME_S
from loadbench.scenarios import OPERATIONS, Identity, RequestBook
from loadbench.signing import Credentials, RequestSigner
from loadbench.targets import BENCH_DIR, PYTHON, all_targets
from loadbench.wrk_runner import run_wrk, write_requests_file

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # dynafed's default account
TOP = 30


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--op", choices=OPERATIONS, default="get")
    parser.add_argument("--conns", type=int, default=64)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load (1..120)")
    parser.add_argument(
        "--target",
        choices=("dynafed", "dynafed-pg"),
        default="dynafed",
        help="dynafed on SQLite, or on a fresh schema of the local PostgreSQL",
    )
    parser.add_argument(
        "--as",
        dest="identity",
        choices=("admin", "gamerole"),
        default="admin",
        help="sign as dynafed's admin key, or as GameRole web-identity sessions (one per "
        "player, as make bench does; needs the bench's test identity provider)",
    )
    parser.add_argument("--profiler", choices=("py-spy", "cprofile"), default="py-spy")
    parser.add_argument("--format", choices=("raw", "flamegraph"), default="raw")
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--out", type=Path, help="default results/profile-<timestamp>")
    args = parser.parse_args()
    if not 1 <= args.duration <= 120:
        parser.error("--duration must be 1..120")
    return args


def cprofile_argv(dynafed_argv: list[str], out: Path) -> list[str]:
    """dynafed's own command line (python -m dynafed.cli ...) run under cProfile."""
    serve = dynafed_argv[dynafed_argv.index("-m") + 1 :]
    return [PYTHON, "-m", "cProfile", "-o", str(out / "profile.pstats"), "-m", *serve]


def attach_py_spy(
    args: argparse.Namespace, pid: int, out: Path, cpus: str | None
) -> subprocess.Popen[bytes]:
    """py-spy sampling the running server for the load phase (plus a second of slack)."""
    py_spy = shutil.which("py-spy") or str(Path(PYTHON).with_name("py-spy"))
    output = out / ("profile.svg" if args.format == "flamegraph" else "profile.txt")
    command = ["taskset", "-c", cpus] if cpus else []
    command += [
        py_spy, "record", "--pid", str(pid), "--duration", str(args.duration + 1),
        "--rate", str(args.rate), "--format", args.format, "--output", str(output),
        # Only the thread holding the GIL does Python work: that is where the time goes.
        # --nonblocking: do not pause the server at each sample (less distortion).
        "--gil", "--nonblocking",
        # dynafed-pg's server is a child of the process started (pg_nodes.py).
        "--subprocesses",
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def summarize_collapsed(path: Path) -> str:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    lines = [f"{total} samples of the thread holding the GIL", "", "own time:"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(TOP)]
    lines += ["", "inclusive time:"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(TOP)]
    return "\n".join(lines)


def summarize_pstats(path: Path, out: Path) -> str:
    report = out / "pstats.txt"
    with report.open("w") as handle:
        stats = pstats.Stats(str(path), stream=handle)
        stats.sort_stats("tottime").print_stats(TOP)
        stats.sort_stats("cumulative").print_stats(TOP)
    return report.read_text()


def main() -> int:
    args = parse_args()
    out = args.out or BENCH_DIR / "results" / time.strftime("profile-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    cpus = sorted(os.sched_getaffinity(0))
    server_cpus, gen_cpus = (str(cpus[0]), str(cpus[1])) if len(cpus) >= 2 else (None, None)
    admin = Credentials("AKIAPROFILE" + secrets.token_hex(5).upper(), secrets.token_urlsafe(30))
    dynafed = all_targets(admin)[args.target]
    tokens = sessions.load_token_source() if args.identity == "gamerole" else None
    env = {**dynafed.env, **(tokens.server_env if tokens else {})}
    port = processes.free_port()
    scratch = Path(tempfile.mkdtemp(prefix="profile-dynafed-"))
    argv = dynafed.argv(port, scratch)
    if args.profiler == "cprofile":
        argv = cprofile_argv(argv, out)
    server = processes.start(
        "dynafed", argv, port=port, log_path=out / "server.log", cpus=server_cpus, env=env
    )
    try:
        endpoint = server.endpoint
        dataset = Dataset(players=1000, query_players=100)
        print(loader.load(loader.client(endpoint, REGION, admin), dataset), flush=True)
        identity = Identity("admin", [RequestSigner(endpoint, REGION, admin)], False)
        if tokens is not None:
            players = reduced_plan().gamerole_players  # as many sessions as `make bench`
            credentials = sessions.gamerole_sessions(
                endpoint, REGION, ACCOUNT_ID, admin, tokens, players
            )
            signers = [RequestSigner(endpoint, REGION, c) for c in credentials]
            identity = Identity("GameRole", signers, own_partition_only=True)
        planned = RequestBook(dataset, 2000).requests(identity, args.op)
        requests_file = out / f"requests-{args.op}.bin"
        write_requests_file([p.raw for p in planned], requests_file)
        run_wrk(endpoint, requests_file, args.conns, PRIME_S, cpus=gen_cpus)
        spy = None
        if args.profiler == "py-spy":
            spy = attach_py_spy(args, server.process.pid, out, gen_cpus)
            time.sleep(0.5)  # let it attach before the load starts
        measured = run_wrk(endpoint, requests_file, args.conns, args.duration, cpus=gen_cpus)
        if spy is not None:
            _, spy_errors = spy.communicate(timeout=60)
            if spy.returncode != 0:
                print(f"py-spy failed: {spy_errors.decode(errors='replace')[-500:]}")
        print(
            f"{args.op} c={args.conns}: {measured.rps:.0f} req/s under the profiler, "
            f"p99 {measured.p99_ms:.2f} ms, non-2xx {measured.non2xx}",
            flush=True,
        )
    finally:
        processes.stop(server)  # SIGTERM: a cProfile run writes its file on the way out
        if tokens is not None:
            tokens.close()
        shutil.rmtree(scratch, ignore_errors=True)
    if args.profiler == "cprofile":
        print(summarize_pstats(out / "profile.pstats", out))
    elif args.format == "raw":
        summary = summarize_collapsed(out / "profile.txt")
        (out / "summary.txt").write_text(summary + "\n")
        print(summary)
    print(f"profile: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
