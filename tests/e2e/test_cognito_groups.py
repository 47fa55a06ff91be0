"""User-pool groups on the cognito-idp API through boto3 against a real server: CreateGroup
with RoleArn and Precedence, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup;
tokens carrying `cognito:groups`, `cognito:roles` and `cognito:preferred_role`; and an
identity pool's `Token` role mapping giving the preferred role's credentials.

References: Amazon Cognito developer guide, "Adding groups to a user pool" (precedence and
the role claims) and "Using role-based access control" (Token role mapping).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from tests.e2e.userpool_flow import new_pool, unsigned_idp
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("groups"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def idp(server: ServerProcess) -> Any:
    return client(server, "cognito-idp")


def payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return claims


def role_trust(identity_pool_id: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_groups_roles_in_tokens_and_the_token_role_mapping(idp: Any, server: ServerProcess) -> None:
    pool_id, client_id, _ = new_pool(idp)
    iam = client(server, "iam")
    identity = client(server, "cognito-identity")
    provider = f"cognito-idp.{server.region}.amazonaws.com/{pool_id}"
    identity_pool_id = identity.create_identity_pool(
        IdentityPoolName="groups",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}],
    )["IdentityPoolId"]
    trust = role_trust(identity_pool_id)
    admins_role = iam.create_role(RoleName="GroupAdmins", AssumeRolePolicyDocument=trust)
    players_role = iam.create_role(RoleName="GroupPlayers", AssumeRolePolicyDocument=trust)
    admins_arn, players_arn = admins_role["Role"]["Arn"], players_role["Role"]["Arn"]

    made = idp.create_group(
        UserPoolId=pool_id,
        GroupName="admins",
        Description="runs the place",
        RoleArn=admins_arn,
        Precedence=1,
    )["Group"]
    assert (made["GroupName"], made["RoleArn"], made["Precedence"]) == ("admins", admins_arn, 1)
    idp.create_group(UserPoolId=pool_id, GroupName="players", RoleArn=players_arn, Precedence=5)
    idp.create_group(UserPoolId=pool_id, GroupName="newsletter")
    with pytest.raises(idp.exceptions.GroupExistsException, match="already exists"):
        idp.create_group(UserPoolId=pool_id, GroupName="admins")
    assert idp.get_group(UserPoolId=pool_id, GroupName="players")["Group"]["Precedence"] == 5
    listed = idp.list_groups(UserPoolId=pool_id)["Groups"]
    assert [g["GroupName"] for g in listed] == ["admins", "newsletter", "players"]

    for name in ("kim", "lee"):
        idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=name, Password=f"{name}-password", Permanent=True
        )
    for group in ("players", "admins", "newsletter"):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="kim", GroupName=group)
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="lee", GroupName="players")
    with pytest.raises(idp.exceptions.ResourceNotFoundException, match="Group not found"):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="kim", GroupName="nope")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="nobody", GroupName="players")
    kims = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="kim")["Groups"]
    assert sorted(g["GroupName"] for g in kims) == ["admins", "newsletter", "players"]
    members = idp.list_users_in_group(UserPoolId=pool_id, GroupName="players")["Users"]
    assert [u["Username"] for u in members] == ["kim", "lee"]

    public = unsigned_idp(server)

    def tokens(name: str) -> dict[str, Any]:
        result: dict[str, Any] = public.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": f"{name}-password"},
        )["AuthenticationResult"]
        return result

    kim = tokens("kim")
    claims = payload(kim["IdToken"])
    assert claims["cognito:groups"] == ["admins", "players", "newsletter"]
    assert claims["cognito:roles"] == [admins_arn, players_arn]
    assert claims["cognito:preferred_role"] == admins_arn
    assert payload(kim["AccessToken"])["cognito:groups"] == ["admins", "players", "newsletter"]

    identity.set_identity_pool_roles(
        IdentityPoolId=identity_pool_id,
        Roles={"authenticated": players_arn},
        RoleMappings={
            f"{provider}:{client_id}": {
                "Type": "Token",
                "AmbiguousRoleResolution": "AuthenticatedRole",
            }
        },
    )
    anonymous = boto3.session.Session().client(
        "cognito-identity",
        endpoint_url=server.endpoint,
        region_name=server.region,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )

    def assumed_role(id_token: str) -> str:
        logins = {provider: id_token}
        identity_id = anonymous.get_id(IdentityPoolId=identity_pool_id, Logins=logins)
        credentials = anonymous.get_credentials_for_identity(
            IdentityId=identity_id["IdentityId"], Logins=logins
        )["Credentials"]
        sts = client(
            server,
            "sts",
            access_key=credentials["AccessKeyId"],
            secret_key=credentials["SecretKey"],
            session_token=credentials["SessionToken"],
        )
        arn: str = sts.get_caller_identity()["Arn"]
        return arn

    assert ":assumed-role/GroupAdmins/" in assumed_role(kim["IdToken"])
    assert ":assumed-role/GroupPlayers/" in assumed_role(tokens("lee")["IdToken"])

    # Membership and group changes show in the next sign-in's tokens.
    idp.update_group(UserPoolId=pool_id, GroupName="players", Precedence=0)
    assert payload(tokens("kim")["IdToken"])["cognito:preferred_role"] == players_arn
    idp.admin_remove_user_from_group(UserPoolId=pool_id, Username="kim", GroupName="players")
    idp.delete_group(UserPoolId=pool_id, GroupName="newsletter")
    claims = payload(tokens("kim")["IdToken"])
    assert claims["cognito:groups"] == ["admins"] and claims["cognito:roles"] == [admins_arn]
    kims = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="kim")["Groups"]
    assert [g["GroupName"] for g in kims] == ["admins"]
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.get_group(UserPoolId=pool_id, GroupName="newsletter")
