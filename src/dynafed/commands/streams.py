"""`dynafed streams tail TABLE`: print a table's stream records as JSON lines as they come.

It talks to a running server over HTTP with the admin credentials, through boto3's
`dynamodbstreams` client, exactly as any stream consumer would (so it works against a remote
node too): DescribeStream for the shards, GetRecords on each, a child shard only once its
parent was read to its end (docs/streams.md, "The shard model"). Records go to stdout, one
JSON object a line, in the shape GetRecords answers them (`ApproximateCreationDateTime` as
ISO-8601 text, as the AWS CLI prints it); progress goes to stderr. It stops on Ctrl-C, after
`--max-records`, or once the stream ended (its table deleted or its stream disabled) and
every record was printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from dynafed.commands.server_access import NoCredentials, add_server_arguments, admin_session

DEFAULT_POLL_SECONDS = 1.0


@dataclass
class _Shard:
    parent: str | None
    iterator: str | None = None
    finished: bool = False


class StreamTail:
    """Reads one stream shard by shard in lineage order; `poll` returns the new records."""

    def __init__(self, streams: Any, stream_arn: str, *, from_start: bool, log: TextIO) -> None:
        self._streams = streams
        self._arn = stream_arn
        self._log = log
        self._shards: dict[str, _Shard] = {}
        self.status = ""
        self._discover(first_kind="TRIM_HORIZON" if from_start else "LATEST")

    @property
    def ended(self) -> bool:
        """The stream takes no more records and every shard was read to its end."""
        return self.status == "DISABLED" and all(s.finished for s in self._shards.values())

    def poll(self) -> list[dict[str, Any]]:
        self._discover(first_kind=None)
        fresh: list[dict[str, Any]] = []
        for shard_id, shard in self._shards.items():
            parent = self._shards.get(shard.parent or "")
            if shard.finished or (parent is not None and not parent.finished):
                continue
            if shard.iterator is None:
                shard.iterator = self._iterator(shard_id, "TRIM_HORIZON")
            page = self._streams.get_records(ShardIterator=shard.iterator)
            fresh.extend(page["Records"])
            shard.iterator = page.get("NextShardIterator")
            if shard.iterator is None:
                shard.finished = True
                print(f"shard {shard_id} read to its end", file=self._log)
        return fresh

    def _discover(self, first_kind: str | None) -> None:
        """Learn new shards. On the first call with LATEST, closed shards count as read and
        the open one starts after its newest record."""
        start: dict[str, str] = {}
        while True:
            description = self._streams.describe_stream(StreamArn=self._arn, **start)[
                "StreamDescription"
            ]
            self.status = description["StreamStatus"]
            for wire in description["Shards"]:
                shard_id = wire["ShardId"]
                if shard_id in self._shards:
                    continue
                shard = _Shard(wire.get("ParentShardId"))
                self._shards[shard_id] = shard
                if first_kind == "LATEST":
                    closed = "EndingSequenceNumber" in wire["SequenceNumberRange"]
                    shard.finished = closed
                    if not closed:
                        shard.iterator = self._iterator(shard_id, "LATEST")
                elif first_kind is None:
                    print(f"new shard {shard_id}", file=self._log)
            if "LastEvaluatedShardId" not in description:
                return
            start = {"ExclusiveStartShardId": description["LastEvaluatedShardId"]}

    def _iterator(self, shard_id: str, kind: str) -> str:
        answer = self._streams.get_shard_iterator(
            StreamArn=self._arn, ShardId=shard_id, ShardIteratorType=kind
        )
        return str(answer["ShardIterator"])


def record_line(record: dict[str, Any]) -> str:
    """One record as a JSON line, times as ISO-8601 text."""

    def default(value: object) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON serializable")

    return json.dumps(record, default=default, sort_keys=True)


def run_tail(args: argparse.Namespace) -> int:
    try:
        session = admin_session(args)
    except NoCredentials as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    config = Config(retries={"max_attempts": 3, "mode": "standard"})
    dynamodb = session.client("dynamodb", endpoint_url=args.endpoint_url, config=config)
    streams = session.client("dynamodbstreams", endpoint_url=args.endpoint_url, config=config)
    try:
        return _tail(args, dynamodb, streams, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        return 130
    except (ClientError, BotoCoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _tail(args: argparse.Namespace, dynamodb: Any, streams: Any, out: TextIO, log: TextIO) -> int:
    table = dynamodb.describe_table(TableName=args.table)["Table"]
    arn = table.get("LatestStreamArn")
    if arn is None:
        print(f"error: table {args.table} has no stream", file=log)
        return 2
    tail = StreamTail(streams, arn, from_start=args.from_start, log=log)
    where = "its oldest record" if args.from_start else "new records"
    print(f"tailing {arn} from {where} ({tail.status})", file=log, flush=True)
    printed = 0
    while args.max_records is None or printed < args.max_records:
        records = tail.poll()
        if args.max_records is not None:
            records = records[: args.max_records - printed]
        for record in records:
            out.write(record_line(record) + "\n")
        out.flush()
        printed += len(records)
        if tail.ended:
            print(f"the stream is {tail.status} and was read to its end", file=log)
            break
        if not records:
            time.sleep(args.poll_interval)
    return 0


def add_streams_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = subparsers.add_parser("streams", help="read DynamoDB Streams")
    actions = command.add_subparsers(dest="streams_command", required=True)
    tail = actions.add_parser(
        "tail",
        help="print a table's stream records as JSON lines",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tail.add_argument("table", help="the table whose latest stream to read")
    tail.add_argument(
        "--from-start",
        action="store_true",
        help="begin with the oldest record kept (default: only records written from now on)",
    )
    tail.add_argument(
        "--max-records", type=int, help="stop after printing this many records (default: never)"
    )
    tail.add_argument(
        "--poll-interval",
        type=float,
        default=DEFAULT_POLL_SECONDS,
        help=f"seconds between polls that found nothing (default {DEFAULT_POLL_SECONDS})",
    )
    add_server_arguments(tail, "the table's region")
    tail.set_defaults(func=run_tail)
