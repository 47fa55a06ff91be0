"""Measures one target: start it pinned to its core, load the data, check each scenario's
requests, replay them with wrk from the other core, stop it. Whatever cannot be measured is
recorded as unsupported with the reason, never skipped silently."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from loadbench import loader, processes, verify
from loadbench.dataset import PROJECTION, TABLE, Item, Key, game_title, player_id
from loadbench.plan import Plan
from loadbench.results import CellResult
from loadbench.scenarios import Identity, PlannedRequest, RequestBook
from loadbench.signing import Credentials, RequestSigner
from loadbench.targets import LOOPBACK, Target
from loadbench.wrk_runner import Measurement, combined, run_wrk, write_requests_file

VERIFY_SAMPLE = 6
PRIME_S = 2
"""Unmeasured load before profiling (profile_dynafed.py)."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class IdentityUnavailable:
    """An identity the target should be measured as but cannot be (e.g. no STS yet)."""

    name: str
    reason: str


IdentitiesFor = Callable[[processes.ServerProcess], list[Identity | IdentityUnavailable]]
"""Given the started server, the identities to measure it as."""


@dataclass(frozen=True)
class Machine:
    server_cpus: str | None
    generator_cpus: str | None
    region: str
    admin: Credentials
    port: int
    """One port for every target in a run, so the signed requests (the Host header is signed)
    can be replayed against each of them."""
    two_server_cpus: str | None = None
    """Two cores for a target that uses several (`Target.two_cores`); on a two-core
    machine one of them is the generator's."""


@dataclass
class TargetRun:
    target: Target
    plan: Plan
    machine: Machine
    book: RequestBook
    logs: Path
    progress: Progress
    server_env: dict[str, str]
    identity_names: tuple[str, ...] = ("admin",)
    """Every identity this target is measured as; all are reported if the target fails."""

    def measure(self, identities_for: IdentitiesFor) -> list[CellResult]:
        reason = self.target.unavailable()
        if reason:
            return self._unsupported_all(self.identity_names, f"not available: {reason}")
        scratch = Path(tempfile.mkdtemp(prefix=f"bench-{self.target.name}-"))
        try:
            with self.started(scratch) as server:
                if isinstance(server, str):
                    return self._unsupported_all(self.identity_names, server)
                return self._measure_started(server, identities_for)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    @contextmanager
    def started(self, scratch: Path) -> Iterator[processes.ServerProcess | str]:
        """The target's server(s) on `scratch`, stopped afterwards; a str says why it did not
        start."""
        started = time.monotonic()
        try:
            server = processes.start(
                self.target.name,
                self.target.argv(self.machine.port, scratch),
                port=self.machine.port,
                log_path=self.logs / f"{self.target.name}.log",
                cpus=self._server_cpus(),
                env={**self.target.env, **self.server_env},
                cwd=self.target.cwd,
            )
        except RuntimeError as error:
            yield f"did not start: {error}"
            return
        self.progress(f"{self.target.name}: listening after {time.monotonic() - started:.1f}s")
        try:
            yield server
        finally:
            processes.stop(server)

    def _server_cpus(self) -> str | None:
        machine = self.machine
        return machine.two_server_cpus if self.target.two_cores else machine.server_cpus

    def _measure_started(
        self, server: processes.ServerProcess, identities_for: IdentitiesFor
    ) -> list[CellResult]:
        endpoint = server.endpoint
        if not self.target.serves_dynamodb:
            hello = Identity("admin", [self._admin_signer(endpoint)], own_partition_only=False)
            return self._run_cells(server, hello, ops={"get"}, checked=False)
        admin_client = loader.client(endpoint, self.machine.region, self.machine.admin)
        try:
            started = time.monotonic()
            how = loader.load(admin_client, self.plan.dataset)
            self.progress(f"{self.target.name}: loaded {how} in {time.monotonic() - started:.1f}s")
        except loader.SetupFailed as error:
            return self._unsupported_all(self.identity_names, f"setup failed: {error}")
        results: list[CellResult] = []
        for identity in identities_for(server):
            if isinstance(identity, IdentityUnavailable):
                results += self._unsupported_all([identity.name], identity.reason)
                continue
            results += self._run_cells(server, identity, set(self.plan.cells), checked=True)
        return results

    def _admin_signer(self, endpoint: str) -> RequestSigner:
        return RequestSigner(endpoint, self.machine.region, self.machine.admin)

    def _run_cells(
        self,
        server: processes.ServerProcess,
        identity: Identity,
        ops: set[str],
        checked: bool,
    ) -> list[CellResult]:
        prepared = self._prepare(server, identity, ops, checked)
        ready = [path for path in prepared.values() if isinstance(path, Path)]
        if ready and self.target.prime_s:
            self._prime(server, ready[0])
        return [
            self.measure_cell(server, identity.name, op, conns, repeat, prepared[op])
            for repeat, op, conns in self.plan.ordered_cells()
            if op in prepared
        ]

    def _prepare(
        self, server: processes.ServerProcess, identity: Identity, ops: set[str], checked: bool
    ) -> dict[str, Path | str]:
        """For each op, the file of signed requests to replay, or why it cannot be measured."""
        not_enforced = self._not_enforced(server, identity)
        if not_enforced:
            return dict.fromkeys(ops, not_enforced)
        admin_client = loader.client(server.endpoint, self.machine.region, self.machine.admin)
        read_back = _read_back(admin_client) if checked else None
        return {
            op: self._prepare_op(server, identity, op, read_back)
            for op in self.plan.cells
            if op in ops
        }

    def _prepare_op(
        self,
        server: processes.ServerProcess,
        identity: Identity,
        op: str,
        read_back: verify.ReadBack | None,
    ) -> Path | str:
        started = time.monotonic()
        planned = self.book.requests(identity, op)
        if time.monotonic() - started > 1:
            self.progress(
                f"signed {len(planned)} {op} requests in {time.monotonic() - started:.1f}s"
            )
        if read_back is not None:
            problem = verify.first_failure(server.endpoint, _sample(planned), read_back)
            if problem:
                self.progress(f"{self.target.name} {identity.name} {op}: UNSUPPORTED {problem}")
                return f"check failed: {problem}"
        path = self.logs / f"requests-{identity.name}-{op}.bin"
        write_requests_file([p.raw for p in planned], path)
        return path

    def _not_enforced(self, server: processes.ServerProcess, identity: Identity) -> str | None:
        if not identity.own_partition_only or len(identity.signers) < 2:
            return None
        foreign = Key(player_id(1), game_title(0))
        read = identity.signers[0].sign(
            "GetItem", TableName=TABLE, Key=foreign.as_attributes(), ProjectionExpression=PROJECTION
        )
        problem = verify.enforcement_failure(server.endpoint, read.raw)
        if problem:
            self.progress(f"{self.target.name} {identity.name}: UNSUPPORTED {problem}")
        return problem

    def _prime(self, server: processes.ServerProcess, requests_file: Path) -> None:
        self.replay(server, requests_file, 8, self.target.prime_s)

    def replay(
        self, server: processes.ServerProcess, requests_file: Path, conns: int, seconds: int
    ) -> Measurement:
        """wrk replaying `requests_file`; a target of several nodes gets one wrk per node, the
        connections split between them, and the figures added up. The requests are signed for
        the first node's Host header: a node verifies the signature over the header it is
        sent, whichever port it listens on."""
        gen = self.machine.generator_cpus
        endpoints = [server.endpoint] + [
            f"http://{LOOPBACK}:{port}" for port in self.target.extra_ports
        ]
        if len(endpoints) == 1:
            return run_wrk(server.endpoint, requests_file, conns, seconds, cpus=gen)
        share = max(1, conns // len(endpoints))
        with ThreadPoolExecutor(len(endpoints)) as pool:
            runs = [
                pool.submit(run_wrk, endpoint, requests_file, share, seconds, cpus=gen)
                for endpoint in endpoints
            ]
            return combined([run.result() for run in runs])

    def measure_cell(
        self,
        server: processes.ServerProcess,
        identity: str,
        op: str,
        conns: int,
        repeat: int,
        requests_file: Path | str,
        *,
        target_name: str | None = None,
    ) -> CellResult:
        """Measures one cell; `requests_file` is a str when the scenario is unsupported."""
        base = CellResult(target_name or self.target.name, identity, op, conns, repeat)
        if isinstance(requests_file, str):
            return replace(base, unsupported=requests_file)
        if self.plan.warmup_s:
            self.replay(server, requests_file, conns, self.plan.warmup_s)
        processes.wait_idle(server.process.pid, max_wait_s=30)
        cpu_before = processes.cpu_seconds(server.process.pid)
        busy_before = processes.machine_busy_seconds()
        started = time.monotonic()
        measured = self.replay(server, requests_file, conns, self.plan.duration_s)
        wall = time.monotonic() - started
        server_s = processes.cpu_seconds(server.process.pid) - cpu_before
        other_s = processes.machine_busy_seconds() - busy_before - server_s
        other_s -= measured.generator_cpu_s
        result = replace(
            base,
            measurement=measured,
            server_cpu_pct=100 * server_s / wall,
            other_cpu_pct=100 * other_s / wall,
        )
        self.progress(_progress_line(result))
        return result

    def _unsupported_all(self, identities: Sequence[str], reason: str) -> list[CellResult]:
        self.progress(f"{self.target.name}: UNSUPPORTED {reason[:300]}")
        return [
            CellResult(self.target.name, name, op, conns, 0, unsupported=reason)
            for name in identities
            for op, counts in self.plan.cells.items()
            if self.target.serves_dynamodb or op == "get"
            for conns in counts
        ]


def _sample(planned: list[PlannedRequest]) -> list[PlannedRequest]:
    by_op: dict[str, list[PlannedRequest]] = {}
    for request in planned:
        by_op.setdefault(request.op, []).append(request)
    return [r for group in by_op.values() for r in group[: VERIFY_SAMPLE // len(by_op)]]


def _read_back(admin_client: object) -> Callable[[Key], Item | None]:
    def read(key: Key) -> Item | None:
        answer = admin_client.get_item(  # type: ignore[attr-defined]
            TableName=TABLE, Key=key.as_attributes(), ConsistentRead=True
        )
        item: Item | None = answer.get("Item")
        return item

    return read


def _progress_line(cell: CellResult) -> str:
    m = cell.measurement
    assert m is not None
    errors = f" ERRORS non2xx={m.non2xx} socket={sum(m.socket_errors.values())}" if m.errors else ""
    return (
        f"{cell.row:>18} {cell.op:>5} c={cell.connections:<3} {m.rps:9.0f} req/s "
        f"p50={m.p50_ms:.2f} p90={m.p90_ms:.2f} p99={m.p99_ms:.2f} ms "
        f"server={cell.server_cpu_pct:.0f}% other={cell.other_cpu_pct:.0f}%{errors}"
    )
