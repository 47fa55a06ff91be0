"""Scenarios (operation x identity) and the signed requests each one replays.

Operations: `get` (GetItem), `put` (PutItem overwriting an existing item with one of the same
size, so the table does not grow), `query` (Query of one whole 20-item partition), `mix` (80 %
GetItem / 20 % PutItem, shuffled). Reads project the GameRole policy's attributes, for every
identity and target alike, so the bytes on the wire are the same everywhere.

An identity is the admin key (may touch any partition) or a set of GameRole web-identity
sessions, one per player, each touching only its own partition as the policy demands.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from loadbench.dataset import (
    PARTITION_KEY,
    PROJECTION,
    QUERY_PARTITION_ITEMS,
    TABLE,
    Dataset,
    Item,
    Key,
    make_item,
    player_id,
)
from loadbench.signing import REUSE_SIGNATURES_FOR_S, RequestSigner

OPERATIONS = ("get", "put", "query", "mix")
MIX_READ_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    op: str
    """"get", "put" or "query"."""
    key: Key
    """For a query, the partition's player with an empty title."""
    raw: bytes
    item: Item | None = None
    """What a put writes."""


@dataclass
class Identity:
    name: str
    """"admin" or "GameRole"."""
    signers: Sequence[RequestSigner]
    own_partition_only: bool
    """True: signers[i] is player i's session and may only address player i's partition."""

    def players(self, dataset: Dataset) -> int:
        return len(self.signers) if self.own_partition_only else dataset.players

    def signer_for(self, player_index: int) -> RequestSigner:
        return self.signers[player_index] if self.own_partition_only else self.signers[0]


@dataclass(frozen=True, slots=True)
class _SignedSet:
    endpoint: str
    keys: tuple[str, ...]
    """The signers' access key ids: another server's sessions need their own signatures."""
    signed_at: float
    requests: list[PlannedRequest]

    def age_s(self) -> float:
        return time.monotonic() - self.signed_at


@dataclass
class RequestBook:
    """Signs each identity's get/put/query sets once and composes `mix` from them. A set is
    signed again for another endpoint (the Host header is signed), other credentials (each
    server mints its own GameRole sessions) or when it grows old."""

    dataset: Dataset
    size: int
    seed: int = 1
    _sets: dict[tuple[str, str], _SignedSet] = field(default_factory=dict)

    def requests(self, identity: Identity, op: str) -> list[PlannedRequest]:
        if op == "mix":
            return self._mix(identity)
        endpoint = identity.signers[0].endpoint
        keys = tuple(signer.access_key_id for signer in identity.signers)
        cached = self._sets.get((identity.name, op))
        if (
            cached is None
            or cached.endpoint != endpoint
            or cached.keys != keys
            or cached.age_s() > REUSE_SIGNATURES_FOR_S
        ):
            cached = _SignedSet(endpoint, keys, time.monotonic(), self._sign(identity, op))
            self._sets[(identity.name, op)] = cached
        return cached.requests

    def _sign(self, identity: Identity, op: str) -> list[PlannedRequest]:
        rng = random.Random(f"{self.seed}/{identity.name}/{op}")
        players = identity.players(self.dataset)
        builders = {"get": _get, "put": _put, "query": _query}
        return [builders[op](self.dataset, identity, players, rng) for _ in range(self.size)]

    def _mix(self, identity: Identity) -> list[PlannedRequest]:
        reads = self.requests(identity, "get")
        writes = self.requests(identity, "put")
        rng = random.Random(f"{self.seed}/{identity.name}/mix")
        n_reads = round(self.size * MIX_READ_SHARE)
        mixed = rng.sample(reads, n_reads) + rng.sample(writes, self.size - n_reads)
        rng.shuffle(mixed)
        return mixed


def _player_index(key: Key) -> int:
    return int(key.player.rpartition("-")[2])


def _get(dataset: Dataset, identity: Identity, players: int, rng: random.Random) -> PlannedRequest:
    key = dataset.random_key(rng, among_players=players)
    signer = identity.signer_for(_player_index(key))
    signed = signer.sign(
        "GetItem", TableName=TABLE, Key=key.as_attributes(), ProjectionExpression=PROJECTION
    )
    return PlannedRequest("get", key, signed.raw)


def _put(dataset: Dataset, identity: Identity, players: int, rng: random.Random) -> PlannedRequest:
    key = dataset.random_key(rng, among_players=players)
    item = make_item(key, version=rng.randrange(1, 1_000_000))
    signed = identity.signer_for(_player_index(key)).sign("PutItem", TableName=TABLE, Item=item)
    return PlannedRequest("put", key, signed.raw, item)


def _query(
    dataset: Dataset, identity: Identity, players: int, rng: random.Random
) -> PlannedRequest:
    index = rng.randrange(min(players, dataset.query_players))
    params: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": f"{PARTITION_KEY} = :player",
        "ExpressionAttributeValues": {":player": {"S": player_id(index)}},
        "ProjectionExpression": PROJECTION,
        "Limit": QUERY_PARTITION_ITEMS,
    }
    signed = identity.signer_for(index).sign("Query", **params)
    return PlannedRequest("query", Key(player_id(index), ""), signed.raw)
