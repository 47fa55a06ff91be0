"""GetSessionToken, GetFederationToken, GetAccessKeyInfo and GetCallerIdentity through the
real server with unmodified boto3: the sessions an IAM user mints carry the user's
permissions (GetSessionToken) or their intersection with the session policies passed
(GetFederationToken), and neither lets the user grant itself more, through IAM or STS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client
from tests.support.iam_users import (
    CACHE_SECONDS,
    MARGIN,
    UserKey,
    allow,
    create_user_with_key,
    error_code,
    policy,
    short_cache_server,
    unique,
    user_client,
    wait_for,
)
from tests.support.server_process import ACCOUNT_ID, ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    yield from short_cache_server(tmp_path_factory.mktemp("dynafed-caller-sessions"))


@pytest.fixture(scope="module")
def iam(server: ServerProcess) -> Any:
    return client(server, "iam")


@pytest.fixture(scope="module")
def tables(server: ServerProcess) -> tuple[str, str]:
    dynamodb = client(server, "dynamodb")
    names = (unique("Allowed"), unique("Other"))
    for name in names:
        dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    return names


def table_arn(name: str) -> str:
    return f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/{name}"


def session_client(server: ServerProcess, service: str, credentials: dict[str, Any]) -> Any:
    return client(
        server,
        service,
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )


def get_item(dynamodb: Any, table: str) -> str | None:
    return error_code(lambda: dynamodb.get_item(TableName=table, Key={"pk": {"S": "a"}}))


def reader(iam: Any, tables: tuple[str, str], *extra: str) -> UserKey:
    """A user that may read the first table (and do `extra` actions on anything)."""
    statements = [allow("dynamodb:GetItem", table_arn(tables[0]))]
    if extra:
        statements.append(allow(list(extra)))
    return create_user_with_key(iam, unique("reader"), policy(*statements))


def test_a_session_token_acts_as_the_user(
    server: ServerProcess, iam: Any, tables: tuple[str, str]
) -> None:
    key = reader(iam, tables)
    before = datetime.now(UTC)
    credentials = user_client(server, "sts", key).get_session_token()["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    # A user's session lasts 12 hours by default.
    assert abs(credentials["Expiration"] - (before + timedelta(hours=12))) < timedelta(minutes=1)

    identity = session_client(server, "sts", credentials).get_caller_identity()
    user = iam.get_user(UserName=key.user_name)["User"]
    assert identity["Arn"] == user["Arn"] and identity["UserId"] == user["UserId"]
    dynamodb = session_client(server, "dynamodb", credentials)
    assert get_item(dynamodb, tables[0]) is None
    assert get_item(dynamodb, tables[1]) == "AccessDeniedException"


def test_a_session_token_cannot_reach_iam_or_mint_more_sessions(
    server: ServerProcess, iam: Any, tables: tuple[str, str]
) -> None:
    key = reader(iam, tables, "iam:*", "sts:GetFederationToken")
    session = user_client(server, "sts", key).get_session_token(DurationSeconds=900)
    credentials = session["Credentials"]
    session_iam = session_client(server, "iam", credentials)
    with pytest.raises(ClientError) as no_iam:
        session_iam.put_user_policy(
            UserName=key.user_name, PolicyName="more", PolicyDocument=policy(allow("*"))
        )
    assert no_iam.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert no_iam.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    session_sts = session_client(server, "sts", credentials)
    with pytest.raises(ClientError) as again:
        session_sts.get_session_token()
    assert again.value.response["Error"] == {
        "Type": "Sender",
        "Code": "AccessDenied",
        "Message": "Cannot call GetSessionToken with session credentials",
    }
    assert error_code(lambda: session_sts.get_federation_token(Name="x" * 5)) == "AccessDenied"
    assert error_code(lambda: iam.get_user_policy(UserName=key.user_name, PolicyName="more")) == (
        "NoSuchEntity"
    )


def test_session_token_duration_bounds(server: ServerProcess, iam: Any) -> None:
    key = create_user_with_key(iam, unique("durations"))
    sts = user_client(server, "sts", key)
    before = datetime.now(UTC)
    longest = sts.get_session_token(DurationSeconds=129_600)["Credentials"]["Expiration"]
    assert abs(longest - (before + timedelta(hours=36))) < timedelta(minutes=1)
    with pytest.raises(ClientError) as too_long:
        sts.get_session_token(DurationSeconds=129_601)
    error = too_long.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert "less than or equal to 129600" in error["Message"]
    # The account's own credentials get at most an hour, whatever is asked.
    admin = client(server, "sts").get_session_token(DurationSeconds=7200)["Credentials"]
    assert admin["Expiration"] - datetime.now(UTC) <= timedelta(hours=1)
    root = session_client(server, "sts", admin).get_caller_identity()
    assert root["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert session_client(server, "dynamodb", admin).list_tables()["TableNames"] is not None


def test_mfa_codes_are_refused_without_devices(server: ServerProcess, iam: Any) -> None:
    key = create_user_with_key(iam, unique("nomfa"))
    with pytest.raises(ClientError) as refused:
        user_client(server, "sts", key).get_session_token(
            SerialNumber=f"arn:aws:iam::{ACCOUNT_ID}:mfa/device", TokenCode="123456"
        )
    assert refused.value.response["Error"]["Code"] == "AccessDenied"


def test_a_federated_user_gets_the_intersection(
    server: ServerProcess, iam: Any, tables: tuple[str, str]
) -> None:
    key = reader(iam, tables, "sts:GetFederationToken")
    everything = policy(allow(["dynamodb:*", "iam:*", "sts:*"]))
    token = user_client(server, "sts", key).get_federation_token(
        Name="Bob", Policy=everything, DurationSeconds=900
    )
    arn = f"arn:aws:sts::{ACCOUNT_ID}:federated-user/Bob"
    assert token["FederatedUser"] == {"FederatedUserId": f"{ACCOUNT_ID}:Bob", "Arn": arn}
    assert token["PackedPolicySize"] > 0
    credentials = token["Credentials"]
    identity = session_client(server, "sts", credentials).get_caller_identity()
    assert (identity["UserId"], identity["Arn"]) == (f"{ACCOUNT_ID}:Bob", arn)

    dynamodb = session_client(server, "dynamodb", credentials)
    assert get_item(dynamodb, tables[0]) is None
    with pytest.raises(ClientError) as denied:
        dynamodb.get_item(TableName=tables[1], Key={"pk": {"S": "a"}})
    assert arn in denied.value.response["Error"]["Message"]
    # The session policy allows writes; the user's own policies do not.
    assert (
        error_code(lambda: dynamodb.put_item(TableName=tables[0], Item={"pk": {"S": "b"}}))
        == "AccessDeniedException"
    )
    assert (
        error_code(lambda: session_client(server, "iam", credentials).list_users())
        == "InvalidClientTokenId"
    )
    federated_sts = session_client(server, "sts", credentials)
    for call in (
        federated_sts.get_session_token,
        lambda: federated_sts.get_federation_token(Name="Eve", Policy=everything),
        lambda: federated_sts.assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/Any", RoleSessionName="session"
        ),
        lambda: federated_sts.get_access_key_info(AccessKeyId=key.access_key_id),
    ):
        assert error_code(call) == "AccessDenied"


def test_a_federated_user_without_a_session_policy_may_do_nothing(
    server: ServerProcess, iam: Any, tables: tuple[str, str]
) -> None:
    key = reader(iam, tables, "sts:GetFederationToken")
    credentials = user_client(server, "sts", key).get_federation_token(Name="NoPolicy")[
        "Credentials"
    ]
    assert get_item(session_client(server, "dynamodb", credentials), tables[0]) == (
        "AccessDeniedException"
    )


def test_managed_session_policies_narrow_too(
    server: ServerProcess, iam: Any, tables: tuple[str, str]
) -> None:
    key = reader(iam, tables, "sts:GetFederationToken", "dynamodb:PutItem")
    read_only = iam.create_policy(
        PolicyName=unique("ReadOnly"), PolicyDocument=policy(allow("dynamodb:GetItem"))
    )["Policy"]["Arn"]
    credentials = user_client(server, "sts", key).get_federation_token(
        Name="Reader", PolicyArns=[{"arn": read_only}]
    )["Credentials"]
    dynamodb = session_client(server, "dynamodb", credentials)
    assert get_item(dynamodb, tables[0]) is None
    assert (
        error_code(lambda: dynamodb.put_item(TableName=tables[0], Item={"pk": {"S": "c"}}))
        == "AccessDeniedException"
    )
    missing = f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('Missing')}"
    assert (
        error_code(
            lambda: user_client(server, "sts", key).get_federation_token(
                Name="Reader", PolicyArns=[{"arn": missing}]
            )
        )
        == "MalformedPolicyDocument"
    )


def test_get_federation_token_needs_permission(
    server: ServerProcess, iam: Any, tables: tuple[str, str]
) -> None:
    key = reader(iam, tables)
    with pytest.raises(ClientError) as denied:
        user_client(server, "sts", key).get_federation_token(
            Name="Bob", Policy=policy(allow("dynamodb:*"))
        )
    error = denied.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert "sts:GetFederationToken" in error["Message"]
    assert f"arn:aws:sts::{ACCOUNT_ID}:federated-user/Bob" in error["Message"]
    with pytest.raises(ClientError) as bad_name:
        user_client(server, "sts", key).get_federation_token(Name="x" * 33)
    assert bad_name.value.response["Error"]["Code"] == "ValidationError"


def test_get_access_key_info(server: ServerProcess, iam: Any) -> None:
    assert (
        client(server, "sts").get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"]
        == ACCOUNT_ID
    )
    allowed = create_user_with_key(iam, unique("keyinfo"), policy(allow("sts:GetAccessKeyInfo")))
    info = user_client(server, "sts", allowed).get_access_key_info(
        AccessKeyId=allowed.access_key_id
    )
    assert info["Account"] == ACCOUNT_ID
    refused = create_user_with_key(iam, unique("nokeyinfo"))
    assert (
        error_code(
            lambda: user_client(server, "sts", refused).get_access_key_info(
                AccessKeyId=refused.access_key_id
            )
        )
        == "AccessDenied"
    )


def test_sessions_end_with_their_user_and_follow_its_policies(
    server: ServerProcess, iam: Any, tables: tuple[str, str]
) -> None:
    key = reader(iam, tables, "sts:GetFederationToken")
    sts = user_client(server, "sts", key)
    own = session_client(server, "dynamodb", sts.get_session_token()["Credentials"])
    federated = session_client(
        server,
        "dynamodb",
        sts.get_federation_token(Name="Temp", Policy=policy(allow("dynamodb:*")))["Credentials"],
    )
    assert get_item(own, tables[0]) is None and get_item(federated, tables[0]) is None

    # A policy taken from the user is taken from its sessions.
    iam.delete_user_policy(UserName=key.user_name, PolicyName="own")
    for session in (own, federated):
        wait_for(
            lambda session=session: get_item(session, tables[0]) == "AccessDeniedException",
            CACHE_SECONDS + MARGIN,
            "a removed policy stops the sessions",
        )
    # A user re-created under the same name is another user: the old sessions get nothing.
    iam.delete_access_key(UserName=key.user_name, AccessKeyId=key.access_key_id)
    iam.delete_user(UserName=key.user_name)
    iam.create_user(UserName=key.user_name)
    iam.put_user_policy(
        UserName=key.user_name,
        PolicyName="own",
        PolicyDocument=policy(allow("dynamodb:GetItem")),
    )
    created = iam.create_access_key(UserName=key.user_name)["AccessKey"]
    successor = client(
        server,
        "dynamodb",
        access_key=created["AccessKeyId"],
        secret_key=created["SecretAccessKey"],
    )
    # Once the new user's key reads, enforcement holds the new user under that name.
    wait_for(
        lambda: get_item(successor, tables[0]) is None,
        CACHE_SECONDS + MARGIN,
        "the re-created user's policy reaches enforcement",
    )
    assert get_item(own, tables[0]) == "AccessDeniedException"
    assert get_item(federated, tables[0]) == "AccessDeniedException"


def test_session_tags_need_tag_session_and_cannot_forge_user_tags(
    server: ServerProcess, iam: Any, tables: tuple[str, str]
) -> None:
    """A user whose reads depend on its `team` tag cannot pass a different `team` as a
    federation session tag unless it is also allowed `sts:TagSession`."""
    conditional = allow("dynamodb:GetItem", table_arn(tables[1]))
    conditional["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": "admins"}}
    key = create_user_with_key(
        iam,
        unique("tagger"),
        policy(
            allow("sts:GetFederationToken"),
            allow("dynamodb:GetItem", table_arn(tables[0])),
            conditional,
        ),
    )
    iam.tag_user(UserName=key.user_name, Tags=[{"Key": "team", "Value": "players"}])
    sts = user_client(server, "sts", key)
    with pytest.raises(ClientError) as refused:
        sts.get_federation_token(
            Name="Forger",
            Policy=policy(allow("dynamodb:*")),
            Tags=[{"Key": "team", "Value": "admins"}],
        )
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert "sts:TagSession" in refused.value.response["Error"]["Message"]
    plain = sts.get_federation_token(Name="Plain", Policy=policy(allow("dynamodb:*")))
    dynamodb = session_client(server, "dynamodb", plain["Credentials"])
    assert get_item(dynamodb, tables[0]) is None
    assert get_item(dynamodb, tables[1]) == "AccessDeniedException"


def test_allowed_session_tags_override_the_users_tags(
    server: ServerProcess, iam: Any, tables: tuple[str, str]
) -> None:
    """With `sts:TagSession` the session tag wins over the user's tag of the same key, as
    AWS documents ("Passing session tags in AWS STS")."""
    conditional = allow("dynamodb:GetItem", table_arn(tables[1]))
    conditional["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": "admins"}}
    key = create_user_with_key(
        iam,
        unique("tagsession"),
        policy(allow(["sts:GetFederationToken", "sts:TagSession"]), conditional),
    )
    iam.tag_user(UserName=key.user_name, Tags=[{"Key": "Team", "Value": "players"}])
    token = user_client(server, "sts", key).get_federation_token(
        Name="Tagged",
        Policy=policy(allow("dynamodb:GetItem")),
        Tags=[{"Key": "team", "Value": "admins"}],
    )
    assert get_item(session_client(server, "dynamodb", token["Credentials"]), tables[1]) is None


def test_the_accounts_federated_users_get_only_their_session_policy(
    server: ServerProcess, tables: tuple[str, str]
) -> None:
    token = client(server, "sts").get_federation_token(
        Name="Operator", Policy=policy(allow("dynamodb:GetItem", table_arn(tables[0])))
    )
    assert token["FederatedUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:federated-user/Operator"
    dynamodb = session_client(server, "dynamodb", token["Credentials"])
    assert get_item(dynamodb, tables[0]) is None
    assert get_item(dynamodb, tables[1]) == "AccessDeniedException"
    assert error_code(lambda: session_client(server, "iam", token["Credentials"]).list_users()) == (
        "InvalidClientTokenId"
    )
