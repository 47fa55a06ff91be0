"""The engine micro-benchmarks other parts of the project keep in benchmarks/, run after the
peer comparison when asked (`run_all.py --micro`): each with short settings, bounded in time,
its output kept in the report as it printed it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from loadbench.targets import BENCH_DIR, PYTHON

# Script -> arguments that keep it short (each documents these flags in its docstring).
MICRO_BENCHMARKS = {
    "policy_decisions.py": ["--seconds", "0.5", "--repeat", "3"],
    "sts_tokens.py": ["--seconds", "0.5"],
    "storage_throughput.py": ["--seconds", "1", "--threads", "1,16"],
}
TIMEOUT_S = 180


def run_all(out: Path) -> str:
    """Runs each script, writes its output to out/micro/<name>.txt, returns a report section."""
    folder = out / "micro"
    folder.mkdir(parents=True, exist_ok=True)
    parts = ["## Engine micro-benchmarks (`--micro`)"]
    for script, args in MICRO_BENCHMARKS.items():
        parts.append(f"### {script} {' '.join(args)}\n\n{_run(script, args, folder)}")
    return "\n\n".join(parts)


def _run(script: str, args: list[str], folder: Path) -> str:
    path = BENCH_DIR / script
    if not path.exists():
        return f"not run: {path} not found"
    try:
        done = subprocess.run(
            [PYTHON, str(path), *args], capture_output=True, text=True, timeout=TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return f"not finished within {TIMEOUT_S}s"
    output = done.stdout + (f"\n(stderr)\n{done.stderr}" if done.returncode else "")
    (folder / f"{path.stem}.txt").write_text(output)
    status = "" if done.returncode == 0 else f"exited with {done.returncode}\n\n"
    return f"{status}```\n{output.strip()[-6000:]}\n```"
