"""The signed request sets: what they address, and that they are real SigV4 requests."""

from __future__ import annotations

import hashlib
import hmac
import json

from loadbench.dataset import ATTRIBUTES, QUERY_PARTITION_ITEMS, Dataset, make_item, player_id
from loadbench.scenarios import Identity, RequestBook
from loadbench.signing import Credentials, RequestSigner

ENDPOINT = "http://127.0.0.1:8123"
ADMIN = Credentials("AKIDEXAMPLE", "secret")


def _split(raw: bytes) -> tuple[dict[str, str], dict]:  # type: ignore[type-arg]
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")[1:]
    headers = dict(line.split(": ", 1) for line in lines)
    return headers, json.loads(body)


def test_dataset_has_twenty_item_partitions_for_query_and_four_games_otherwise() -> None:
    dataset = Dataset(players=10, query_players=3)
    keys = list(dataset.all_keys())
    assert len(keys) == dataset.item_count() == 3 * QUERY_PARTITION_ITEMS + 7 * 4
    assert len(set(keys)) == len(keys)
    assert sum(1 for k in keys if k.player == player_id(2)) == QUERY_PARTITION_ITEMS
    # Only the GameRole policy's attributes, so a session may write whole items.
    assert tuple(make_item(keys[0])) == ATTRIBUTES


def _sigv4(secret: str, region: str, headers: dict[str, str], body: bytes) -> str:
    """The signature, computed from scratch as AWS documents it ("Create a signed AWS API
    request", IAM User Guide), from the headers the request itself names as signed."""
    fields = dict(
        part.strip().split("=", 1) for part in headers["Authorization"].split(" ", 1)[1].split(",")
    )
    signed = fields["SignedHeaders"].split(";")
    lower = {k.lower(): v.strip() for k, v in headers.items()}
    header_lines = [f"{h}:{lower[h]}" for h in signed]
    payload_hash = hashlib.sha256(body).hexdigest()
    canonical = "\n".join(["POST", "/", "", *header_lines, "", ";".join(signed), payload_hash])
    date = lower["x-amz-date"][:8]
    scope = f"{date}/{region}/dynamodb/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            lower["x-amz-date"],
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = ("AWS4" + secret).encode()
    for part in (date, region, "dynamodb", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def test_requests_carry_a_valid_sigv4_signature() -> None:
    signer = RequestSigner(ENDPOINT, "us-east-1", ADMIN)
    book = RequestBook(Dataset(players=20, query_players=5), size=50)
    planned = book.requests(Identity("admin", [signer], False), "get")[0]
    headers, body = _split(planned.raw)

    assert headers["X-Amz-Target"] == "DynamoDB_20120810.GetItem"
    assert body["ProjectionExpression"] == ", ".join(ATTRIBUTES)
    assert body["Key"]["UserId"] == {"S": planned.key.player}
    raw_body = planned.raw.partition(b"\r\n\r\n")[2]
    signature = headers["Authorization"].rpartition("Signature=")[2]
    assert signature == _sigv4("secret", "us-east-1", headers, raw_body)
    assert signature != _sigv4("other-secret", "us-east-1", headers, raw_body)


def test_gamerole_sessions_only_address_their_own_partition() -> None:
    sessions = [
        RequestSigner(ENDPOINT, "us-east-1", Credentials(f"ASIA{i}", "s", f"token-{i}"))
        for i in range(3)
    ]
    identity = Identity("GameRole", sessions, own_partition_only=True)
    book = RequestBook(Dataset(players=50, query_players=10), size=60)
    for op in ("get", "put", "query", "mix"):
        for planned in book.requests(identity, op):
            headers, body = _split(planned.raw)
            index = int(planned.key.player.rpartition("-")[2])
            assert index < 3
            assert headers["X-Amz-Security-Token"] == f"token-{index}"
            partition = (
                body.get("Key", body.get("Item", {})).get("UserId")
                or body["ExpressionAttributeValues"][":player"]
            )
            assert partition == {"S": planned.key.player}


def test_mix_is_eighty_percent_reads_and_reuses_the_signed_sets() -> None:
    identity = Identity("admin", [RequestSigner(ENDPOINT, "us-east-1", ADMIN)], False)
    book = RequestBook(Dataset(players=20, query_players=5), size=100)
    mix = book.requests(identity, "mix")
    assert sum(1 for p in mix if p.op == "get") == 80
    assert sum(1 for p in mix if p.op == "put") == 20
    gets = {p.raw for p in book.requests(identity, "get")}
    assert all(p.raw in gets for p in mix if p.op == "get")


def test_a_new_endpoint_gets_freshly_signed_requests() -> None:
    book = RequestBook(Dataset(players=20, query_players=5), size=5)
    first = Identity("admin", [RequestSigner(ENDPOINT, "us-east-1", ADMIN)], False)
    other = Identity("admin", [RequestSigner("http://127.0.0.1:9999", "us-east-1", ADMIN)], False)
    assert book.requests(first, "get") is book.requests(first, "get")
    moved = book.requests(other, "get")
    assert all(b"Host: 127.0.0.1:9999\r\n" in p.raw for p in moved)


def test_sessions_minted_by_another_server_get_their_own_signatures() -> None:
    """Each dynafed target mints its own GameRole sessions on one shared port: a set signed
    with the previous server's sessions would be refused by the next one."""
    book = RequestBook(Dataset(players=20, query_players=5), size=5)
    same_admin = Identity("admin", [RequestSigner(ENDPOINT, "us-east-1", ADMIN)], False)
    assert book.requests(same_admin, "get") is book.requests(
        Identity("admin", [RequestSigner(ENDPOINT, "us-east-1", ADMIN)], False), "get"
    )
    first = Credentials("ASIAFIRSTSERVER00001", "first-secret", "first-token")
    second = Credentials("ASIASECONDSERVER0001", "second-secret", "second-token")
    on_first = book.requests(
        Identity("GameRole", [RequestSigner(ENDPOINT, "us-east-1", first)], True), "get"
    )
    on_second = book.requests(
        Identity("GameRole", [RequestSigner(ENDPOINT, "us-east-1", second)], True), "get"
    )
    assert all(b"Credential=ASIAFIRSTSERVER00001/" in p.raw for p in on_first)
    assert all(b"Credential=ASIASECONDSERVER0001/" in p.raw for p in on_second)
