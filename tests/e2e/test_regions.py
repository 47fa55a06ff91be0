"""Every region at once, as AWS serves them: a request's region is its credential scope's;
tables and identity pools are regional, IAM and STS global (docs/regions.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from dynafed.dynamodb.tables import DOCUMENT_KIND
from dynafed.storage.factory import open_storage
from tests.support.clients import client
from tests.support.game_role import create_game_scores_table, game_role_statement
from tests.support.server_process import ServerProcess, running_server, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("regions"))
    yield process
    process.stop()


def _key_table(dynamodb: Any, name: str) -> None:
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_a_table_lives_in_the_region_it_was_created_in(server: ServerProcess) -> None:
    oregon = client(server, "dynamodb", region="us-west-2")
    ireland = client(server, "dynamodb", region="eu-west-1")
    _key_table(oregon, "Regional")
    described = oregon.describe_table(TableName="Regional")["Table"]
    assert described["TableArn"] == (
        f"arn:aws:dynamodb:us-west-2:{server.account_id}:table/Regional"
    )
    assert "Regional" in oregon.list_tables()["TableNames"]
    assert "Regional" not in ireland.list_tables()["TableNames"]
    with pytest.raises(ClientError) as raised:
        ireland.describe_table(TableName="Regional")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_the_same_name_in_two_regions_is_two_tables(server: ServerProcess) -> None:
    tokyo = client(server, "dynamodb", region="ap-northeast-1")
    sydney = client(server, "dynamodb", region="ap-southeast-2")
    _key_table(tokyo, "Twins")
    _key_table(sydney, "Twins")
    tokyo.put_item(TableName="Twins", Item={"Id": {"S": "a"}, "Where": {"S": "tokyo"}})
    assert sydney.get_item(TableName="Twins", Key={"Id": {"S": "a"}}).get("Item") is None
    sydney.delete_table(TableName="Twins")
    assert tokyo.get_item(TableName="Twins", Key={"Id": {"S": "a"}})["Item"]["Where"] == {
        "S": "tokyo"
    }


def test_the_seeds_us_west_2_policy_works_for_a_us_west_2_client(server: ServerProcess) -> None:
    """The seed's GameRole names `arn:aws:dynamodb:us-west-2:…:table/GameScores`: a client
    configured for us-west-2 is allowed; the same session in us-east-1 is refused (another
    table, outside the policy)."""
    iam = client(server, "iam")
    table_arn = f"arn:aws:dynamodb:us-west-2:{server.account_id}:table/GameScores"
    statement = game_role_statement(table_arn, "aws:userid")
    trust = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"},
        "Action": "sts:AssumeRole",
    }
    role = iam.create_role(
        RoleName="WestGameRole",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
    )["Role"]
    iam.put_role_policy(
        RoleName="WestGameRole",
        PolicyName="GameRole",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )
    create_game_scores_table(client(server, "dynamodb", region="us-west-2"))
    sts = client(server, "sts", region="us-west-2")
    answer = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="player")
    me = f"{role['RoleId']}:player"
    credentials = answer["Credentials"]

    def player(region: str) -> Any:
        return client(
            server,
            "dynamodb",
            region=region,
            access_key=credentials["AccessKeyId"],
            secret_key=credentials["SecretAccessKey"],
            session_token=credentials["SessionToken"],
        )

    item = {"UserId": {"S": me}, "GameTitle": {"S": "Meteor Blasters"}, "TopScore": {"N": "1"}}
    player("us-west-2").put_item(TableName="GameScores", Item=item)
    with pytest.raises(ClientError) as raised:
        player("us-east-1").put_item(TableName="GameScores", Item=item)
    error = raised.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert f"arn:aws:dynamodb:us-east-1:{server.account_id}:table/GameScores" in error["Message"]


def test_iam_and_sts_are_global(server: ServerProcess) -> None:
    trust = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"},
        "Action": "sts:AssumeRole",
    }
    client(server, "iam", region="eu-central-1").create_role(
        RoleName="Everywhere",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
    )
    names = {r["RoleName"] for r in client(server, "iam", region="sa-east-1").list_roles()["Roles"]}
    assert "Everywhere" in names
    assert client(server, "sts", region="ap-south-1").get_caller_identity()["Account"] == (
        server.account_id
    )


def test_identity_pools_are_regional(server: ServerProcess) -> None:
    west = client(server, "cognito-identity", region="us-west-2")
    east = client(server, "cognito-identity", region="us-east-1")
    pool = west.create_identity_pool(
        IdentityPoolName="WestPool", AllowUnauthenticatedIdentities=True
    )["IdentityPoolId"]
    assert pool.startswith("us-west-2:")
    listed = [p["IdentityPoolId"] for p in west.list_identity_pools(MaxResults=60)["IdentityPools"]]
    assert pool in listed
    assert pool not in [
        p["IdentityPoolId"] for p in east.list_identity_pools(MaxResults=60)["IdentityPools"]
    ]
    with pytest.raises(ClientError) as raised:
        east.describe_identity_pool(IdentityPoolId=pool)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    # Unsigned GetId is served in the pool's region, whatever the client is set to.
    identity = east.get_id(IdentityPoolId=pool)["IdentityId"]
    assert identity.startswith("us-west-2:")


def test_regions_may_be_restricted(tmp_path: Path) -> None:
    with running_server(tmp_path, "--regions", "us-east-1,eu-west-1") as server:
        client(server, "dynamodb", region="eu-west-1").list_tables()
        with pytest.raises(ClientError) as raised:
            client(server, "dynamodb", region="us-west-2").list_tables()
        error = raised.value.response["Error"]
        assert error["Code"] == "InvalidSignatureException"
        assert (
            error["Message"] == "Credential should be scoped to a valid region, not 'us-west-2'. "
        )
        with pytest.raises(ClientError) as raised:
            client(server, "sts", region="us-west-2").get_caller_identity()
        assert raised.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_tables_of_a_single_region_version_move_to_their_region(tmp_path: Path) -> None:
    """Data written before tables were regional (stored under the bare table name) stays
    in the region the server served then: the one in each table's ARN."""
    with running_server(tmp_path, "--region", "eu-west-3") as server:
        paris = client(server, "dynamodb", region="eu-west-3")
        _key_table(paris, "Legacy")
        paris.put_item(TableName="Legacy", Item={"Id": {"S": "kept"}})
        storage_url = server.storage_url or str(tmp_path)
    storage = open_storage(storage_url)
    try:
        # What an earlier version left: the document under the bare name.
        with storage.read() as view:
            document = view.get_document(DOCUMENT_KIND, "eu-west-3/Legacy")
        assert document is not None

        def unregion(txn: Any) -> None:
            txn.delete_document(DOCUMENT_KIND, "eu-west-3/Legacy")
            txn.put_document(DOCUMENT_KIND, "Legacy", document)

        storage.write(unregion)
    finally:
        storage.close()
    with running_server(tmp_path, "--region", "us-east-1") as server:
        paris = client(server, "dynamodb", region="eu-west-3")
        assert paris.get_item(TableName="Legacy", Key={"Id": {"S": "kept"}})["Item"] == {
            "Id": {"S": "kept"}
        }
        assert "Legacy" not in client(server, "dynamodb").list_tables()["TableNames"]
