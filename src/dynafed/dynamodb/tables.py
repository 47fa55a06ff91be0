"""The table metadata model: what CreateTable defines and every other operation reads.

A table is stored as one storage document (kind `table`, name = `<region>/<table name>`:
tables are regional, as on AWS, and the same name may exist in several regions). Its items live
under the table's `table_id`, a fresh UUID per CreateTable, so a table deleted and created
again under the same name starts empty even if the old items were not yet purged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from dynafed.dynamodb.requests import KeySchemaElement

DOCUMENT_KIND = "table"

HASH = "HASH"
RANGE = "RANGE"
PROVISIONED = "PROVISIONED"
PAY_PER_REQUEST = "PAY_PER_REQUEST"


@dataclass(frozen=True, slots=True)
class KeySchema:
    """A table's or index's key attributes, in KeySchema order.

    A table and a local index have one HASH and at most one RANGE attribute. A global index
    may have up to four of each ("multi-attribute keys", DynamoDB Developer Guide, "Using
    Global Secondary Indexes: Multi-attribute key schema"): `hash_key`/`range_key` are the
    first of each, `extra_hash_keys`/`extra_range_keys` the others, in order.
    """

    hash_key: str
    range_key: str | None = None
    extra_hash_keys: tuple[str, ...] = ()
    extra_range_keys: tuple[str, ...] = ()

    @property
    def hash_keys(self) -> tuple[str, ...]:
        return (self.hash_key, *self.extra_hash_keys)

    @property
    def range_keys(self) -> tuple[str, ...]:
        return () if self.range_key is None else (self.range_key, *self.extra_range_keys)

    @property
    def is_multi_attribute(self) -> bool:
        """Whether the partition or the sort key is made of more than one attribute."""
        return bool(self.extra_hash_keys or self.extra_range_keys)

    @property
    def names(self) -> tuple[str, ...]:
        if not self.is_multi_attribute:
            return (self.hash_key,) if self.range_key is None else (self.hash_key, self.range_key)
        return (*self.hash_keys, *self.range_keys)

    def to_wire(self) -> list[dict[str, str]]:
        wire = [{"AttributeName": name, "KeyType": HASH} for name in self.hash_keys]
        wire.extend({"AttributeName": name, "KeyType": RANGE} for name in self.range_keys)
        return wire

    @classmethod
    def from_wire(cls, elements: list[KeySchemaElement]) -> KeySchema:
        """From an already validated KeySchema list (its HASH elements, then its RANGE ones)."""
        hash_keys = [e["AttributeName"] for e in elements if e["KeyType"] == HASH]
        range_keys = [e["AttributeName"] for e in elements if e["KeyType"] == RANGE]
        return cls(
            hash_keys[0],
            range_keys[0] if range_keys else None,
            tuple(hash_keys[1:]),
            tuple(range_keys[1:]),
        )


@dataclass(frozen=True, slots=True)
class Projection:
    type: str
    """ALL, KEYS_ONLY or INCLUDE."""
    non_key_attributes: tuple[str, ...] = ()

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"ProjectionType": self.type}
        if self.non_key_attributes:
            wire["NonKeyAttributes"] = list(self.non_key_attributes)
        return wire


@dataclass(frozen=True, slots=True)
class Throughput:
    read: int = 0
    write: int = 0
    last_increase: float | None = None
    last_decrease: float | None = None
    decreases_today: int = 0

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {}
        if self.last_increase is not None:
            wire["LastIncreaseDateTime"] = self.last_increase
        if self.last_decrease is not None:
            wire["LastDecreaseDateTime"] = self.last_decrease
        wire["NumberOfDecreasesToday"] = self.decreases_today
        wire["ReadCapacityUnits"] = self.read
        wire["WriteCapacityUnits"] = self.write
        return wire

    def changed_to(self, read: int, write: int, now: float) -> Throughput:
        """The throughput after an UpdateTable to `read`/`write` at time `now`."""
        increased = read > self.read or write > self.write
        decreased = read < self.read or write < self.write
        return Throughput(
            read=read,
            write=write,
            last_increase=now if increased else self.last_increase,
            last_decrease=now if decreased else self.last_decrease,
            decreases_today=self.decreases_today + (1 if decreased else 0),
        )


@dataclass(frozen=True, slots=True)
class RequestLimits:
    """`OnDemandThroughput`: the most read and write request units per second an on-demand
    table or index may use (absent or -1: no limit). Stored and described; not enforced."""

    max_read: int | None = None
    max_write: int | None = None


@dataclass(frozen=True, slots=True)
class WarmThroughput:
    """`WarmThroughput`: the read and write units per second the table or index is prepared
    for. Stored and described; dynafed has no cold state to warm."""

    read: int | None = None
    write: int | None = None


@dataclass(frozen=True, slots=True)
class Encryption:
    """`SSESpecification` with `Enabled`: a KMS key (or AES256) the table is said to be
    encrypted with. Without it the table uses an AWS owned key, as on AWS, and DescribeTable
    shows no `SSEDescription`. dynafed's data files are protected by file permissions."""

    sse_type: str
    kms_key_arn: str | None


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    key_schema: KeySchema
    projection: Projection
    throughput: Throughput | None = None
    """Global secondary indexes only (zeros on an on-demand table)."""
    status: str = "ACTIVE"
    on_demand: RequestLimits | None = None
    warm: WarmThroughput | None = None
    """CREATING while a global index added by UpdateTable is being backfilled."""


@dataclass(frozen=True, slots=True)
class Stream:
    view_type: str
    label: str
    arn: str
    lanes: int = 1
    """Open shards the stream keeps at once (`streams.model`): writes find their record's
    lane here, without reading the stream's own document."""


@dataclass(frozen=True, slots=True)
class PointInTimeRecovery:
    """Point-in-time recovery switched on (UpdateContinuousBackups): since when, and how many
    days back a restore may reach (`RecoveryPeriodInDays`). Kept by `point_in_time`."""

    enabled_at: float
    period_days: int


@dataclass(frozen=True, slots=True)
class TimeToLive:
    enabled: bool = False
    attribute_name: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    table_id: str
    arn: str
    created_at: float
    attribute_types: dict[str, str]
    """Attribute name -> S, N or B, for every key attribute of the table and its indexes."""
    key_schema: KeySchema
    billing_mode: str = PROVISIONED
    billing_mode_given: bool = False
    """DescribeTable shows BillingModeSummary only once a billing mode was asked for."""
    pay_per_request_since: float | None = None
    throughput: Throughput = field(default_factory=Throughput)
    local_indexes: tuple[Index, ...] = ()
    global_indexes: tuple[Index, ...] = ()
    stream: Stream | None = None
    ended_stream: Stream | None = None
    """The latest stream once UpdateTable disabled it: DescribeTable still names it
    (`LatestStreamArn`, `LatestStreamLabel`) with no `StreamSpecification`, as AWS does."""
    time_to_live: TimeToLive = field(default_factory=TimeToLive)
    tags: dict[str, str] = field(default_factory=dict)
    deletion_protection: bool = False
    table_class: str | None = None
    encryption: Encryption | None = None
    on_demand: RequestLimits | None = None
    warm: WarmThroughput | None = None
    point_in_time: PointInTimeRecovery | None = None

    def key_type(self, attribute: str) -> str:
        return self.attribute_types[attribute]

    def index(self, name: str) -> Index | None:
        for index in (*self.local_indexes, *self.global_indexes):
            if index.name == name:
                return index
        return None

    @property
    def region(self) -> str:
        """The region the table lives in: its ARN's."""
        return self.arn.split(":", 4)[3]

    @property
    def key(self) -> str:
        """Its storage document's name (`table_key`)."""
        return table_key(self.region, self.name)

    def index_arn(self, index_name: str) -> str:
        return f"{self.arn}/index/{index_name}"

    def with_changes(self, **changes: Any) -> Table:
        return replace(self, **changes)

    # --- storage document ---------------------------------------------------------------

    def to_document(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "table_id": self.table_id,
            "arn": self.arn,
            "created_at": self.created_at,
            "attribute_types": dict(self.attribute_types),
            "key_schema": _schema_doc(self.key_schema),
            "billing_mode": self.billing_mode,
            "billing_mode_given": self.billing_mode_given,
            "pay_per_request_since": self.pay_per_request_since,
            "throughput": _throughput_doc(self.throughput),
            "local_indexes": [_index_doc(index) for index in self.local_indexes],
            "global_indexes": [_index_doc(index) for index in self.global_indexes],
            "stream": None if self.stream is None else _stream_doc(self.stream),
            "ended_stream": None if self.ended_stream is None else _stream_doc(self.ended_stream),
            "time_to_live": {
                "enabled": self.time_to_live.enabled,
                "attribute_name": self.time_to_live.attribute_name,
            },
            "tags": [[key, value] for key, value in self.tags.items()],
            "deletion_protection": self.deletion_protection,
            "table_class": self.table_class,
            "encryption": None if self.encryption is None else _encryption_doc(self.encryption),
            "on_demand": _pair_doc(self.on_demand),
            "warm": _pair_doc(self.warm),
            "point_in_time": None
            if self.point_in_time is None
            else [self.point_in_time.enabled_at, self.point_in_time.period_days],
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Table:
        stream = doc.get("stream")
        ended_stream = doc.get("ended_stream")
        ttl = doc.get("time_to_live") or {}
        return cls(
            name=doc["name"],
            table_id=doc["table_id"],
            arn=doc["arn"],
            created_at=doc["created_at"],
            attribute_types=dict(doc["attribute_types"]),
            key_schema=_schema_from_doc(doc["key_schema"]),
            billing_mode=doc["billing_mode"],
            billing_mode_given=doc.get("billing_mode_given", False),
            pay_per_request_since=doc.get("pay_per_request_since"),
            throughput=_throughput_from_doc(doc["throughput"]),
            local_indexes=tuple(_index_from_doc(i) for i in doc.get("local_indexes", [])),
            global_indexes=tuple(_index_from_doc(i) for i in doc.get("global_indexes", [])),
            stream=None if stream is None else Stream(**stream),
            ended_stream=None if ended_stream is None else Stream(**ended_stream),
            time_to_live=TimeToLive(
                enabled=ttl.get("enabled", False), attribute_name=ttl.get("attribute_name")
            ),
            tags={key: value for key, value in doc.get("tags", [])},
            deletion_protection=doc.get("deletion_protection", False),
            table_class=doc.get("table_class"),
            encryption=_encryption_from_doc(doc.get("encryption")),
            on_demand=_pair_from_doc(RequestLimits, doc.get("on_demand")),
            warm=_pair_from_doc(WarmThroughput, doc.get("warm")),
            point_in_time=_point_in_time_from_doc(doc.get("point_in_time")),
        )


def _point_in_time_from_doc(doc: list[Any] | None) -> PointInTimeRecovery | None:
    return None if doc is None else PointInTimeRecovery(float(doc[0]), int(doc[1]))


TABLE_ARN = re.compile(
    r"arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table/([a-zA-Z0-9_.-]{3,255})"
)
"""A table's ARN, which DynamoDB accepts wherever a request names a table."""


def referenced_table_key(reference: str, region: str, account_id: str) -> str:
    """The storage key of the table a request's `TableName` names: a name, of the request's
    region and account, or a table ARN. An ARN of another region or account names no table
    here: its key is one no table has (names hold no `:`), and the caller's authorizer
    refuses another account's ARN before anything is read."""
    if not reference.startswith("arn:"):
        return table_key(region, reference)
    match = TABLE_ARN.fullmatch(reference)
    if match is None or match.group(1) != region or match.group(2) != account_id:
        return table_key(region, reference)
    return table_key(region, match.group(3))


def referenced_table_arn(reference: str, region: str, account_id: str) -> str:
    """The ARN of the table a request's `TableName` names (an ARN stands for itself)."""
    if reference.startswith("arn:"):
        return reference
    return table_arn(region, account_id, reference)


def table_key(region: str, name: str) -> str:
    """The name of a table's storage document: region and table name. `/` never occurs in
    either, so the key is unambiguous and a region's tables share the prefix `<region>/`."""
    return f"{region}/{name}"


def table_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account_id}:table/{name}"


def _schema_doc(schema: KeySchema) -> list[Any]:
    """`[hash, range]`; a multi-attribute key appends its further HASH and RANGE attributes
    (`[hash, range, [hash...], [range...]]`), so single-attribute documents are unchanged."""
    if not schema.is_multi_attribute:
        return [schema.hash_key, schema.range_key]
    extra = [list(schema.extra_hash_keys), list(schema.extra_range_keys)]
    return [schema.hash_key, schema.range_key, *extra]


def _schema_from_doc(doc: list[Any]) -> KeySchema:
    hash_key, range_key, *extra = doc
    assert isinstance(hash_key, str)
    if not extra:
        return KeySchema(hash_key, range_key)
    extra_hash, extra_range = extra
    return KeySchema(hash_key, range_key, tuple(extra_hash), tuple(extra_range))


def _throughput_doc(throughput: Throughput) -> dict[str, Any]:
    return {
        "read": throughput.read,
        "write": throughput.write,
        "last_increase": throughput.last_increase,
        "last_decrease": throughput.last_decrease,
        "decreases_today": throughput.decreases_today,
    }


def _throughput_from_doc(doc: dict[str, Any]) -> Throughput:
    return Throughput(**doc)


def _index_doc(index: Index) -> dict[str, Any]:
    return {
        "name": index.name,
        "key_schema": _schema_doc(index.key_schema),
        "projection": [index.projection.type, list(index.projection.non_key_attributes)],
        "throughput": None if index.throughput is None else _throughput_doc(index.throughput),
        "status": index.status,
        "on_demand": _pair_doc(index.on_demand),
        "warm": _pair_doc(index.warm),
    }


def _index_from_doc(doc: dict[str, Any]) -> Index:
    projection_type, non_key = doc["projection"]
    throughput = doc.get("throughput")
    return Index(
        name=doc["name"],
        key_schema=_schema_from_doc(doc["key_schema"]),
        projection=Projection(projection_type, tuple(non_key)),
        throughput=None if throughput is None else _throughput_from_doc(throughput),
        status=doc.get("status", "ACTIVE"),
        on_demand=_pair_from_doc(RequestLimits, doc.get("on_demand")),
        warm=_pair_from_doc(WarmThroughput, doc.get("warm")),
    )


_Pair = TypeVar("_Pair", RequestLimits, WarmThroughput)


def _pair_doc(pair: RequestLimits | WarmThroughput | None) -> list[int | None] | None:
    if pair is None:
        return None
    if isinstance(pair, RequestLimits):
        return [pair.max_read, pair.max_write]
    return [pair.read, pair.write]


def _pair_from_doc(kind: type[_Pair], doc: list[int | None] | None) -> _Pair | None:
    return None if doc is None else kind(*doc)


def _encryption_doc(encryption: Encryption) -> list[str | None]:
    return [encryption.sse_type, encryption.kms_key_arn]


def _encryption_from_doc(doc: list[str | None] | None) -> Encryption | None:
    if doc is None:
        return None
    sse_type, key_arn = doc
    assert sse_type is not None
    return Encryption(sse_type, key_arn)


def _stream_doc(stream: Stream) -> dict[str, Any]:
    doc: dict[str, Any] = {"view_type": stream.view_type, "label": stream.label, "arn": stream.arn}
    if stream.lanes != 1:
        doc["lanes"] = stream.lanes
    return doc
