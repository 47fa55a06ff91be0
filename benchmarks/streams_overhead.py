#!/usr/bin/env python3
"""PutItem throughput on a table with a DynamoDB stream against the same table without one
(issue 14: the streamed table should keep at least 0.8x).

Two servers on the same storage backend, each loaded with loadbench's GameScores data set;
on one of them UpdateTable then enables the table's stream (`--view-type`, by default
NEW_AND_OLD_IMAGES, the records that carry the most). wrk replays the same PutItem requests
(signed for each server) against both, round after round, alternating which goes first; the
median round of each is reported, and the ratio streamed / plain: the median of each round's
ratio, since a round measures both back to back.

Every replayed PutItem changes its item — each key appears twice in the requests file, with
two different versions, half a file apart — because a put that leaves the item as it was
writes no stream record (as on AWS) and would flatter the streamed table. The report shows
how many records the stream holds at the end against the puts the streamed server
acknowledged, so a reader can see every write was recorded.

    .venv/bin/python benchmarks/streams_overhead.py [--backends sqlite,postgres] [--conns 16]
        [--duration 5] [--repeat 3] [--view-type NEW_AND_OLD_IMAGES]

Nothing is pinned: servers, PostgreSQL and wrk share the machine's cores. Compare the ratio
within one run, not absolute figures across runs.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import boto3
from loadbench import loader, processes
from loadbench.dataset import TABLE, Dataset, make_item
from loadbench.signing import Credentials, RequestSigner
from loadbench.wrk_runner import Measurement, write_requests_file, wrk_path
from storage_nodes import (
    POSTGRES_URL,
    REGION,
    Cell,
    Config,
    add_serve_args,
    replay_on_all,
    started_nodes,
    summarize,
)

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
PLAIN, STREAMED = "plain", "streamed"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite", help="sqlite, postgres or both")
    parser.add_argument("--conns", type=int, default=16, help="connections (default 16)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured seconds before each")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; median reported")
    parser.add_argument("--requests", type=int, default=2000, help="signed PutItem requests")
    parser.add_argument("--players", type=int, default=500, help="players in the data set")
    parser.add_argument("--view-type", default="NEW_AND_OLD_IMAGES", choices=VIEW_TYPES)
    parser.add_argument("--postgres", default=POSTGRES_URL, help="libpq URL of the database")
    parser.add_argument("--pool-max-size", type=int, help="each server's pool_max_size")
    parser.add_argument("--out", type=Path, help="also write the report (markdown) here")
    add_serve_args(parser)
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 10 or not 1 <= args.duration <= 300:
        parser.error("--repeat must be 1..10 and --duration 1..300")
    return args


def changing_puts(dataset: Dataset, count: int, replay_number: int) -> list[dict[str, Any]]:
    """`count` items to put: `count // 2` keys spread over the data set, each in two versions
    half the list apart, both new to this replay (wrk starts every run at the file's first
    request), so that every put changes its item."""
    keys = list(dataset.all_keys())
    random.Random(14).shuffle(keys)
    chosen = keys[: max(1, count // 2)]
    first, second = 2 * replay_number + 1, 2 * replay_number + 2
    return [make_item(key, version=first) for key in chosen] + [
        make_item(key, version=second) for key in chosen
    ]


@dataclass
class Server:
    name: str
    node: processes.ServerProcess
    signer: RequestSigner
    dataset: Dataset
    scratch: Path
    replays: int = 0
    acknowledged: int = 0
    """PutItems answered 2xx, warm-ups included (each wrote a stream record if streamed)."""

    def requests_file(self, count: int) -> Path:
        """The next replay's signed requests (signed before the clock starts)."""
        raw = [
            self.signer.sign("PutItem", TableName=TABLE, Item=item).raw
            for item in changing_puts(self.dataset, count, self.replays)
        ]
        self.replays += 1
        path = self.scratch / f"requests-put-{self.replays}.bin"
        write_requests_file(raw, path)
        return path


def prepare(
    backend: str,
    name: str,
    args: argparse.Namespace,
    admin: Credentials,
    stack: ExitStack,
) -> Server:
    scratch = Path(tempfile.mkdtemp(prefix="bench-streams-"))
    stack.callback(shutil.rmtree, scratch, ignore_errors=True)
    config = Config(f"{backend} {name}", backend, 1)
    (node,) = stack.enter_context(started_nodes(config, admin, args, scratch))
    dataset = Dataset(players=args.players, query_players=min(100, args.players))
    dynamodb = loader.client(node.endpoint, REGION, admin)
    print(f"{config.name}: {loader.load(dynamodb, dataset)}", flush=True)
    if name == STREAMED:
        dynamodb.update_table(
            TableName=TABLE,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": args.view_type},
        )
    return Server(config.name, node, RequestSigner(node.endpoint, REGION, admin), dataset, scratch)


def replay(server: Server, args: argparse.Namespace, seconds: int) -> Measurement:
    requests = server.requests_file(args.requests)
    (measured,) = replay_on_all([server.node], [requests], args.conns, seconds)
    server.acknowledged += measured.requests - measured.non2xx
    return measured


def stream_records(endpoint: str, admin: Credentials) -> int:
    """How many records the table's stream holds, read as a consumer reads them."""
    dynamodb = loader.client(endpoint, REGION, admin)
    arn = dynamodb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    streams = boto3.session.Session(
        aws_access_key_id=admin.access_key_id,
        aws_secret_access_key=admin.secret_access_key,
        region_name=REGION,
    ).client("dynamodbstreams", endpoint_url=endpoint)
    total = 0
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    for shard in shards:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            total += len(page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return total


def measure_backend(backend: str, args: argparse.Namespace, admin: Credentials) -> list[str]:
    """The report's rows for one backend."""
    with ExitStack() as stack:
        servers = [prepare(backend, name, args, admin, stack) for name in (PLAIN, STREAMED)]
        runs: dict[str, list[list[Measurement]]] = {s.name: [] for s in servers}
        for round_number in range(args.repeat):
            load = os.getloadavg()[0]
            print(f"{backend} round {round_number + 1}, load average {load:.1f}", flush=True)
            order = servers if round_number % 2 == 0 else servers[::-1]
            for server in order:
                if args.warmup:
                    replay(server, args, args.warmup)
                measured = replay(server, args, args.duration)
                runs[server.name].append([measured])
                print(f"  {server.name:>18}: {measured.rps:8.0f} req/s", flush=True)
        cells: list[Cell] = [summarize(s.name, "put", runs[s.name]) for s in servers]
        recorded = stream_records(servers[1].node.endpoint, admin)
        # Each round measures both servers back to back: the ratio within a round is
        # what the machine's other load disturbs least.
        paired = sorted(
            s[0].rps / p[0].rps
            for p, s in zip(runs[servers[0].name], runs[servers[1].name], strict=True)
            if p[0].rps
        )
        ratio = statistics.median(paired) if paired else float("nan")
        rows = [
            f"| {c.config} | {c.rps:.0f} | {c.p50_ms:.1f} | {c.p99_ms:.1f} | {c.errors} |"
            for c in cells
        ]
        rows.append(
            f"| **ratio streamed / plain**, median of the rounds' "
            f"({', '.join(f'{r:.2f}' for r in paired)}) | **{ratio:.2f}** | | | |"
        )
        rows.append(
            f"| stream records / puts acknowledged | {recorded} / {servers[1].acknowledged} | | | |"
        )
        return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if wrk_path() is None:
        sys.exit("wrk is not installed (scripts/install-bench-tools.sh installs it)")
    admin = Credentials("AKIABENCH" + secrets.token_hex(6).upper(), secrets.token_urlsafe(30))
    lines = [
        f"# PutItem with and without a stream ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"{args.conns} connections, {args.duration} s runs after {args.warmup} s of warm-up, "
        f"median of {args.repeat}; {args.players} players; stream view type {args.view_type}; "
        f"{args.requests} distinct PutItems, each changing its item.",
        "",
        "| server | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for backend in args.backends.split(","):
        lines += measure_backend(backend, args, admin)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
