"""Errors of the single-item operations as clients see them: SerializationException for
bodies of the wrong JSON types (sent signed, byte for byte, as no SDK would send them),
ValidationException for table names and keys, ResourceNotFoundException, the wire shape of
error bodies, and no half-written item after any failed write.

Error shapes follow the API reference "Common Errors" and "Error handling with DynamoDB"
(HTTP 400, a JSON body with `__type` and `message`)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.support.dynamodb_tables import create_table, error_of, raw_client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def raw(server: ServerProcess) -> Any:
    """A client without botocore's parameter validation, to reach the server's own."""
    return raw_client(server)


SERIALIZATION = "com.amazon.coral.service#SerializationException"
VALIDATION = "com.amazon.coral.validate#ValidationException"
NOT_MATCHING = "The provided key element does not match the schema"


@pytest.fixture(scope="module")
def table(dynamodb: Any) -> str:
    return create_table(dynamodb, "Errors", ("pk", "S"), ("sk", "N"))


def signed_post(server: ServerProcess, operation: str, body: bytes) -> requests.Response:
    """A correctly signed DynamoDB request carrying exactly `body`."""
    request = AWSRequest(
        method="POST",
        url=server.endpoint + "/",
        data=body,
        headers={
            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    SigV4Auth(
        Credentials(server.access_key, server.secret_key), "dynamodb", server.region
    ).add_auth(request)
    session = requests.Session()
    session.trust_env = False
    return session.post(request.url, data=request.body, headers=dict(request.headers), timeout=10)


def key(pk: str = "p", sk: str = "1") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": sk}}


def new_key() -> dict[str, Any]:
    return key(f"p-{uuid.uuid4().hex[:8]}")


# --- SerializationException ---------------------------------------------------------------

# (operation, body with {table} for the table name, message)
WRONG_TYPES: list[tuple[str, str, str]] = [
    ("GetItem", '{"TableName": 5, "Key": {}}', "NUMBER_VALUE cannot be converted to String"),
    ("GetItem", '{"TableName": "{table}", "Key": []}', "Unrecognized collection type "
     "java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"),
    ("GetItem", '{"TableName": "{table}", "Key": {"pk": "p"}}', "Unexpected value type in "
     "payload"),
    ("GetItem", '{"TableName": "{table}", "Key": {"pk": {"S": 5}}}', "NUMBER_VALUE cannot be "
     "converted to String"),
    ("GetItem", '{"TableName": "{table}", "Key": {"pk": {"S": "p"}}, "ConsistentRead": "yes"}',
     "Unexpected token received from parser"),
    ("GetItem", '{"TableName": "{table}", "Key": {"pk": {"S": "p"}}, "ConsistentRead": 1}',
     "NUMBER_VALUE cannot be converted to Boolean"),
    ("GetItem", '{"TableName": "{table}", "Key": {}, "AttributesToGet": "a"}', "Unexpected "
     "field type"),
    ("GetItem", '{"TableName": "{table}", "Key": {}, "AttributesToGet": {"a": 1}}', "Start of "
     "structure or map found where not expected"),
    ("PutItem", '{"TableName": "{table}", "Item": {"b": {"B": "!!!!"}}}', "Invalid Base64 "
     "character: '!'"),
    ("PutItem", '{"TableName": "{table}", "Item": {"b": {"B": "abc"}}}', "Base64 encoded "
     "length is expected a multiple of 4 bytes but found: 3"),
    ("PutItem", '{"TableName": "{table}", "Item": {"s": {"SS": "a"}}}', "Unexpected field "
     "type"),
    ("PutItem", '{"TableName": "{table}", "Item": {"l": {"L": {}}}}', "Start of structure or "
     "map found where not expected"),
    ("PutItem", '{"TableName": "{table}", "Item": {"t": {"BOOL": 1}}}', "NUMBER_VALUE cannot "
     "be converted to Boolean"),
    ("PutItem", '{"TableName": "{table}", "Item": {"n": {"N": 1.5}}}', "DECIMAL_VALUE cannot "
     "be converted to String"),
    ("PutItem", '{"TableName": "{table}", "Item": {"n": {"N": true}}}', "TRUE_VALUE cannot be "
     "converted to String"),
    ("PutItem", '{"TableName": "{table}", "Item": {}, "ReturnValues": 3}', "NUMBER_VALUE "
     "cannot be converted to String"),
    ("UpdateItem", '{"TableName": "{table}", "Key": {}, "UpdateExpression": ["SET a = b"]}',
     "Unrecognized collection type class java.lang.String"),
    ("DeleteItem", '{"TableName": "{table}", "Key": {}, "Expected": {"a": {"Exists": "no"}}}',
     "Unexpected token received from parser"),
]  # fmt: skip


@pytest.mark.parametrize(("operation", "body", "message"), WRONG_TYPES)
def test_wrong_json_types_are_serialization_errors(
    server: ServerProcess, table: str, operation: str, body: str, message: str
) -> None:
    reply = signed_post(server, operation, body.replace("{table}", table).encode())
    assert reply.status_code == 400
    assert reply.headers["content-type"].startswith("application/x-amz-json-1.0")
    assert reply.json() == {"__type": SERIALIZATION, "message": message}


@pytest.mark.parametrize("body", [b'{"TableName": "x", "Item": {', b"[1, 2]", b"\xff\xfe"])
def test_malformed_bodies_are_serialization_errors(server: ServerProcess, body: bytes) -> None:
    reply = signed_post(server, "PutItem", body)
    assert reply.status_code == 400
    assert reply.json()["__type"] == SERIALIZATION


def test_validation_errors_have_the_same_wire_shape(server: ServerProcess) -> None:
    reply = signed_post(server, "GetItem", b'{"TableName": "ab", "Key": {}}')
    assert reply.status_code == 400
    assert reply.json() == {
        "__type": VALIDATION,
        "message": "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 3",
    }


@pytest.mark.parametrize("levels", [40, 300])
def test_absurdly_deep_values_are_refused_not_crashed_on(
    server: ServerProcess, table: str, levels: int
) -> None:
    value = '{"S": "leaf"}'
    for _ in range(levels):
        value = '{"L": [' + value + "]}"
    body = '{"TableName": "%s", "Item": {"pk": {"S": "p"}, "sk": {"N": "1"}, "d": %s}}'
    reply = signed_post(server, "PutItem", (body % (table, value)).encode())
    assert reply.status_code == 400
    error = reply.json()
    assert error["__type"] == VALIDATION
    assert error["message"].startswith("Nesting Levels have exceeded supported limits")


# --- table names --------------------------------------------------------------------------


def name_errors(name: str, *constraints: str) -> str:
    count = len(constraints)
    listed = "; ".join(
        f"Value '{name}' at 'tableName' failed to satisfy constraint: {constraint}"
        for constraint in constraints
    )
    return f"{count} validation error{'s' if count > 1 else ''} detected: {listed}"


PATTERN = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
TOO_SHORT = "Member must have length greater than or equal to 3"
TOO_LONG = "Member must have length less than or equal to 255"
# The model types a data-plane TableName as TableArn (1 to 1024, no pattern); AWS reports a
# failure of that shape alone, before any table-name rule (conformance suite, recorded on AWS).
EMPTY = "Member must have length greater than or equal to 1"
BEYOND_ARN = "Member must have length less than or equal to 1024"


@pytest.mark.parametrize(
    ("name", "constraints"),
    [
        ("ab", (TOO_SHORT,)),
        ("Game Scores", (PATTERN,)),
        ("scores/2024", (PATTERN,)),
        ("a!", (PATTERN, TOO_SHORT)),
        ("x" * 256, (TOO_LONG,)),
        ("é" * 256, (PATTERN, TOO_LONG)),
        ("", (EMPTY,)),
        ("!" * 1025, (BEYOND_ARN,)),
    ],
)
@pytest.mark.parametrize("operation", ["get_item", "put_item", "update_item", "delete_item"])
def test_table_name_constraints(
    raw: Any, operation: str, name: str, constraints: tuple[str, ...]
) -> None:
    member = "Item" if operation == "put_item" else "Key"
    call = getattr(raw, operation)
    assert error_of(call, TableName=name, **{member: key()}) == (
        "ValidationException",
        name_errors(name, *constraints),
    )


def test_missing_required_members(raw: Any, table: str) -> None:
    assert error_of(raw.get_item, TableName=table) == (
        "ValidationException",
        "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member "
        "must not be null",
    )
    assert error_of(raw.put_item, TableName=table) == (
        "ValidationException",
        "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member "
        "must not be null",
    )
    assert error_of(raw.get_item) == (
        "ValidationException",
        "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null; Value null at 'key' failed to satisfy constraint: Member "
        "must not be null",
    )


@pytest.mark.parametrize("operation", ["get_item", "put_item", "update_item", "delete_item"])
def test_missing_table(dynamodb: Any, operation: str) -> None:
    member = "Item" if operation == "put_item" else "Key"
    missing = f"NoSuchTable-{uuid.uuid4().hex[:8]}"
    assert error_of(getattr(dynamodb, operation), TableName=missing, **{member: key()}) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_missing_table_error_body(server: ServerProcess) -> None:
    reply = signed_post(server, "GetItem", b'{"TableName": "NoSuchTable-x", "Key": {}}')
    assert reply.status_code == 400
    assert reply.json() == {
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found",
    }


# --- keys ---------------------------------------------------------------------------------

WRONG_KEYS: list[dict[str, Any]] = [
    {},
    {"pk": {"S": "p"}},  # sort key missing
    {"sk": {"N": "1"}},  # partition key missing
    {**key(), "extra": {"S": "x"}},  # a non-key attribute
    {"pk": {"S": "p"}, "sk": {"S": "1"}},  # sort key of the wrong type
    {"pk": {"N": "1"}, "sk": {"N": "1"}},  # partition key of the wrong type
    {"PK": {"S": "p"}, "sk": {"N": "1"}},  # names are case sensitive
]


@pytest.mark.parametrize("wrong", WRONG_KEYS)
@pytest.mark.parametrize("operation", ["get_item", "update_item", "delete_item"])
def test_keys_that_do_not_match_the_schema(
    dynamodb: Any, table: str, operation: str, wrong: dict[str, Any]
) -> None:
    assert error_of(getattr(dynamodb, operation), TableName=table, Key=wrong) == (
        "ValidationException",
        NOT_MATCHING,
    )


def test_items_missing_their_key(dynamodb: Any, table: str) -> None:
    prefix = "One or more parameter values were invalid: "
    cases = [
        ({"pk": {"S": "p"}}, "Missing the key sk in the item"),
        ({"sk": {"N": "1"}, "a": {"S": "x"}}, "Missing the key pk in the item"),
        ({"pk": {"S": "p"}, "sk": {"S": "1"}}, "Type mismatch for key sk expected: N actual: S"),
    ]
    for item, message in cases:
        assert error_of(dynamodb.put_item, TableName=table, Item=item) == (
            "ValidationException",
            prefix + message,
        )


# --- nothing half-written -----------------------------------------------------------------


def stored(dynamodb: Any, table: str, item_key: dict[str, Any]) -> dict[str, Any] | None:
    item: dict[str, Any] | None = dynamodb.get_item(
        TableName=table, Key=item_key, ConsistentRead=True
    ).get("Item")
    return item


def test_a_failed_update_changes_nothing(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    original = {**item_key, "name": {"S": "ann"}, "wins": {"N": "1"}, "tags": {"SS": ["a"]}}
    dynamodb.put_item(TableName=table, Item=original)
    attempts: list[dict[str, Any]] = [
        # The first actions are valid; the last fails on the item's data.
        {
            "UpdateExpression": "SET wins = wins + :one, extra = :one REMOVE tags ADD #n :one",
            "ExpressionAttributeNames": {"#n": "name"},
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        },
        # Valid updates behind a condition that fails.
        {
            "UpdateExpression": "SET wins = :one",
            "ConditionExpression": "wins > :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        },
        # An update making the item too big.
        {
            "UpdateExpression": "SET extra = :big, wins = :one",
            "ExpressionAttributeValues": {":big": {"S": "x" * 409_600}, ":one": {"N": "9"}},
        },
        # A path that does not exist, after a valid SET.
        {
            "UpdateExpression": "SET wins = :one, nowhere.deeper = :one",
            "ExpressionAttributeValues": {":one": {"N": "7"}},
        },
    ]
    for attempt in attempts:
        error_of(dynamodb.update_item, TableName=table, Key=item_key, **attempt)
        assert stored(dynamodb, table, item_key) == original


def test_a_failed_write_creates_nothing(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    error_of(
        dynamodb.update_item,
        TableName=table,
        Key=item_key,
        UpdateExpression="SET a = :one, b = c + :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    error_of(
        dynamodb.put_item,
        TableName=table,
        Item={**item_key, "good": {"S": "fine"}, "bad": {"NS": ["1", "1"]}},
    )
    error_of(
        dynamodb.put_item,
        TableName=table,
        Item={**item_key, "good": {"S": "fine"}},
        ConditionExpression="attribute_exists(pk)",
    )
    assert stored(dynamodb, table, item_key) is None


def test_a_failed_put_leaves_the_old_item(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    original = {**item_key, "v": {"N": "1"}}
    dynamodb.put_item(TableName=table, Item=original)
    for bad in ({"N": "1E+126"}, {"SS": []}, {"S": "x" * 409_600}):
        error_of(dynamodb.put_item, TableName=table, Item={**item_key, "v": {"N": "2"}, "b": bad})
        assert stored(dynamodb, table, item_key) == original
    error_of(dynamodb.delete_item, TableName=table, Key=item_key, ConditionExpression="v > v2")
    assert stored(dynamodb, table, item_key) == original


def test_errors_do_not_leak_into_later_requests(dynamodb: Any, table: str) -> None:
    """After a burst of refused requests the same connection still serves valid ones."""
    item_key = new_key()
    for _ in range(5):
        error_of(dynamodb.put_item, TableName=table, Item={"pk": {"S": ""}, "sk": {"N": "1"}})
    dynamodb.put_item(TableName=table, Item={**item_key, "v": {"S": "ok"}})
    assert stored(dynamodb, table, item_key) == {**item_key, "v": {"S": "ok"}}


def test_json_numbers_in_the_request_are_exact(server: ServerProcess, table: str) -> None:
    """Numbers travel as strings: 38 digits survive the round trip unrounded."""
    digits = "12345678901234567890123456789012345678"
    item = {**new_key(), "n": {"N": digits}}
    body = json.dumps({"TableName": table, "Item": item}).encode()
    assert signed_post(server, "PutItem", body).status_code == 200
    got = signed_post(
        server,
        "GetItem",
        json.dumps({"TableName": table, "Key": {k: item[k] for k in ("pk", "sk")}}).encode(),
    )
    assert got.json()["Item"]["n"] == {"N": digits}
