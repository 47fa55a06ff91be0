"""A stream as stored: one document (kind `stream`, name = the stream ARN) holding its status,
view type, key schema, the lineage of its shards and the next sequence number; its records
as items under `records_id(stream)`, partition = the shard id, sort key = the record's
sequence number as 8 big-endian bytes, so a range read returns a shard's records in order.

Sequence numbers count up from 1 per stream (so they increase within every shard and from a
parent shard to its child); on the wire they are decimal strings of 21 digits
(`10**20 + n`), the length AWS's have.

Lanes (issue 14): a stream with `lanes` > 1 has that many open shards at once, one per lane,
and an item's records always go to the lane its partition key hashes to (`lane_of`), so
every item's records stay in order in one line of shards, as AWS promises (per item, not
across items). Each lane counts its own sequence numbers in its own small document (kind
`stream-lane`, `LaneState`): lane `k` of `n` numbers its records `k+1, k+1+n, k+1+2n, ...`,
unique in the stream and increasing within the lane's shards, parent to child. The lane's
document is a storage `Counter` (`LaneState.to_document`): a write numbers and stores its
record with `WriteTxn.append_numbered`, advancing only its lane's document, so writers to
different lanes never queue for one counter; the stream's own document (the lineage
DescribeStream lists) is rewritten only when a lane's shard rolls over, and when the stream
is opened, closed or trimmed. With one lane (SQLite's single writer gains nothing from
more) the counter stays in the stream's own document, as before lanes existed.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from dynafed.storage.port import Counter, number_key

DOCUMENT_KIND = "stream"

ENABLED = "ENABLED"
DISABLED = "DISABLED"

RETENTION_SECONDS = 24 * 60 * 60
"""Records, and streams whose table is gone or whose stream was disabled, stay readable this
long (Developer Guide: "DynamoDB Streams ... stores this information in a log for up to 24
hours")."""
SHARD_SECONDS = 4 * 60 * 60
"""A shard is rolled over to a child once it is this old (AWS rolls shards over every few
hours); `StreamPolicy.shard_records` can also roll over by record count."""

_WIRE_OFFSET = 10**20


@dataclass(frozen=True, slots=True)
class StreamPolicy:
    """When shards roll over: by age, and optionally after a number of records (for tests
    and for readers that want to exercise lineage; `serve --stream-shard-records`)."""

    shard_seconds: float = SHARD_SECONDS
    shard_records: int | None = None
    lanes: int = 1
    """Open shards per stream enabled from now on (a stream keeps the count it began with)."""


@dataclass(frozen=True, slots=True)
class Shard:
    shard_id: str
    parent: str | None
    created_at: float
    start: int
    """The sequence number of the shard's first record (or of its first one to come)."""
    end: int | None = None
    """The last sequence number the shard can hold, once it is closed; None while open."""
    count: int = 0
    """Records written to the shard (the rollover policy counts them)."""
    trimmed_to: int = 0
    """Records below this sequence number were trimmed (0: none were)."""
    lane: int = 0
    """The lane whose records the shard holds (always 0 in a stream of one lane)."""

    @property
    def is_open(self) -> bool:
        return self.end is None

    @property
    def horizon(self) -> int:
        """The oldest sequence number still readable."""
        return max(self.start, self.trimmed_to)


@dataclass(frozen=True, slots=True)
class Stream:
    arn: str
    label: str
    table_name: str
    table_id: str
    key_schema: tuple[str, ...]
    view_type: str
    created_at: float
    status: str = ENABLED
    disabled_at: float | None = None
    next_seq: int = 1
    policy: StreamPolicy = field(default_factory=StreamPolicy)
    shards: tuple[Shard, ...] = ()
    lanes: int = 1
    """Lanes, each with an open shard of its own; with more than one, `next_seq` and the
    shards' `count` are unused (each lane's `LaneState` holds them)."""

    @property
    def region(self) -> str:
        return self.arn.split(":", 4)[3]

    @property
    def open_shard(self) -> Shard | None:
        last = self.shards[-1] if self.shards else None
        return last if last is not None and last.is_open else None

    def shard(self, shard_id: str) -> Shard | None:
        for shard in self.shards:
            if shard.shard_id == shard_id:
                return shard
        return None

    def with_shard(self, shard: Shard) -> Stream:
        """The stream with `shard` replacing the shard of the same id (or appended)."""
        kept = tuple(s for s in self.shards if s.shard_id != shard.shard_id)
        if len(kept) == len(self.shards):
            return replace(self, shards=(*self.shards, shard))
        return replace(
            self, shards=tuple(shard if s.shard_id == shard.shard_id else s for s in self.shards)
        )

    def to_document(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "label": self.label,
            "table_name": self.table_name,
            "table_id": self.table_id,
            "key_schema": list(self.key_schema),
            "view_type": self.view_type,
            "created_at": self.created_at,
            "status": self.status,
            "disabled_at": self.disabled_at,
            "next_seq": self.next_seq,
            "policy": [self.policy.shard_seconds, self.policy.shard_records],
            "shards": [_shard_row(s) for s in self.shards],
            **({"lanes": self.lanes} if self.lanes != 1 else {}),
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Stream:
        seconds, records = doc["policy"]
        return cls(
            arn=doc["arn"],
            label=doc["label"],
            table_name=doc["table_name"],
            table_id=doc["table_id"],
            key_schema=tuple(doc["key_schema"]),
            view_type=doc["view_type"],
            created_at=doc["created_at"],
            status=doc["status"],
            disabled_at=doc["disabled_at"],
            next_seq=doc["next_seq"],
            policy=StreamPolicy(seconds, records),
            shards=tuple(Shard(*row) for row in doc["shards"]),
            lanes=doc.get("lanes", 1),
        )


def _shard_row(s: Shard) -> list[Any]:
    row = [s.shard_id, s.parent, s.created_at, s.start, s.end, s.count, s.trimmed_to]
    return [*row, s.lane] if s.lane else row


LANE_KIND = "stream-lane"
"""Documents holding one lane's open shard and counter, named `lane_name(arn, lane)`."""


@dataclass(frozen=True, slots=True)
class LaneState:
    """One lane of a stream of several: its open shard and the next sequence number."""

    shard_id: str
    created_at: float
    next_seq: int
    count: int
    policy: StreamPolicy
    """The stream's rollover policy (a copy: a write reads no other document)."""
    lanes: int
    """The stream's lanes: the step from one of the lane's sequence numbers to the next."""

    def to_document(self) -> dict[str, Any]:
        """The lane's document: a storage `Counter`, with which a write numbers its record
        and stores it in the lane's open shard in one step (`WriteTxn.append_numbered`),
        due exactly when the shard is due to roll over (`shard_due`); and what rolling it
        over needs."""
        seconds, records = self.policy.shard_seconds, self.policy.shard_records
        counter = Counter(
            partition=self.shard_id,
            next=self.next_seq,
            step=self.lanes,
            count=self.count,
            until=self.created_at + seconds,
            limit=records,
        )
        return {**counter.fields(), "created_at": self.created_at, "policy": [seconds, records]}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> LaneState:
        seconds, records = doc["policy"]
        return cls(
            doc["partition"], doc["created_at"], doc["next"], doc["count"],
            StreamPolicy(seconds, records), doc["step"],
        )  # fmt: skip


def lane_name(arn: str, lane: int) -> str:
    return f"{arn}#{lane}"


def lane_of(partition_key: Any, lanes: int) -> int:
    """The lane of every record of the items whose partition key attribute is
    `partition_key` (its wire AttributeValue): the same on every node and in every
    process (crc32 of its JSON, not Python's salted `hash`)."""
    return zlib.crc32(orjson.dumps(partition_key, option=orjson.OPT_SORT_KEYS)) % lanes


def shard_due(policy: StreamPolicy, created_at: float, count: int, now: float) -> bool:
    """Whether an open shard holding `count` records is due to roll over."""
    return count > 0 and (
        now - created_at >= policy.shard_seconds
        or (policy.shard_records is not None and count >= policy.shard_records)
    )


def take_sequence_number(doc: dict[str, Any], now: float) -> tuple[str, int] | None:
    """Every write's fast path, on the stored document itself (changed in place): the open
    shard's id and the record's sequence number, counted; None when there is no open shard
    or it is due to roll over, which `lifecycle.rolled_over` handles on the typed model."""
    shards = doc["shards"]
    if not shards:
        return None
    shard_id, _parent, created_at, _start, end, count, _trimmed = shards[-1]
    if end is not None or shard_due(StreamPolicy(*doc["policy"]), created_at, count, now):
        return None
    seq: int = doc["next_seq"]
    doc["next_seq"] = seq + 1
    shards[-1][5] = count + 1
    return shard_id, seq


def records_id(stream: Stream) -> str:
    """Where a stream's records are stored (never removed with the table's own items)."""
    return records_location(stream.table_id, stream.label)


def records_location(table_id: str, label: str) -> str:
    return f"{table_id}/stream/{label}"


def seq_key(seq: int) -> bytes:
    return number_key(seq)  # as `append_numbered` keys a lane's records


def seq_of_key(key: bytes) -> int:
    return int.from_bytes(key, "big")


def seq_to_wire(seq: int) -> str:
    return str(_WIRE_OFFSET + seq)


def seq_from_wire(text: str) -> int | None:
    """The sequence number a client sent, or None if it is not one of ours."""
    if not (21 <= len(text) <= 40) or not text.isdigit():
        return None
    seq = int(text) - _WIRE_OFFSET
    return seq if 0 < seq < 2**63 else None


def shard_id(created_at: float, suffix: str) -> str:
    """AWS's shape: `shardId-<20-digit creation time in ms>-<8 hex digits>`."""
    return f"shardId-{int(created_at * 1000):020d}-{suffix}"
