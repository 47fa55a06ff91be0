"""CreateTable: validation in AWS's order and wording, and the description it answers.

Expected messages are DynamoDB's (API reference "CreateTable"; wording as recorded by
dynalite's suite, which runs against AWS)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.dynamodb.conftest import ACCOUNT, NOW, REGION, Dynamo

from dynafed.dynamodb.operations import create_table
from dynafed.dynamodb.validation import validate_request
from dynafed.errors import ValidationException

ATTRS = [{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "S"}]
HASH_A = {"AttributeName": "a", "KeyType": "HASH"}
RANGE_B = {"AttributeName": "b", "KeyType": "RANGE"}
PT = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}


def table(**fields: Any) -> dict[str, Any]:
    return {"TableName": "abc", "ProvisionedThroughput": PT, **fields}


def messages(message: str) -> set[str]:
    """The individual failures of a combined "N validation errors detected" message."""
    head, _, rest = message.partition(" detected: ")
    count = int(head.split()[0])
    parts = set(rest.split("; "))
    assert len(parts) == count
    return parts


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"TableName": 1}, "NUMBER_VALUE cannot be converted to String"),
        ({"TableName": True}, "TRUE_VALUE cannot be converted to String"),
        ({"TableName": 1.5}, "DECIMAL_VALUE cannot be converted to String"),
        ({"TableName": []}, "Unrecognized collection type class java.lang.String"),
        ({"TableName": {}}, "Start of structure or map found where not expected"),
        ({"KeySchema": "x"}, "Unexpected field type"),
        ({"KeySchema": ["x"]}, "Unexpected value type in payload"),
        (
            {"KeySchema": [[]]},
            "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.KeySchemaElement",
        ),
        (
            {"ProvisionedThroughput": []},
            "Unrecognized collection type class "
            "com.amazonaws.dynamodb.v20120810.ProvisionedThroughput",
        ),
        (
            {"ProvisionedThroughput": {"ReadCapacityUnits": "5"}},
            "STRING_VALUE cannot be converted to Long",
        ),
        ({"DeletionProtectionEnabled": "yes"}, "Unexpected token received from parser"),
        ({"DeletionProtectionEnabled": 1}, "NUMBER_VALUE cannot be converted to Boolean"),
    ],
)
def test_wrong_json_types_are_serialization_errors(
    dynamo: Dynamo, body: dict[str, Any], message: str
) -> None:
    assert dynamo.error("CreateTable", body) == ("SerializationException", message)


def test_missing_table_name_has_its_own_message(dynamo: Dynamo) -> None:
    assert dynamo.error("CreateTable", {}) == (
        "ValidationException",
        "The parameter 'TableName' is required but was not present in the request",
    )


@pytest.mark.parametrize(
    ("name", "constraint"),
    [
        ("ab", "Member must have length greater than or equal to 3"),
        ("a" * 256, "Member must have length less than or equal to 255"),
        ("", "Member must have length greater than or equal to 1"),
    ],
)
def test_table_name_length_is_a_model_constraint(
    dynamo: Dynamo, name: str, constraint: str
) -> None:
    """As AWS answers it (the conformance suite's recording): the model's constraint, not the
    control plane's "TableName must be at least 3 characters long" of older DynamoDB."""
    body = {
        "TableName": name,
        "AttributeDefinitions": ATTRS[:1],
        "KeySchema": [HASH_A],
        "ProvisionedThroughput": PT,
    }
    assert dynamo.error("CreateTable", body) == (
        "ValidationException",
        f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
        f"constraint: {constraint}",
    )


def test_constraint_failures_are_reported_together(dynamo: Dynamo) -> None:
    code, message = dynamo.error("CreateTable", {"TableName": "abc;"})
    assert code == "ValidationException"
    assert message.startswith("3 validation errors detected: ")
    assert messages(message) == {
        "Value null at 'attributeDefinitions' failed to satisfy constraint: "
        "Member must not be null",
        "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [a-zA-Z0-9_.-]+",
        "Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
    }


def test_nested_member_paths(dynamo: Dynamo) -> None:
    body = {
        "TableName": "abc",
        "AttributeDefinitions": [],
        "KeySchema": [
            {"KeyType": "HASH"},
            {"AttributeName": "a"},
            {"KeyType": "Woop", "AttributeName": "a"},
        ],
        "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 1},
    }
    _, message = dynamo.error("CreateTable", body)
    failures = messages(message)
    assert (
        "Value null at 'keySchema.1.member.attributeName' failed to satisfy constraint: "
        "Member must not be null" in failures
    )
    assert (
        "Value 'Woop' at 'keySchema.3.member.keyType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [HASH, RANGE]" in failures
    )
    assert (
        "Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1" in failures
    )
    assert any("Member must have length less than or equal to 2" in f for f in failures)


def test_at_most_ten_failures_are_reported(dynamo: Dynamo) -> None:
    body = table(
        AttributeDefinitions=ATTRS, KeySchema=[HASH_A, RANGE_B], LocalSecondaryIndexes=[{}] * 9
    )
    _, message = dynamo.error("CreateTable", body)
    assert message.startswith("10 validation errors detected: ")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [HASH_A]},
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
            "must both be specified when BillingMode is PROVISIONED",
        ),
        (
            table(AttributeDefinitions=ATTRS, KeySchema=[HASH_A], BillingMode="PAY_PER_REQUEST"),
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
            "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        ),
        (
            {
                "TableName": "abc",
                "AttributeDefinitions": [],
                "KeySchema": [HASH_A],
                "ProvisionedThroughput": {"ReadCapacityUnits": 10**12 + 1, "WriteCapacityUnits": 1},
            },
            "Given value 1000000000001 for ReadCapacityUnits is out of bounds",
        ),
    ],
)
def test_billing_and_throughput_rules(dynamo: Dynamo, body: dict[str, Any], message: str) -> None:
    assert dynamo.error("CreateTable", body) == ("ValidationException", message)


@pytest.mark.parametrize(
    ("definitions", "schema", "message"),
    [
        ([], [HASH_A], "Invalid KeySchema: Some index key attribute have no definition"),
        (
            [{"AttributeName": "b", "AttributeType": "S"}],
            [HASH_A],
            "One or more parameter values were invalid: Some index key attributes are not "
            "defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]",
        ),
        (
            ATTRS,
            [HASH_A, HASH_A],
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ),
        (
            ATTRS,
            [HASH_A, {"AttributeName": "b", "KeyType": "HASH"}],
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ),
        (
            ATTRS,
            [{"AttributeName": "a", "KeyType": "RANGE"}, {"AttributeName": "b", "KeyType": "HASH"}],
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            ATTRS,
            [HASH_A],
            "One or more parameter values were invalid: Number of attributes in KeySchema does "
            "not exactly match number of attributes defined in AttributeDefinitions",
        ),
    ],
)
def test_key_schema_rules(
    dynamo: Dynamo, definitions: list[dict[str, str]], schema: list[dict[str, str]], message: str
) -> None:
    body = table(AttributeDefinitions=definitions, KeySchema=schema)
    assert dynamo.error("CreateTable", body) == ("ValidationException", message)


def lsi(
    name: str = "idx", schema: list[dict[str, str]] | None = None, **projection: Any
) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": schema or [HASH_A, RANGE_B],
        "Projection": projection or {"ProjectionType": "ALL"},
    }


@pytest.mark.parametrize(
    ("indexes", "table_schema", "message"),
    [
        (
            [],
            [HASH_A, RANGE_B],
            "One or more parameter values were invalid: List of LocalSecondaryIndexes is empty",
        ),
        (
            [lsi(schema=[{"AttributeName": "c", "KeyType": "RANGE"}])],
            [HASH_A],
            "One or more parameter values were invalid: Table KeySchema does not have a range "
            "key, which is required when specifying a LocalSecondaryIndex",
        ),
        (
            [lsi(schema=[{"AttributeName": "b", "KeyType": "HASH"}])],
            [HASH_A, RANGE_B],
            "One or more parameter values were invalid: Index KeySchema does not have a range "
            "key for index: idx",
        ),
        (
            [
                lsi(
                    schema=[
                        {"AttributeName": "b", "KeyType": "HASH"},
                        {"AttributeName": "a", "KeyType": "RANGE"},
                    ]
                )
            ],
            [HASH_A, RANGE_B],
            "One or more parameter values were invalid: Index KeySchema does not have the same "
            "leading hash key as table KeySchema for index: idx. index hash key: b, "
            "table hash key: a",
        ),
        (
            [lsi(ProjectionType=None, NonKeyAttributes=["x"])],
            [HASH_A, RANGE_B],
            "One or more parameter values were invalid: Unknown ProjectionType: null",
        ),
        (
            [lsi(ProjectionType="KEYS_ONLY", NonKeyAttributes=["x"])],
            [HASH_A, RANGE_B],
            "One or more parameter values were invalid: ProjectionType is KEYS_ONLY, but "
            "NonKeyAttributes is specified",
        ),
        (
            [lsi(), lsi()],
            [HASH_A, RANGE_B],
            "One or more parameter values were invalid: Duplicate index name: idx",
        ),
        (
            [lsi(f"idx{n}") for n in range(6)],
            [HASH_A, RANGE_B],
            "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds "
            "per-table limit of 5",
        ),
    ],
)
def test_local_index_rules(
    dynamo: Dynamo, indexes: list[dict[str, Any]], table_schema: list[dict[str, str]], message: str
) -> None:
    body = table(AttributeDefinitions=ATTRS, KeySchema=table_schema, LocalSecondaryIndexes=indexes)
    assert dynamo.error("CreateTable", body) == ("ValidationException", message)


def gsi(name: str = "gsi", throughput: dict[str, int] | None = PT) -> dict[str, Any]:
    index: dict[str, Any] = {
        "IndexName": name,
        "KeySchema": [{"AttributeName": "b", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
    }
    if throughput is not None:
        index["ProvisionedThroughput"] = throughput
    return index


def test_global_index_needs_throughput_on_provisioned_table(dynamo: Dynamo) -> None:
    body = table(
        AttributeDefinitions=ATTRS,
        KeySchema=[HASH_A],
        GlobalSecondaryIndexes=[gsi(throughput=None)],
    )
    assert dynamo.error("CreateTable", body) == (
        "ValidationException",
        "One or more parameter values were invalid: ProvisionedThroughput must be specified "
        "for index: gsi",
    )


def test_global_index_refuses_throughput_on_on_demand_table(dynamo: Dynamo) -> None:
    body = {
        "TableName": "abc",
        "AttributeDefinitions": ATTRS,
        "KeySchema": [HASH_A],
        "BillingMode": "PAY_PER_REQUEST",
        "GlobalSecondaryIndexes": [gsi()],
    }
    assert dynamo.error("CreateTable", body) == (
        "ValidationException",
        "One or more parameter values were invalid: ProvisionedThroughput should not be "
        "specified for index: gsi when BillingMode is PAY_PER_REQUEST",
    )


def test_index_names_are_unique_across_local_and_global(dynamo: Dynamo) -> None:
    body = table(
        AttributeDefinitions=ATTRS,
        KeySchema=[HASH_A, RANGE_B],
        LocalSecondaryIndexes=[lsi("same")],
        GlobalSecondaryIndexes=[gsi("same")],
    )
    assert dynamo.error("CreateTable", body) == (
        "ValidationException",
        "One or more parameter values were invalid: Duplicate index name: same",
    )


def test_stream_view_type_rules(dynamo: Dynamo) -> None:
    base = table(AttributeDefinitions=ATTRS[:1], KeySchema=[HASH_A])
    assert dynamo.error(
        "CreateTable", {**base, "StreamSpecification": {"StreamEnabled": True}}
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: You must specify a StreamViewType when "
        "enabling a stream",
    )
    disabled = {"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"}
    assert dynamo.error("CreateTable", {**base, "StreamSpecification": disabled})[1] == (
        "One or more parameter values were invalid: StreamViewType cannot be specified when "
        "StreamEnabled is false"
    )


def test_created_table_description(dynamo: Dynamo) -> None:
    description = dynamo(
        "CreateTable",
        table(
            AttributeDefinitions=list(reversed(ATTRS)),
            KeySchema=[HASH_A, RANGE_B],
            Tags=[{"Key": "k", "Value": "v"}],
        ),
    )["TableDescription"]
    assert description == {
        "AttributeDefinitions": ATTRS,
        "TableName": "abc",
        "KeySchema": [HASH_A, RANGE_B],
        "TableStatus": "CREATING",
        "CreationDateTime": NOW,
        "ProvisionedThroughput": {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": 1,
            "WriteCapacityUnits": 1,
        },
        "TableSizeBytes": 0,
        "ItemCount": 0,
        "TableArn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/abc",
        "TableId": "00000000-0000-4000-8000-000000000001",
        "DeletionProtectionEnabled": False,
    }


def test_on_demand_table_with_indexes_and_stream(dynamo: Dynamo) -> None:
    description = dynamo.create_table(
        "Music",
        LocalSecondaryIndexes=[
            {
                "IndexName": "ByAlbum",
                "KeySchema": [
                    {"AttributeName": "Artist", "KeyType": "HASH"},
                    {"AttributeName": "Album", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Year"]},
            }
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "ByGenre",
                "KeySchema": [{"AttributeName": "Genre", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        AttributeDefinitions=[
            {"AttributeName": "Artist", "AttributeType": "S"},
            {"AttributeName": "SongTitle", "AttributeType": "S"},
            {"AttributeName": "Album", "AttributeType": "S"},
            {"AttributeName": "Genre", "AttributeType": "S"},
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Music"
    assert description["BillingModeSummary"] == {
        "BillingMode": "PAY_PER_REQUEST",
        "LastUpdateToPayPerRequestDateTime": NOW,
    }
    assert description["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 0,
        "WriteCapacityUnits": 0,
    }
    assert description["LocalSecondaryIndexes"] == [
        {
            "IndexName": "ByAlbum",
            "KeySchema": [
                {"AttributeName": "Artist", "KeyType": "HASH"},
                {"AttributeName": "Album", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Year"]},
            "IndexSizeBytes": 0,
            "ItemCount": 0,
            "IndexArn": f"{arn}/index/ByAlbum",
        }
    ]
    (global_index,) = description["GlobalSecondaryIndexes"]
    assert global_index["IndexStatus"] == "CREATING"
    assert global_index["IndexArn"] == f"{arn}/index/ByGenre"
    assert global_index["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert description["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_IMAGE",
    }
    assert description["LatestStreamArn"] == f"{arn}/stream/{description['LatestStreamLabel']}"
    assert description["LatestStreamLabel"] == "2023-11-14T22:13:20.000"


def test_existing_table_name_is_in_use(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    body = {
        "TableName": "Music",
        "AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    assert dynamo.error("CreateTable", body) == (
        "ResourceInUseException",
        "Table already exists: Music",
    )


def test_create_table_is_authorized_on_the_table_arn(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    (request,) = dynamo.authorizer.requests
    assert request.action == "dynamodb:CreateTable"
    assert request.resource == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Music"
    assert request.condition_keys == {}


def test_a_list_of_structures_is_shown_as_java_prints_it() -> None:
    """AWS shows `Value '[KeySchemaElement(attributeName=pk, keyType=HASH), ...]'` for a list
    of structures that breaks a length constraint (conformance suite, tier 3)."""
    body = {
        "TableName": "Three",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
            {"AttributeName": "extra", "KeyType": "RANGE"},
        ],
    }
    with pytest.raises(ValidationException) as raised:
        validate_request(create_table.REQUEST, body)
    assert raised.value.message == (
        "1 validation error detected: Value '[KeySchemaElement(attributeName=pk, keyType=HASH), "
        "KeySchemaElement(attributeName=sk, keyType=RANGE), KeySchemaElement(attributeName="
        "extra, keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must have "
        "length less than or equal to 2"
    )
