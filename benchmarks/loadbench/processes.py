"""Server processes: start one pinned to a core, wait until it listens, account for its CPU,
stop it by its own pid (and any child it left, by pid)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class ServerProcess:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    log: IO[bytes]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, limit: int = 1500) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-limit:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(
    name: str,
    argv: Sequence[str],
    *,
    port: int,
    log_path: Path,
    cpus: str | None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    ready_timeout_s: float = 60,
) -> ServerProcess:
    """Starts `argv` (pinned to `cpus` with taskset when given) and waits for its port."""
    command = (["taskset", "-c", cpus] if cpus else []) + list(argv)
    log = log_path.open("wb")
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    server = ServerProcess(name, process, port, log_path, log)
    try:
        _wait_listening(server, ready_timeout_s)
    except BaseException:
        stop(server)
        raise
    return server


def _wait_listening(server: ServerProcess, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}: {server.log_tail()}"
            )
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not listen on port {server.port} in {timeout_s:.0f}s")


def stop(server: ServerProcess, grace_s: float = 15) -> None:
    """SIGTERM to the server's own pid, then to each descendant still alive, by pid."""
    children = [pid for pid in process_tree(server.process.pid) if pid != server.process.pid]
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(5)
    for pid in children:
        _terminate(pid)
    server.log.close()


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(20):
        time.sleep(0.1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name, which may itself hold spaces and parentheses.
    return text[text.rfind(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def cpu_seconds(root: int) -> float:
    """User + system CPU time of a process and all its descendants."""
    total = 0
    for pid in process_tree(root):
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])
    return total / _CLOCK_TICKS


def rss_bytes(root: int) -> int:
    """Resident memory of a process and all its descendants (VmRSS of each, summed)."""
    total = 0
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
                break
    return total


def machine_busy_seconds() -> float:
    """CPU-seconds all cores spent busy since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / _CLOCK_TICKS


def wait_idle(root: int, max_wait_s: float, idle_share: float = 0.05) -> float:
    """Waits (bounded) until the server stops working on requests a previous run left behind;
    a threaded server keeps serving requests whose client already went away. Returns seconds."""
    started = time.monotonic()
    while time.monotonic() - started < max_wait_s:
        before = cpu_seconds(root)
        time.sleep(0.2)
        if cpu_seconds(root) - before < idle_share * 0.2:
            break
    return time.monotonic() - started
