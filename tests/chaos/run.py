"""`make chaos`: repeat every reliability trial and print a table of trials and failures.

    python -m tests.chaos.run [--trials N] [--seed S] [--only TEXT]

Exit status 0 when every trial kept every promise (no acknowledged write lost, no update
applied twice, no HTTP 500, nothing else the scenario checks), 1 otherwise.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.chaos.scenarios import SCENARIOS, Trial


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make chaos", description=__doc__)
    parser.add_argument("--trials", type=int, default=10, help="trials per scenario")
    parser.add_argument("--seed", type=int, default=None, help="for the random kill points")
    parser.add_argument("--only", default="", help="run the scenarios whose name has this")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    workdir = Path(tempfile.mkdtemp(prefix="dynafed-chaos-"))
    rows: list[tuple[str, int, int, int, int, int, int, int, str]] = []
    started = time.monotonic()
    try:
        for name, scenario in SCENARIOS.items():
            if args.only.lower() not in name.lower():
                continue
            trials: list[Trial] = []
            skipped = False
            for _ in range(args.trials):
                result = scenario(workdir, rng)
                if result is None:
                    skipped = True
                    break
                trials.append(result)
                mark = "." if result.passed else "F"
                print(mark, end="", flush=True, file=sys.stderr)
            failed = [t for t in trials if not t.passed]
            note = "skipped: not allowed here" if skipped else ""
            if failed:
                note = "; ".join(sorted({w for t in failed for w in (t.failures or [])}))[:80]
            rows.append(
                (
                    name,
                    len(trials),
                    len(failed),
                    sum(t.requests for t in trials),
                    sum(t.acknowledged for t in trials),
                    sum(t.lost for t in trials),
                    sum(t.doubled for t in trials),
                    sum(t.server_errors for t in trials),
                    note,
                )
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(file=sys.stderr)
    headers = (
        "scenario",
        "trials",
        "failed",
        "requests",
        "acknowledged",
        "lost",
        "doubled",
        "500s",
        "notes",
    )
    print(f"seed {seed}, {time.monotonic() - started:.0f} s")
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    return 0 if all((row[2] == 0 and row[1] > 0) or "skipped" in row[8] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
