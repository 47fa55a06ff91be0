"""Data types and limits end to end: every AttributeValue type, numbers (precision, range,
canonical form), sets, empty values, key types, item size, nesting depth, key sizes and
expression limits, through the real server with boto3.

Behaviour follows the Developer Guide pages "Supported data types and naming rules",
"DynamoDB item sizes and formats" and "Service, account, and table quotas" (numbers: 38
significant digits, magnitude 1E-130 to 9.9999999999999999999999999999999999999E+125; items
400 KB; 32 levels of nesting; partition keys 2048 bytes, sort keys 1024; expressions 4 KB,
300 operators, 100 IN operands)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.dynamodb_tables import create_table, error_of, index, raw_client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

INVALID = "One or more parameter values were invalid: "
NOT_VALID = "One or more parameter values are not valid. "
MAX_ITEM_BYTES = 400 * 1024


@pytest.fixture(scope="module")
def table(dynamodb: Any) -> str:
    """String partition key, and a global index on `gk` (string) to show index-key rules."""
    return create_table(
        dynamodb,
        "Types",
        ("pk", "S"),
        attributes={"gk": "S"},
        GlobalSecondaryIndexes=[index("ByGk", "gk", projection="KEYS_ONLY")],
    )


@pytest.fixture(scope="module")
def binary_table(dynamodb: Any) -> str:
    """Binary partition key, number sort key."""
    return create_table(dynamodb, "BinaryKeys", ("id", "B"), ("at", "N"))


def new_key() -> dict[str, Any]:
    return {"pk": {"S": f"k-{uuid.uuid4().hex[:8]}"}}


def round_trip(dynamodb: Any, table: str, **attributes: Any) -> dict[str, Any]:
    """Write an item with `attributes` and read it back (without its key)."""
    item_key = new_key()
    dynamodb.put_item(TableName=table, Item={**item_key, **attributes})
    item: dict[str, Any] = dynamodb.get_item(TableName=table, Key=item_key, ConsistentRead=True)[
        "Item"
    ]
    assert item.pop("pk") == item_key["pk"]
    return item


def refused(dynamodb: Any, table: str, **attributes: Any) -> tuple[str, str]:
    """The error of writing an item with `attributes`; the item must not exist after it."""
    item_key = new_key()
    error = error_of(dynamodb.put_item, TableName=table, Item={**item_key, **attributes})
    assert "Item" not in dynamodb.get_item(TableName=table, Key=item_key, ConsistentRead=True)
    return error


# --- types --------------------------------------------------------------------------------


def test_every_type_round_trips(dynamodb: Any, table: str) -> None:
    attributes = {
        "s": {"S": "text with ünïcödé ✓"},
        "n": {"N": "-12.5"},
        "b": {"B": bytes(range(256))},
        "yes": {"BOOL": True},
        "no": {"BOOL": False},
        "null": {"NULL": True},
        "ss": {"SS": ["a", "b", "c"]},
        "ns": {"NS": ["1", "-2.5", "1E+3"]},
        "bs": {"BS": [b"\x00", b"\xff"]},
        "m": {"M": {"inner": {"M": {}}, "list": {"L": [{"S": "x"}, {"N": "1"}, {"NULL": True}]}}},
        "l": {"L": [{"L": []}, {"M": {"k": {"BS": [b"z"]}}}, {"BOOL": False}]},
        "empty_map": {"M": {}},
        "empty_list": {"L": []},
    }
    got = round_trip(dynamodb, table, **attributes)
    assert got.keys() == attributes.keys()
    for name in ("s", "n", "b", "yes", "no", "null", "m", "l", "empty_map", "empty_list"):
        assert got[name] == attributes[name]
    # Sets have no order; numbers come back canonical.
    assert sorted(got["ss"]["SS"]) == ["a", "b", "c"]
    assert sorted(got["ns"]["NS"], key=float) == ["-2.5", "1", "1000"]
    assert sorted(got["bs"]["BS"]) == [b"\x00", b"\xff"]


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("1.50", "1.5"),
        ("+0.0", "0"),
        ("-0", "0"),
        ("00", "0"),
        ("0e500", "0"),
        ("-00012.3400", "-12.34"),
        ("1e3", "1000"),
        ("1.", "1"),
        ("-.5e-2", "-0.005"),
        ("1E-130", "0." + "0" * 129 + "1"),
        ("-1E-130", "-0." + "0" * 129 + "1"),
        ("9.9999999999999999999999999999999999999E+125", "9" * 38 + "0" * 88),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        ("0.12345678901234567890123456789012345678", "0.12345678901234567890123456789012345678"),
        # 38 significant digits followed by zeros: the zeros are not significant.
        ("1234567890123456789012345678901234567800000", "12345678901234567890123456789012345678"
         "00000"),
    ],
)  # fmt: skip
def test_numbers_come_back_canonical(dynamodb: Any, table: str, sent: str, stored: str) -> None:
    got = round_trip(dynamodb, table, n={"N": sent}, ns={"NS": [sent, "7"]})
    assert got["n"] == {"N": stored}
    assert sorted(got["ns"]["NS"]) == sorted([stored, "7"])


def test_numbers_as_keys_are_canonical(dynamodb: Any, binary_table: str) -> None:
    item_key = {"id": {"B": b"\x01"}, "at": {"N": "1.50"}}
    dynamodb.put_item(TableName=binary_table, Item={**item_key, "v": {"S": "x"}})
    same = {"id": {"B": b"\x01"}, "at": {"N": "15E-1"}}
    got = dynamodb.get_item(TableName=binary_table, Key=same, ConsistentRead=True)["Item"]
    assert got == {"id": {"B": b"\x01"}, "at": {"N": "1.5"}, "v": {"S": "x"}}


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("123456789012345678901234567890123456789", "Attempting to store more than 38 "
         "significant digits in a Number"),
        ("1.23456789012345678901234567890123456789", "Attempting to store more than 38 "
         "significant digits in a Number"),
        ("1E+126", "Number overflow. Attempting to store a number with magnitude larger than "
         "supported range"),
        ("-1E+126", "Number overflow. Attempting to store a number with magnitude larger than "
         "supported range"),
        ("9.9E-131", "Number underflow. Attempting to store a number with magnitude smaller "
         "than supported range"),
        ("", "The parameter cannot be converted to a numeric value"),
        ("abc", "The parameter cannot be converted to a numeric value: abc"),
        ("1e", "The parameter cannot be converted to a numeric value: 1e"),
        (" 1", "The parameter cannot be converted to a numeric value:  1"),
        ("0x10", "The parameter cannot be converted to a numeric value: 0x10"),
        ("NaN", "The parameter cannot be converted to a numeric value: NaN"),
        ("Infinity", "The parameter cannot be converted to a numeric value: Infinity"),
    ],
)  # fmt: skip
def test_numbers_out_of_range_or_malformed(
    dynamodb: Any, table: str, sent: str, message: str
) -> None:
    assert refused(dynamodb, table, n={"N": sent}) == ("ValidationException", message)


def test_arithmetic_results_obey_the_number_limits(dynamodb: Any, table: str) -> None:
    item_key = new_key()

    def add(a: str, b: str) -> tuple[str, str]:
        return error_of(
            dynamodb.update_item,
            TableName=table,
            Key=item_key,
            UpdateExpression="SET n = :a + :b",
            ExpressionAttributeValues={":a": {"N": a}, ":b": {"N": b}},
        )

    assert add("9E+125", "9E+125") == (
        "ValidationException",
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
    )
    assert add("1" * 38, "0.1") == (
        "ValidationException",
        "Attempting to store more than 38 significant digits in a Number",
    )
    assert "Item" not in dynamodb.get_item(TableName=table, Key=item_key, ConsistentRead=True)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"SS": []}, INVALID + "An string set  may not be empty"),
        ({"NS": []}, INVALID + "An number set  may not be empty"),
        ({"BS": []}, INVALID + "Binary sets should not be empty"),
        ({"SS": ["a", "b", "a"]}, INVALID + "Input collection [a, b, a] contains duplicates."),
        ({"BS": [b"a", b"a"]}, INVALID + "Input collection [YQ==, YQ==]of type BS contains "
         "duplicates."),
        # Number sets compare by value: 1 and 1.0 are the same member.
        ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
        ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
        ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, must "
         "contain exactly one of the supported datatypes"),
        ({"M": {"inner": {"SS": []}}}, INVALID + "An string set  may not be empty"),
    ],
)  # fmt: skip
def test_invalid_values(dynamodb: Any, table: str, value: dict[str, Any], message: str) -> None:
    assert refused(dynamodb, table, bad=value) == ("ValidationException", message)


def test_an_empty_attribute_value_is_refused(server: ServerProcess, table: str) -> None:
    raw = raw_client(server)
    assert error_of(raw.put_item, TableName=table, Item={**new_key(), "bad": {}}) == (
        "ValidationException",
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
    )


# --- empty strings and binaries -----------------------------------------------------------


def test_empty_strings_and_binaries_outside_keys(dynamodb: Any, table: str) -> None:
    attributes = {
        "s": {"S": ""},
        "b": {"B": b""},
        "m": {"M": {"s": {"S": ""}, "b": {"B": b""}}},
        "l": {"L": [{"S": ""}, {"B": b""}]},
    }
    assert round_trip(dynamodb, table, **attributes) == attributes


def test_empty_strings_and_binaries_refused_in_keys(
    dynamodb: Any, table: str, binary_table: str
) -> None:
    assert error_of(dynamodb.put_item, TableName=table, Item={"pk": {"S": ""}}) == (
        "ValidationException",
        NOT_VALID + "The AttributeValue for a key attribute cannot contain an empty string "
        "value. Key: pk",
    )
    assert error_of(dynamodb.get_item, TableName=table, Key={"pk": {"S": ""}}) == (
        "ValidationException",
        NOT_VALID + "The AttributeValue for a key attribute cannot contain an empty string "
        "value. Key: pk",
    )
    assert error_of(
        dynamodb.put_item, TableName=binary_table, Item={"id": {"B": b""}, "at": {"N": "1"}}
    ) == (
        "ValidationException",
        NOT_VALID + "The AttributeValue for a key attribute cannot contain an empty binary "
        "value. Key: id",
    )
    assert refused(dynamodb, table, gk={"S": ""}) == (
        "ValidationException",
        NOT_VALID + "A value specified for a secondary index key is not supported. The "
        "AttributeValue for a key attribute cannot contain an empty string value. IndexName: "
        "ByGk, IndexKey: gk",
    )


# --- key types ----------------------------------------------------------------------------


def test_key_types_must_match_the_attribute_definitions(
    dynamodb: Any, table: str, binary_table: str
) -> None:
    assert error_of(dynamodb.put_item, TableName=table, Item={"pk": {"N": "1"}}) == (
        "ValidationException",
        INVALID + "Type mismatch for key pk expected: S actual: N",
    )
    assert error_of(dynamodb.put_item, TableName=table, Item={"pk": {"SS": ["a"]}}) == (
        "ValidationException",
        INVALID + "Type mismatch for key pk expected: S actual: SS",
    )
    assert error_of(
        dynamodb.put_item,
        TableName=binary_table,
        Item={"id": {"B": b"\x01"}, "at": {"S": "1"}},
    ) == ("ValidationException", INVALID + "Type mismatch for key at expected: N actual: S")
    assert refused(dynamodb, table, gk={"N": "1"}) == (
        "ValidationException",
        INVALID + "Type mismatch for Index Key gk Expected: S Actual: N IndexName: ByGk",
    )
    for call, member in ((dynamodb.get_item, "Key"), (dynamodb.delete_item, "Key")):
        assert error_of(call, TableName=table, **{member: {"pk": {"B": b"1"}}}) == (
            "ValidationException",
            "The provided key element does not match the schema",
        )


def test_key_size_limits(dynamodb: Any, table: str, binary_table: str) -> None:
    longest = {"pk": {"S": "é" * 1024}}  # 2048 bytes of UTF-8
    dynamodb.put_item(TableName=table, Item=longest)
    assert dynamodb.get_item(TableName=table, Key=longest, ConsistentRead=True)["Item"] == longest
    assert error_of(dynamodb.put_item, TableName=table, Item={"pk": {"S": "é" * 1024 + "x"}}) == (
        "ValidationException",
        INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes",
    )
    dynamodb.put_item(TableName=binary_table, Item={"id": {"B": b"\x00" * 2048}, "at": {"N": "1"}})
    assert error_of(
        dynamodb.put_item,
        TableName=binary_table,
        Item={"id": {"B": b"\x00" * 2049}, "at": {"N": "1"}},
    ) == (
        "ValidationException",
        INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes",
    )
    sorted_table = create_table(dynamodb, "SortKeys", ("pk", "S"), ("sk", "B"))
    dynamodb.put_item(TableName=sorted_table, Item={"pk": {"S": "p"}, "sk": {"B": b"s" * 1024}})
    assert error_of(
        dynamodb.put_item,
        TableName=sorted_table,
        Item={"pk": {"S": "p"}, "sk": {"B": b"s" * 1025}},
    ) == (
        "ValidationException",
        INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
    )


# --- item size and nesting ----------------------------------------------------------------


def test_item_size_limit(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    # Size by "DynamoDB item sizes and formats": names plus values; the map costs 3 bytes,
    # plus one per member and its name; the multi-byte characters count in UTF-8.
    fixed = {
        **item_key,
        "naïve": {"BOOL": True},  # 6 + 1
        "meta": {"M": {"by": {"B": b"\x00\x01"}}},  # 4 + 3 + (1 + 2 + 2)
    }
    fixed_size = (2 + len(item_key["pk"]["S"])) + (6 + 1) + (4 + 3 + 1 + 2 + 2)
    blob_bytes = MAX_ITEM_BYTES - fixed_size - len("blob")
    too_big = {**fixed, "blob": {"B": b"\xab" * (blob_bytes + 1)}}
    assert error_of(dynamodb.put_item, TableName=table, Item=too_big) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )
    assert "Item" not in dynamodb.get_item(TableName=table, Key=item_key, ConsistentRead=True)
    largest = {**fixed, "blob": {"B": b"\xab" * blob_bytes}}  # exactly 400 KB
    dynamodb.put_item(TableName=table, Item=largest)
    got = dynamodb.get_item(
        TableName=table, Key=item_key, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert got["Item"] == largest
    assert got["ConsumedCapacity"]["CapacityUnits"] == 100.0  # 400 KB / 4 KB
    # One more byte through UpdateItem is refused with UpdateItem's own wording.
    assert error_of(
        dynamodb.update_item,
        TableName=table,
        Key=item_key,
        UpdateExpression="SET #n = :two",
        ExpressionAttributeNames={"#n": "naïve"},
        ExpressionAttributeValues={":two": {"S": "ab"}},  # 2 bytes where a boolean took 1
    ) == ("ValidationException", "Item size to update has exceeded the maximum allowed size")
    assert error_of(
        dynamodb.update_item,
        TableName=table,
        Key=new_key(),
        UpdateExpression="SET big = :big",
        ExpressionAttributeValues={":big": {"S": "x" * MAX_ITEM_BYTES}},
    ) == ("ValidationException", "Item size to update has exceeded the maximum allowed size")


def nested(levels: int, container: str) -> dict[str, Any]:
    """A value `levels` deep: containers around a string (the string is one level)."""
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(levels - 1):
        value = {"M": {"x": value}} if container == "M" else {"L": [value]}
    return value


@pytest.mark.parametrize("container", ["M", "L"])
def test_nesting_depth_limit(dynamodb: Any, table: str, container: str) -> None:
    deepest = nested(32, container)
    assert round_trip(dynamodb, table, deep=deepest) == {"deep": deepest}
    assert refused(dynamodb, table, deep=nested(33, container)) == (
        "ValidationException",
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
        "levels beyond supported limit",
    )


def test_document_paths_are_limited_to_32_levels(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    dynamodb.put_item(TableName=table, Item={**item_key, "x": nested(32, "M")})
    assert dynamodb.get_item(
        TableName=table, Key=item_key, ProjectionExpression=".".join(["x"] * 32)
    )["Item"] == {"x": nested(32, "M")}
    assert error_of(
        dynamodb.get_item, TableName=table, Key=item_key, ProjectionExpression=".".join(["x"] * 33)
    ) == (
        "ValidationException",
        "Invalid ProjectionExpression: The document path has too many nesting levels; "
        "nesting levels: 33",
    )


# --- expression limits --------------------------------------------------------------------


def padded_condition(length: int) -> str:
    """A valid condition exactly `length` characters long."""
    head = "attribute_not_exists("
    return head + "a" * (length - len(head) - 1) + ")"


def test_expression_length_limit(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    dynamodb.put_item(TableName=table, Item=item_key, ConditionExpression=padded_condition(4096))
    assert error_of(
        dynamodb.put_item,
        TableName=table,
        Item=new_key(),
        ConditionExpression=padded_condition(4097),
    ) == (
        "ValidationException",
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
        "expression size: 4097",
    )
    name = "b" * (4096 - len("REMOVE "))
    dynamodb.update_item(TableName=table, Key=item_key, UpdateExpression="REMOVE " + name)
    assert error_of(
        dynamodb.update_item, TableName=table, Key=item_key, UpdateExpression="REMOVE " + name + "b"
    ) == (
        "ValidationException",
        "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;",
    )


def test_operator_count_limit(dynamodb: Any, table: str) -> None:
    values = {":v": {"N": "1"}}

    def condition(operators: int) -> str:
        """A condition with `operators` operators that holds for an item without `n`:
        k comparisons joined by OR make 2k - 1; a NOT around them makes an even count."""
        chain = " OR ".join(["n = :v"] * (operators // 2 + operators % 2))
        return "NOT (" + chain + ")" if operators % 2 == 0 else chain

    dynamodb.put_item(
        TableName=table,
        Item=new_key(),
        ConditionExpression=condition(300),
        ExpressionAttributeValues=values,
    )
    assert error_of(
        dynamodb.put_item,
        TableName=table,
        Item=new_key(),
        ConditionExpression=condition(301),
        ExpressionAttributeValues=values,
    ) == (
        "ValidationException",
        "Invalid ConditionExpression: The expression contains too many operators; operator "
        "count: 301",
    )
