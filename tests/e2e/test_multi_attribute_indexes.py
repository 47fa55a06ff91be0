"""Global secondary indexes with multi-attribute keys, end to end: the real server and
unmodified boto3.

Behaviour follows the Developer Guide pages "Using Global Secondary Indexes" (multi-attribute
key schema: up to four HASH and four RANGE attributes; every partition-key attribute with
`=`; sort-key attributes left to right, equalities on a prefix and at most the last one
with a range condition; an item is in the index only with every key attribute) and "Multi-
attribute keys pattern"; the RANGE messages are AWS's as recorded against the service."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from tests.support.clients import client
from tests.support.dynamodb_tables import create_table, error_of, query_all, wait_for_index
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

KEY_SCHEMA = [
    {"AttributeName": "tenant", "KeyType": "HASH"},
    {"AttributeName": "region", "KeyType": "HASH"},
    {"AttributeName": "round", "KeyType": "RANGE"},
    {"AttributeName": "score", "KeyType": "RANGE"},
]
KEY_TYPES = {"tenant": "S", "region": "S", "round": "S", "score": "N"}

MATCHES = [
    # match id, tenant, region, round, score
    ("m1", "acme", "eu", "final", 30),
    ("m2", "acme", "eu", "final", 10),
    ("m3", "acme", "eu", "semi", 20),
    ("m4", "acme", "eu", "quarter", 50),
    ("m5", "acme", "us", "final", 40),
    ("m6", "globex", "eu", "final", 60),
]


def match_item(match: str, tenant: str, region: str, round_: str, score: int) -> dict[str, Any]:
    return {
        "pk": {"S": match},
        "tenant": {"S": tenant},
        "region": {"S": region},
        "round": {"S": round_},
        "score": {"N": str(score)},
        "note": {"S": f"note of {match}"},
    }


def gsi(name: str = "ByTenantRegion") -> dict[str, Any]:
    return {"IndexName": name, "KeySchema": KEY_SCHEMA, "Projection": {"ProjectionType": "ALL"}}


@pytest.fixture(scope="module")
def matches(dynamodb: Any) -> str:
    """A table with a 2-HASH + 2-RANGE global index, and items in and out of it."""
    name = create_table(
        dynamodb,
        "Matches",
        ("pk", "S"),
        attributes=KEY_TYPES,
        GlobalSecondaryIndexes=[gsi()],
    )
    for row in MATCHES:
        dynamodb.put_item(TableName=name, Item=match_item(*row))
    # Missing a sort-key attribute, and a partition-key attribute: not in the index.
    partial = match_item("m7", "acme", "eu", "final", 1)
    del partial["score"]
    dynamodb.put_item(TableName=name, Item=partial)
    no_region = match_item("m8", "acme", "eu", "final", 2)
    del no_region["region"]
    dynamodb.put_item(TableName=name, Item=no_region)
    return name


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["pk"]["S"] for item in items]


def key_condition(condition: str, values: dict[str, Any]) -> dict[str, Any]:
    """A Query's key-condition members; `values` by placeholder name without the colon,
    of which only those the condition uses are sent (DynamoDB refuses unused ones)."""
    used = set(re.findall(r"[:#]\w+", condition))
    request: dict[str, Any] = {
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": {f":{k}": v for k, v in values.items() if f":{k}" in used},
    }
    names = {key: key[1:] for key in used if key.startswith("#")}
    if names:
        request["ExpressionAttributeNames"] = names
    return request


def query(dynamodb: Any, table: str, condition: str, **values: Any) -> list[str]:
    request = key_condition(condition, values)
    page = dynamodb.query(TableName=table, IndexName="ByTenantRegion", **request)
    return ids(page["Items"])


def query_error(dynamodb: Any, table: str, condition: str, **values: Any) -> tuple[str, str]:
    request = key_condition(condition, values)
    return error_of(dynamodb.query, TableName=table, IndexName="ByTenantRegion", **request)


ACME = {"S": "acme"}
EU = {"S": "eu"}


def test_describe_table_shows_the_key_schema_as_given(dynamodb: Any, matches: str) -> None:
    described = dynamodb.describe_table(TableName=matches)["Table"]
    (index,) = described["GlobalSecondaryIndexes"]
    assert index["KeySchema"] == KEY_SCHEMA
    assert index["IndexStatus"] == "ACTIVE"
    assert index["ItemCount"] == 6
    definitions = {
        d["AttributeName"]: d["AttributeType"] for d in described["AttributeDefinitions"]
    }
    assert definitions == {"pk": "S", **KEY_TYPES}


def test_full_partition_returns_the_partition_in_composite_sort_order(
    dynamodb: Any, matches: str
) -> None:
    found = query(dynamodb, matches, "tenant = :t AND #region = :r", t=ACME, r=EU)
    # round first (final < quarter < semi), then score numerically within a round.
    assert found == ["m2", "m1", "m4", "m3"]


def test_equality_on_a_sort_prefix(dynamodb: Any, matches: str) -> None:
    found = query(
        dynamodb,
        matches,
        "#round = :f AND tenant = :t AND #region = :r",
        t=ACME,
        r=EU,
        f={"S": "final"},
    )
    assert found == ["m2", "m1"]


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ("#round = :f AND score > :s", {"s": {"N": "15"}}, ["m1"]),
        ("#round = :f AND score BETWEEN :lo AND :hi", {"lo": {"N": "5"}, "hi": {"N": "30"}},
         ["m2", "m1"]),
        ("#round = :f AND score <= :s", {"s": {"N": "10"}}, ["m2"]),
        ("begins_with(#round, :p)", {"p": {"S": "s"}}, ["m3"]),
        ("#round > :p", {"p": {"S": "final"}}, ["m4", "m3"]),
        ("#round = :f AND score = :s", {"s": {"N": "30"}}, ["m1"]),
    ],
)  # fmt: skip
def test_range_condition_on_the_last_sort_attribute_named(
    dynamodb: Any, matches: str, condition: str, values: dict[str, Any], expected: list[str]
) -> None:
    found = query(
        dynamodb,
        matches,
        f"tenant = :t AND #region = :r AND {condition}",
        t=ACME,
        r=EU,
        f={"S": "final"},
        **values,
    )
    assert found == expected


def test_pages_carry_every_key_attribute(dynamodb: Any, matches: str) -> None:
    first = dynamodb.query(
        TableName=matches,
        IndexName="ByTenantRegion",
        KeyConditionExpression="tenant = :t AND #region = :r",
        ExpressionAttributeNames={"#region": "region"},
        ExpressionAttributeValues={":t": ACME, ":r": EU},
        Limit=3,
        ScanIndexForward=False,
    )
    assert set(first["LastEvaluatedKey"]) == {"pk", "tenant", "region", "round", "score"}
    items, pages = query_all(
        dynamodb,
        client_method=dynamodb.query,
        TableName=matches,
        IndexName="ByTenantRegion",
        KeyConditionExpression="tenant = :t AND #region = :r",
        ExpressionAttributeNames={"#region": "region"},
        ExpressionAttributeValues={":t": ACME, ":r": EU},
        Limit=3,
        ScanIndexForward=False,
    )
    assert ids(items) == ["m3", "m4", "m1", "m2"]
    assert pages == 2


def test_scan_of_the_index_holds_only_items_with_every_key_attribute(
    dynamodb: Any, matches: str
) -> None:
    items, _ = query_all(
        dynamodb,
        client_method=dynamodb.scan,
        TableName=matches,
        IndexName="ByTenantRegion",
        Limit=2,
    )
    assert sorted(ids(items)) == ["m1", "m2", "m3", "m4", "m5", "m6"]


def test_writes_move_items_in_and_out_of_the_index(dynamodb: Any, matches: str) -> None:
    def final_scores() -> list[str]:
        return query(
            dynamodb, matches, "tenant = :t AND #region = :r AND #round = :f", t=ACME, r=EU,
            f={"S": "final"},
        )  # fmt: skip

    dynamodb.update_item(
        TableName=matches, Key={"pk": {"S": "m7"}}, UpdateExpression="SET score = :s",
        ExpressionAttributeValues={":s": {"N": "20"}},
    )  # fmt: skip
    assert final_scores() == ["m2", "m7", "m1"]
    dynamodb.update_item(
        TableName=matches, Key={"pk": {"S": "m7"}}, UpdateExpression="REMOVE score"
    )
    assert final_scores() == ["m2", "m1"]
    dynamodb.update_item(
        TableName=matches, Key={"pk": {"S": "m1"}}, UpdateExpression="SET #region = :us",
        ExpressionAttributeNames={"#region": "region"},
        ExpressionAttributeValues={":us": {"S": "us"}},
    )  # fmt: skip
    assert final_scores() == ["m2"]
    dynamodb.put_item(TableName=matches, Item=match_item(*MATCHES[0]))
    assert final_scores() == ["m2", "m1"]


def test_a_wrongly_typed_key_attribute_is_refused_on_write(dynamodb: Any, matches: str) -> None:
    item = match_item("m9", "acme", "eu", "final", 5)
    item["score"] = {"S": "five"}
    assert error_of(dynamodb.put_item, TableName=matches, Item=item) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index Key score "
        "Expected: N Actual: S IndexName: ByTenantRegion",
    )


RANGE_GAP = (
    "RANGE key attributes {} must have equality conditions specified in the query because a "
    "condition is present on key attribute {}"
)


@pytest.mark.parametrize(
    ("condition", "values", "message"),
    [
        ("tenant = :t AND #region = :r AND score = :s", {"s": {"N": "1"}},
         RANGE_GAP.format("round", "score")),
        ("tenant = :t AND #region = :r AND #round > :f AND score = :s",
         {"f": {"S": "final"}, "s": {"N": "1"}}, RANGE_GAP.format("round", "score")),
        ("tenant = :t", {}, "HASH key attributes region must have equality conditions "
         "specified in the query"),
        ("tenant = :t AND #region > :r", {}, "HASH key attributes region must have equality "
         "conditions specified in the query"),
        ("tenant = :t AND #region = :r AND note = :n", {"n": {"S": "x"}},
         "Query condition missed key schema element: round"),
    ],
)  # fmt: skip
def test_key_condition_rule_violations(
    dynamodb: Any, matches: str, condition: str, values: dict[str, Any], message: str
) -> None:
    values = {"t": ACME, "r": EU, **values}
    assert query_error(dynamodb, matches, condition, **values) == ("ValidationException", message)


@pytest.mark.parametrize(
    ("key_schema", "message"),
    [
        ([{"AttributeName": f"h{i}", "KeyType": "HASH"} for i in range(5)],
         "Invalid KeySchema: A global secondary index key can have at most 4 HASH key "
         "attributes"),
        ([{"AttributeName": "h0", "KeyType": "HASH"}, {"AttributeName": "h1", "KeyType": "RANGE"},
          {"AttributeName": "h2", "KeyType": "HASH"}],
         "Invalid KeySchema: HASH key attributes must precede RANGE key attributes"),
    ],
)  # fmt: skip
def test_create_table_refuses_bad_multi_attribute_schemas(
    dynamodb: Any, key_schema: list[dict[str, str]], message: str
) -> None:
    names = {element["AttributeName"] for element in key_schema}
    assert error_of(
        dynamodb.create_table,
        TableName=f"Bad-{uuid.uuid4().hex[:8]}",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}]
        + [{"AttributeName": name, "AttributeType": "S"} for name in sorted(names)],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {"IndexName": "Bad", "KeySchema": key_schema, "Projection": {"ProjectionType": "ALL"}}
        ],
    ) == ("ValidationException", message)


def test_update_table_adds_a_multi_attribute_index_and_backfills_it(dynamodb: Any) -> None:
    table = create_table(dynamodb, "LaterIndex", ("pk", "S"))
    for row in MATCHES:
        dynamodb.put_item(TableName=table, Item=match_item(*row))
    wrong = match_item("m9", "acme", "eu", "final", 0)
    wrong["score"] = {"S": "zero"}  # violates the index key type: left out of the backfill
    dynamodb.put_item(TableName=table, Item=wrong)
    answer = dynamodb.update_table(
        TableName=table,
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind} for name, kind in KEY_TYPES.items()
        ],
        GlobalSecondaryIndexUpdates=[{"Create": gsi()}],
    )
    created = answer["TableDescription"]["GlobalSecondaryIndexes"][0]
    assert (created["KeySchema"], created["IndexStatus"]) == (KEY_SCHEMA, "CREATING")
    wait_for_index(dynamodb, table, "ByTenantRegion")
    assert query(dynamodb, table, "tenant = :t AND #region = :r", t=ACME, r=EU) == [
        "m2", "m1", "m4", "m3",
    ]  # fmt: skip
    assert query(dynamodb, table, "tenant = :t AND #region = :r", t={"S": "globex"}, r=EU) == ["m6"]


def _session(server: ServerProcess, iam: Any, sts: Any, leading_keys: list[str]) -> Any:
    """Credentials of a role allowed to Query the index only where every partition-key
    value of the request is in `leading_keys`."""
    name = f"MultiKey{uuid.uuid4().hex[:8]}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"},
            "Action": "sts:AssumeRole",
        }],
    }  # fmt: skip
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "dynamodb:Query",
            "Resource": f"arn:aws:dynamodb:{server.region}:{server.account_id}:table/*/index/*",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": leading_keys}},
        }],
    }  # fmt: skip
    iam.put_role_policy(RoleName=name, PolicyName="keys", PolicyDocument=json.dumps(policy))
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{server.account_id}:role/{name}", RoleSessionName="probe"
    )["Credentials"]
    return client(
        server,
        "dynamodb",
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )


def test_leading_keys_are_every_partition_key_value(
    server: ServerProcess, iam: Any, sts: Any, matches: str
) -> None:
    both = _session(server, iam, sts, ["acme", "eu"])
    assert query(both, matches, "tenant = :t AND #region = :r", t=ACME, r=EU) == [
        "m2", "m1", "m4", "m3",
    ]  # fmt: skip
    code, _ = query_error(both, matches, "tenant = :t AND #region = :r", t=ACME, r={"S": "us"})
    assert code == "AccessDeniedException"
    # A policy naming only the first attribute's value does not admit the second's.
    tenant_only = _session(server, iam, sts, ["acme"])
    code, message = query_error(tenant_only, matches, "tenant = :t AND #region = :r", t=ACME, r=EU)
    assert code == "AccessDeniedException"
    assert "dynamodb:Query" in message


def test_partiql_select_on_the_index_reads_it_by_scan(dynamodb: Any, matches: str) -> None:
    answer = dynamodb.execute_statement(
        Statement=f'SELECT * FROM "{matches}"."ByTenantRegion" WHERE "tenant" = ? AND "region" = ?',
        Parameters=[ACME, EU],
    )
    assert sorted(ids(answer["Items"])) == ["m1", "m2", "m3", "m4"]


def test_four_hash_and_four_range_attributes_of_mixed_types(dynamodb: Any) -> None:
    kinds = {"h1": "S", "h2": "N", "h3": "B", "h4": "S", "r1": "N", "r2": "S", "r3": "B", "r4": "N"}
    schema = [
        {"AttributeName": name, "KeyType": "HASH" if name.startswith("h") else "RANGE"}
        for name in kinds
    ]
    table = create_table(
        dynamodb,
        "Widest",
        ("pk", "S"),
        attributes=kinds,
        GlobalSecondaryIndexes=[
            {
                "IndexName": "Wide",
                "KeySchema": schema,
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    partition = {"h1": {"S": "a"}, "h2": {"N": "2"}, "h3": {"B": b"\x00\x01"}, "h4": {"S": "d"}}
    for number, (r1, r2) in enumerate([(1, "b"), (1, "a"), (-5, "z"), (10, "a")]):
        item = {
            "pk": {"S": f"w{number}"},
            **partition,
            "r1": {"N": str(r1)},
            "r2": {"S": r2},
            "r3": {"B": b"\x00"},
            "r4": {"N": str(number)},
            "extra": {"S": "not projected"},
        }
        dynamodb.put_item(TableName=table, Item=item)
    described = dynamodb.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"][0]
    assert described["KeySchema"] == schema
    condition = " AND ".join(f"{name} = :{name}" for name in partition)
    values = {f":{name}": value for name, value in partition.items()}
    page = dynamodb.query(
        TableName=table,
        IndexName="Wide",
        KeyConditionExpression=condition,
        ExpressionAttributeValues=values,
    )
    assert ids(page["Items"]) == ["w2", "w1", "w0", "w3"]
    assert "extra" not in page["Items"][0]
    narrowed = dynamodb.query(
        TableName=table,
        IndexName="Wide",
        KeyConditionExpression=condition + " AND r1 = :r1 AND r2 = :r2 AND r3 = :r3 AND r4 >= :r4",
        ExpressionAttributeValues={
            **values,
            ":r1": {"N": "1"},
            ":r2": {"S": "a"},
            ":r3": {"B": b"\x00"},
            ":r4": {"N": "0"},
        },
    )
    assert ids(narrowed["Items"]) == ["w1"]
