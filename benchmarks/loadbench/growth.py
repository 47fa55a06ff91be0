"""Does dynafed's cost grow as it should? One dynafed (SQLite, one core, as admin), measured
on its own after the peer comparison:

1. GetItem on a table of 1,000 items;
2. Query with Limit 10, 20, 40 and 80 on 80-item partitions: the server's CPU per Query
   against the page size should lie on a straight line (a fixed part plus a constant cost
   per returned item);
3. a soak: 80/20 GetItem/PutItem for `soak_s` seconds (PutItem overwrites, so the table does
   not grow) while the server's resident memory is sampled every second;
4. with `scale_items` only: the server stopped, the table filled to that many items through
   dynafed's own storage API (as `PutItem` stores an item, without HTTP: a million items in
   well under a minute), the server started again, and GetItem measured over all of them.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from loadbench import loader, processes, verify
from loadbench.dataset import PARTITION_KEY, PROJECTION, TABLE, Dataset, Item, Key, make_item
from loadbench.results import CellResult, Summary, summarize
from loadbench.runner import TargetRun
from loadbench.scenarios import Identity, RequestBook
from loadbench.signing import RequestSigner
from loadbench.wrk_runner import MAX_DURATION_S, write_requests_file

SMALL_DATASET = Dataset(players=246, query_players=1)
"""Exactly 1,000 items: one 20-item partition and 245 of 4."""
PAGE_SIZES = (10, 20, 40, 80)
PAGE_PARTITIONS = 10
PAGE_PARTITION_ITEMS = 80
CONNECTIONS = 64
RSS_EVERY_S = 1.0
BULK_BATCH = 10_000
TARGET_NAME = "dynafed-growth"
"""The name the growth cells carry in results.jsonl."""


@dataclass(frozen=True)
class Growth:
    """What the growth run measured, as the report reads it."""

    small_items: int
    get_small: Summary | str
    large_items: int | None
    """Items in the table for `get_large`; None when not measured."""
    get_large: Summary | str
    query_pages: dict[int, Summary | str]
    rss_mb: list[float] = field(default_factory=list)
    """The server's resident memory, sampled every RSS_EVERY_S seconds of the soak."""
    soak_s: float = 0.0
    soak_note: str = ""


@dataclass(frozen=True)
class GrowthOptions:
    soak_s: int
    scale_items: int | None
    """Fill the table to this many items for the GetItem-at-scale cell; None: not measured."""


NOT_SCALED = "run with --scale (fills the table to a million items)"
"""Why GetItem at scale was not measured, when it was not asked for."""


def page_player(index: int) -> str:
    return f"page-{index:03d}"


def page_items() -> Iterator[Item]:
    for index in range(PAGE_PARTITIONS):
        for game in range(PAGE_PARTITION_ITEMS):
            yield make_item(Key(page_player(index), f"game-{game:03d}"))


def large_dataset(items: int) -> Dataset:
    """At least `items` items, whose first keys are SMALL_DATASET's."""
    return Dataset(players=max(SMALL_DATASET.players, (items - 16 + 3) // 4), query_players=1)


def measure(run: TargetRun, options: GrowthOptions) -> tuple[Growth, list[CellResult]]:
    """`run` is a TargetRun of the one-core `dynafed` target; its plan gives the durations."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-growth-"))
    cells: list[CellResult] = []
    try:
        with run.started(scratch) as server:
            if isinstance(server, str):
                return _not_started(server, options), []
            not_loaded = _loaded_small(run, server)
            small = (
                _unsupported("get-small", not_loaded)
                if not_loaded
                else _get_cell(run, server, SMALL_DATASET, "get-small")
            )
            cells.append(small)
            pages = _page_cells(run, server)
            cells += pages.values()
            rss_mb, note = _soak(run, server, options.soak_s)
        large_items: int | None = None
        get_large: Summary | str = NOT_SCALED
        if options.scale_items:
            large_items, large_cell = _at_scale(run, scratch, options.scale_items)
            cells.append(large_cell)
            get_large = _summary(large_cell)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    growth = Growth(
        small_items=SMALL_DATASET.item_count(),
        get_small=_summary(small),
        large_items=large_items,
        get_large=get_large,
        query_pages={limit: _summary(cell) for limit, cell in pages.items()},
        rss_mb=rss_mb,
        soak_s=options.soak_s,
        soak_note=note,
    )
    return growth, cells


def _not_started(why: str, options: GrowthOptions) -> Growth:
    return Growth(
        small_items=SMALL_DATASET.item_count(),
        get_small=why,
        large_items=None,
        get_large=why if options.scale_items else NOT_SCALED,
        query_pages=dict.fromkeys(PAGE_SIZES, why),
        soak_note=why,
    )


def _summary(cell: CellResult) -> Summary | str:
    return next(iter(summarize([cell]).values()))


def _admin(run: TargetRun, endpoint: str) -> Identity:
    signer = RequestSigner(endpoint, run.machine.region, run.machine.admin)
    return Identity("admin", [signer], own_partition_only=False)


def _get_cell(
    run: TargetRun, server: processes.ServerProcess, dataset: Dataset, op: str
) -> CellResult:
    """GetItem of random items of `dataset` (already in the table), checked once first."""
    planned = RequestBook(dataset, run.plan.requests_per_set).requests(
        _admin(run, server.endpoint), "get"
    )
    status, body = verify.send_raw(server.endpoint, planned[0].raw)
    if status != 200 or b'"Item"' not in body:
        return _unsupported(op, f"check failed: GetItem answered {status} {body[:200]!r}")
    path = run.logs / f"requests-growth-{op}.bin"
    write_requests_file([p.raw for p in planned], path)
    return run.measure_cell(server, "admin", op, CONNECTIONS, 0, path, target_name=TARGET_NAME)


def _unsupported(op: str, why: str) -> CellResult:
    return CellResult(TARGET_NAME, "admin", op, CONNECTIONS, 0, unsupported=why)


def _loaded_small(run: TargetRun, server: processes.ServerProcess) -> str | None:
    """Creates the table with SMALL_DATASET's items and the Query partitions; None when done,
    else why not."""
    dynamodb = loader.client(server.endpoint, run.machine.region, run.machine.admin)
    try:
        loader.load(dynamodb, SMALL_DATASET)
    except loader.SetupFailed as error:
        return f"setup failed: {error}"
    return None


def _page_cells(run: TargetRun, server: processes.ServerProcess) -> dict[int, CellResult]:
    """Query of one 80-item partition with each page size, the partitions written first."""
    dynamodb = loader.client(server.endpoint, run.machine.region, run.machine.admin)
    try:
        loader.write_items(dynamodb, list(page_items()))
    except loader.SetupFailed as error:
        return {n: _unsupported(f"query-{n}", f"setup failed: {error}") for n in PAGE_SIZES}
    signer = RequestSigner(server.endpoint, run.machine.region, run.machine.admin)
    rng = random.Random("growth/pages")
    cells = {}
    for limit in PAGE_SIZES:
        op = f"query-{limit}"
        raws = [
            signer.sign(
                "Query",
                TableName=TABLE,
                KeyConditionExpression=f"{PARTITION_KEY} = :player",
                ExpressionAttributeValues={
                    ":player": {"S": page_player(rng.randrange(PAGE_PARTITIONS))}
                },
                ProjectionExpression=PROJECTION,
                Limit=limit,
            ).raw
            for _ in range(run.plan.requests_per_set)
        ]
        status, body = verify.send_raw(server.endpoint, raws[0])
        count = json.loads(body).get("Count") if status == 200 else None
        if count != limit:
            cells[limit] = _unsupported(
                op, f"check failed: Limit {limit} answered {status}, Count {count}"
            )
            continue
        path = run.logs / f"requests-growth-{op}.bin"
        write_requests_file(raws, path)
        cells[limit] = run.measure_cell(
            server, "admin", op, CONNECTIONS, 0, path, target_name=TARGET_NAME
        )
    return cells


def _soak(run: TargetRun, server: processes.ServerProcess, soak_s: int) -> tuple[list[float], str]:
    """80/20 for `soak_s` seconds (after the plan's warm-up) while a thread samples the
    server's RSS every RSS_EVERY_S seconds: (samples in MB, why not measured or "")."""
    if soak_s < 1:
        return [], "the soak was turned off (--soak 0)"
    planned = RequestBook(SMALL_DATASET, run.plan.requests_per_set).requests(
        _admin(run, server.endpoint), "mix"
    )
    path = run.logs / "requests-growth-soak.bin"
    write_requests_file([p.raw for p in planned], path)
    if run.plan.warmup_s:
        run.replay(server, path, CONNECTIONS, run.plan.warmup_s)
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while True:
            samples.append(processes.rss_bytes(server.process.pid) / 2**20)
            if done.wait(RSS_EVERY_S):
                return

    sampler = threading.Thread(target=sample, name="rss-sampler")
    sampler.start()
    errors = 0
    try:
        remaining = soak_s
        while remaining > 0:  # wrk runs at most MAX_DURATION_S at a time
            segment = min(remaining, MAX_DURATION_S)
            errors += run.replay(server, path, CONNECTIONS, segment).errors
            remaining -= segment
    finally:
        done.set()
        sampler.join()
    samples.append(processes.rss_bytes(server.process.pid) / 2**20)
    run.progress(f"soak {soak_s}s: RSS {samples[0]:.1f} → {samples[-1]:.1f} MB, {errors} errors")
    return samples, ""


def _at_scale(run: TargetRun, scratch: Path, items: int) -> tuple[int | None, CellResult]:
    """Fills the stopped server's table to `items` items, starts it again, measures GetItem."""
    dataset = large_dataset(items)
    started = time.monotonic()
    try:
        written = bulk_load(
            scratch / "data", dataset, skip_players=SMALL_DATASET.players, region=run.machine.region
        )
    except Exception as error:
        return None, _unsupported("get-large", f"bulk load failed: {error!r}")
    total = SMALL_DATASET.item_count() + PAGE_PARTITIONS * PAGE_PARTITION_ITEMS + written
    run.progress(f"bulk-loaded {written:,} items in {time.monotonic() - started:.0f}s")
    with run.started(scratch) as server:
        if isinstance(server, str):
            return total, _unsupported("get-large", server)
        return total, _get_cell(run, server, dataset, "get-large")


def bulk_load(data_dir: Path, dataset: Dataset, *, skip_players: int, region: str) -> int:
    """Writes `dataset`'s items of players from `skip_players` on straight into the SQLite
    file of a stopped dynafed, through dynafed's storage API and the very function PutItem
    stores an item with. Returns the items written."""
    from dynafed.dynamodb.context import find_table
    from dynafed.dynamodb.items.writes import store
    from dynafed.dynamodb.keys import storage_key
    from dynafed.dynamodb.tables import table_key
    from dynafed.storage.factory import open_storage
    from dynafed.storage.port import WriteTxn

    storage = open_storage(str(data_dir))
    written = 0
    try:
        with storage.read() as view:
            table = find_table(view, table_key(region, TABLE))
        if table is None:
            raise RuntimeError(f"table {TABLE} not found in {data_dir}")
        keys = (
            key for key in dataset.all_keys() if int(key.player.rpartition("-")[2]) >= skip_players
        )
        while batch := [make_item(key) for key in islice(keys, BULK_BATCH)]:
            rows = [(storage_key(table, item), item) for item in batch]

            def write_rows(
                txn: WriteTxn, rows: list[tuple[tuple[bytes, bytes], Item]] = rows
            ) -> None:
                for (pk, sk), item in rows:
                    store(txn, table, pk, sk, None, item)

            storage.write(write_rows)
            written += len(batch)
    finally:
        storage.close()
    return written
