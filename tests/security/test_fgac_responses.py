"""Fine-grained access control limits what answers carry, not only what requests name.

Attack 9 of the outside review: `ReturnValuesOnConditionCheckFailure=ALL_OLD` on a write
whose condition fails returned the whole stored item, attributes outside the role's
`dynamodb:Attributes` list included. With the FGAC guide's pairing (`dynamodb:ReturnValues`
kept to NONE/UPDATED_*), dynafed authorizes that parameter as `ReturnValues=ALL_OLD`: the
write is refused before it reads anything. Attack 12: TransactGetItems had no 4 MB cap."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.security.roles import create_role, session_client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

TABLE = "Profiles"
VISIBLE = ["UserId", "Nickname"]


@pytest.fixture(scope="module")
def profiles(server: ServerProcess, dynamodb: Any) -> str:
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "UserId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "UserId", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(
        TableName=TABLE,
        Item={"UserId": {"S": "u1"}, "Nickname": {"S": "neo"}, "Password": {"S": "hunter2"}},
    )
    return f"arn:aws:dynamodb:{server.region}:{server.account_id}:table/{TABLE}"


def _writer(server: ServerProcess, table_arn: str, name: str, **if_exists: Any) -> Any:
    statement = {
        "Effect": "Allow",
        "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        "Resource": table_arn,
        "Condition": {
            "ForAllValues:StringEquals": {"dynamodb:Attributes": VISIBLE},
            **({"StringEqualsIfExists": if_exists} if if_exists else {}),
        },
    }
    role = create_role(server, name, statement)
    session, _ = session_client(server, role["Arn"], "dynamodb")
    return session


def _code(call: Any, **params: Any) -> tuple[str, dict[str, Any]]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    return raised.value.response["Error"]["Code"], raised.value.response


FAILING_UPDATE = {
    "TableName": TABLE,
    "Key": {"UserId": {"S": "u1"}},
    "UpdateExpression": "SET Nickname = :n",
    "ConditionExpression": "Nickname = :other",
    "ExpressionAttributeValues": {":n": {"S": "trinity"}, ":other": {"S": "nobody"}},
}


def test_the_guides_pairing_keeps_hidden_attributes_hidden(
    server: ServerProcess, profiles: str
) -> None:
    writer = _writer(
        server,
        profiles,
        "PairedWriter",
        **{"dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"]},
    )
    code, _ = _code(writer.update_item, **FAILING_UPDATE)
    assert code == "ConditionalCheckFailedException"  # allowed, and no item returned
    code, response = _code(
        writer.update_item, **FAILING_UPDATE, ReturnValuesOnConditionCheckFailure="ALL_OLD"
    )
    assert code == "AccessDeniedException"
    assert "hunter2" not in str(response)
    code, _ = _code(
        writer.put_item,
        TableName=TABLE,
        Item={"UserId": {"S": "u1"}, "Nickname": {"S": "x"}},
        ConditionExpression="attribute_not_exists(UserId)",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert code == "AccessDeniedException"


def test_the_same_holds_inside_a_transaction(server: ServerProcess, profiles: str) -> None:
    writer = _writer(
        server,
        profiles,
        "PairedTransactor",
        **{"dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"]},
    )
    update = {**FAILING_UPDATE, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
    code, response = _code(writer.transact_write_items, TransactItems=[{"Update": update}])
    assert code == "AccessDeniedException"
    assert "hunter2" not in str(response)


def test_a_policy_that_allows_all_old_returns_it_as_it_would_on_aws(
    server: ServerProcess, profiles: str
) -> None:
    """Without the pairing the role may ask for whole items anyway (ReturnValues=ALL_OLD):
    the failed condition's item is no wider than that. `dynafed policy check` flags it."""
    writer = _writer(server, profiles, "UnpairedWriter")
    code, response = _code(
        writer.update_item, **FAILING_UPDATE, ReturnValuesOnConditionCheckFailure="ALL_OLD"
    )
    assert code == "ConditionalCheckFailedException"
    assert response["Item"]["Password"] == {"S": "hunter2"}


def test_transact_get_items_refuses_more_than_4_mb(server: ServerProcess, dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName="Blobs",
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    blob = b"x" * (390 * 1024)
    keys = [f"b{n}" for n in range(12)]  # 12 × ~390 KB ≈ 4.6 MB
    for key in keys:
        dynamodb.put_item(TableName="Blobs", Item={"Id": {"S": key}, "Data": {"B": blob}})
    gets = [{"Get": {"TableName": "Blobs", "Key": {"Id": {"S": key}}}} for key in keys]
    code, response = _code(dynamodb.transact_get_items, TransactItems=gets)
    assert code == "ValidationException"
    assert "4 MB" in response["Error"]["Message"]
    answer = dynamodb.transact_get_items(TransactItems=gets[:10])  # ≈ 3.8 MB: allowed
    assert len(answer["Responses"]) == 10
