"""Identity pools with unmodified clients against a real server: boto3's cognito-identity
client (signed admin calls, unsigned GetId/GetOpenIdToken/GetCredentialsForIdentity), the
credentials used with STS and DynamoDB (GameScores policy keyed on
`${cognito-identity.amazonaws.com:sub}`), the basic flow through STS, unauthenticated
identities, errors as botocore parses them, and the AWS SDK for JavaScript v3 in Node
(`fromCognitoIdentityPool`).

References: Cognito Identity API reference (GetId, GetOpenIdToken, GetCredentialsForIdentity),
Cognito Developer Guide "Identity pools authentication flow" and "IAM roles"; DynamoDB
fine-grained access control with `${cognito-identity.amazonaws.com:sub}`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from joserfc.jwk import KeySet
from joserfc.jwt import decode

from dynafed.demo import gamescores
from tests.e2e.userpool_flow import UserPoolSite, make_site, users_cli
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

POOL = "us-east-1_CognitoE2e"
WEB = Path(__file__).resolve().parents[2] / "web"


def _trust(pool_id: str, amr: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
                    },
                }
            ],
        }
    )


class World:
    def __init__(self, server: ServerProcess, site: UserPoolSite) -> None:
        self.server, self.site = server, site
        self.provider = f"cognito-idp.{server.region}.amazonaws.com/{POOL}"
        self.admin = client(server, "cognito-identity")
        self.anonymous = boto3.session.Session().client(
            "cognito-identity",
            endpoint_url=server.endpoint,
            region_name=server.region,
            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
        )
        self.pool_id = self.admin.create_identity_pool(
            IdentityPoolName="GameScores e2e",
            AllowUnauthenticatedIdentities=True,
            AllowClassicFlow=True,
            CognitoIdentityProviders=[{"ProviderName": self.provider, "ClientId": site.client_id}],
        )["IdentityPoolId"]
        iam = client(server, "iam")
        self.game_role = iam.create_role(
            RoleName="GameRole", AssumeRolePolicyDocument=_trust(self.pool_id, "authenticated")
        )["Role"]["Arn"]
        iam.put_role_policy(
            RoleName="GameRole",
            PolicyName="own-items",
            PolicyDocument=gamescores.permission_policy(server.region, server.account_id),
        )
        self.guest_role = iam.create_role(
            RoleName="GuestRole", AssumeRolePolicyDocument=_trust(self.pool_id, "unauthenticated")
        )["Role"]["Arn"]
        self.admin.set_identity_pool_roles(
            IdentityPoolId=self.pool_id,
            Roles={"authenticated": self.game_role, "unauthenticated": self.guest_role},
        )
        client(server, "dynamodb").create_table(**gamescores.create_table_request())
        self.alice = site.sign_in("alice", "alice-password")["id_token"]
        self.bob = site.sign_in("bob", "bob-password")["id_token"]

    def identity(self, token: str) -> str:
        answer = self.anonymous.get_id(IdentityPoolId=self.pool_id, Logins={self.provider: token})
        identity_id: str = answer["IdentityId"]
        return identity_id

    def credentials(self, token: str) -> tuple[str, dict[str, Any]]:
        identity_id = self.identity(token)
        answer = self.anonymous.get_credentials_for_identity(
            IdentityId=identity_id, Logins={self.provider: token}
        )
        return identity_id, answer["Credentials"]

    def as_session(self, service: str, credentials: dict[str, Any]) -> Any:
        return client(
            self.server,
            service,
            access_key=credentials["AccessKeyId"],
            secret_key=credentials["SecretKey"],
            session_token=credentials["SessionToken"],
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = start_server(tmp_path_factory.mktemp("cognito"))
    try:
        site = make_site(server, POOL)
        users_cli(server, "add", POOL, "alice", "--password", "alice-password")
        users_cli(server, "add", POOL, "bob", "--password", "bob-password")
        yield World(server, site)
    finally:
        server.stop()


def _query(dynamodb: Any, user: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = dynamodb.query(
        TableName="GameScores",
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues={":u": {"S": user}},
        ProjectionExpression="UserId, GameTitle, TopScore",
    )["Items"]
    return items


def test_describe_and_roles_round_trip(world: World) -> None:
    described = world.admin.describe_identity_pool(IdentityPoolId=world.pool_id)
    assert described["CognitoIdentityProviders"] == [
        {"ProviderName": world.provider, "ClientId": world.site.client_id}
    ]
    roles = world.admin.get_identity_pool_roles(IdentityPoolId=world.pool_id)["Roles"]
    assert roles == {"authenticated": world.game_role, "unauthenticated": world.guest_role}
    pools = world.admin.list_identity_pools(MaxResults=10)["IdentityPools"]
    assert {"IdentityPoolId": world.pool_id, "IdentityPoolName": "GameScores e2e"} in pools


def test_enhanced_flow_credentials_reach_only_the_own_partition(world: World) -> None:
    alice_id, credentials = world.credentials(world.alice)
    bob_id = world.identity(world.bob)
    assert alice_id != bob_id and world.identity(world.alice) == alice_id
    expires_in = (credentials["Expiration"] - datetime.now(UTC)).total_seconds()
    assert 3500 < expires_in <= 3600
    caller = world.as_session("sts", credentials).get_caller_identity()
    assert caller["Arn"].endswith(":assumed-role/GameRole/CognitoIdentityCredentials")

    dynamodb = world.as_session("dynamodb", credentials)
    dynamodb.put_item(
        TableName="GameScores",
        Item={"UserId": {"S": alice_id}, "GameTitle": {"S": "Tetris"}, "TopScore": {"N": "9"}},
    )
    assert [i["GameTitle"]["S"] for i in _query(dynamodb, alice_id)] == ["Tetris"]
    with pytest.raises(ClientError) as denied:
        _query(dynamodb, bob_id)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"


def test_basic_flow_through_sts(world: World) -> None:
    identity_id = world.identity(world.alice)
    token = world.anonymous.get_open_id_token(
        IdentityId=identity_id, Logins={world.provider: world.alice}
    )["Token"]
    sts = boto3.session.Session().client(
        "sts",
        endpoint_url=world.server.endpoint,
        region_name=world.server.region,
        config=Config(signature_version=UNSIGNED),
    )
    answer = sts.assume_role_with_web_identity(
        RoleArn=world.game_role, RoleSessionName="basic-flow", WebIdentityToken=token
    )
    assert answer["SubjectFromWebIdentityToken"] == identity_id
    assert answer["Audience"] == world.pool_id
    assert answer["Provider"] == "cognito-identity.amazonaws.com"
    assert answer["AssumedRoleUser"]["Arn"].endswith(":assumed-role/GameRole/basic-flow")


def test_the_basic_flow_follows_a_change_made_through_the_server_at_once(world: World) -> None:
    """The server keeps the roles and pools STS reads for the IAM cache bound (5 s), but a
    change made through this server counts from the next request (docs/scale-out.md)."""
    pool_id = world.admin.create_identity_pool(
        IdentityPoolName="kept", AllowUnauthenticatedIdentities=True, AllowClassicFlow=True
    )["IdentityPoolId"]
    iam = client(world.server, "iam")
    role = iam.create_role(
        RoleName="KeptRole", AssumeRolePolicyDocument=_trust(pool_id, "unauthenticated")
    )["Role"]["Arn"]
    identity_id = world.anonymous.get_id(IdentityPoolId=pool_id)["IdentityId"]
    token = world.anonymous.get_open_id_token(IdentityId=identity_id)["Token"]
    sts = boto3.session.Session().client(
        "sts",
        endpoint_url=world.server.endpoint,
        region_name=world.server.region,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )

    def exchange() -> str:
        try:
            sts.assume_role_with_web_identity(
                RoleArn=role, RoleSessionName="kept", WebIdentityToken=token
            )
        except ClientError as error:
            return str(error.response["Error"]["Code"])
        return "granted"

    assert exchange() == "granted"
    iam.update_assume_role_policy(
        RoleName="KeptRole", PolicyDocument=_trust(pool_id, "authenticated")
    )
    assert exchange() == "AccessDenied"
    iam.update_assume_role_policy(
        RoleName="KeptRole", PolicyDocument=_trust(pool_id, "unauthenticated")
    )
    assert exchange() == "granted"
    world.admin.update_identity_pool(
        IdentityPoolId=pool_id,
        IdentityPoolName="kept",
        AllowUnauthenticatedIdentities=True,
        AllowClassicFlow=False,
    )
    assert exchange() == "InvalidIdentityToken"


def test_open_id_token_verifies_with_the_published_keys(world: World) -> None:
    identity_id = world.identity(world.alice)
    token = world.anonymous.get_open_id_token(
        IdentityId=identity_id, Logins={world.provider: world.alice}
    )["Token"]
    issuer = f"{world.server.endpoint}/cognito-identity"
    discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == issuer
    jwks = requests.get(discovery["jwks_uri"], timeout=10).json()
    claims = decode(token, KeySet.import_key_set(jwks), algorithms=["RS512"]).claims
    assert (claims["iss"], claims["aud"], claims["sub"]) == (issuer, world.pool_id, identity_id)
    assert claims["amr"][:2] == ["authenticated", world.provider]


def test_unauthenticated_identity_gets_the_guest_role(world: World) -> None:
    guest = world.anonymous.get_id(IdentityPoolId=world.pool_id)["IdentityId"]
    credentials = world.anonymous.get_credentials_for_identity(IdentityId=guest)["Credentials"]
    caller = world.as_session("sts", credentials).get_caller_identity()
    assert caller["Arn"].endswith(":assumed-role/GuestRole/CognitoIdentityCredentials")
    with pytest.raises(ClientError) as denied:
        _query(world.as_session("dynamodb", credentials), guest)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"


def _error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as failure:
        call(**kwargs)
    error = failure.value.response["Error"]
    return error["Code"], error["Message"]


def test_errors_as_botocore_reads_them(world: World) -> None:
    assert _error(world.anonymous.get_id, IdentityPoolId="us-east-1_wrongkind") == (
        "ValidationException",
        "1 validation error detected: Value 'us-east-1_wrongkind' at 'identityPoolId' failed "
        "to satisfy constraint: Member must satisfy regular expression pattern: "
        "[\\w-]+:[0-9a-f-]+",
    )
    missing = "us-east-1:00000000-0000-0000-0000-000000000000"
    assert _error(world.anonymous.get_id, IdentityPoolId=missing) == (
        "ResourceNotFoundException",
        f"IdentityPool '{missing}' not found.",
    )
    assert _error(
        world.anonymous.get_id,
        IdentityPoolId=world.pool_id,
        Logins={"accounts.google.com": world.alice},
    ) == ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.")
    code, message = _error(
        world.anonymous.get_credentials_for_identity, IdentityId=world.identity(world.alice)
    )
    assert code == "NotAuthorizedException" and message.startswith("Logins don't match.")


def test_browsers_get_cors_answers_even_for_errors(world: World) -> None:
    origin = "http://game.example"
    preflight = requests.options(
        world.server.endpoint,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent",
        },
        timeout=10,
    )
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "x-amz-target" in preflight.headers["access-control-allow-headers"]
    refused = requests.post(
        world.server.endpoint,
        data=json.dumps({"IdentityPoolId": world.pool_id, "Logins": {"nope.example": "x"}}),
        headers={
            "Origin": origin,
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityService.GetId",
        },
        timeout=10,
    )
    assert refused.status_code == 400
    assert refused.json()["__type"] == "NotAuthorizedException"
    assert refused.headers["access-control-allow-origin"] == origin
    assert "x-amzn-ErrorType" in refused.headers["access-control-expose-headers"]


def test_javascript_sdk_from_cognito_identity_pool(world: World) -> None:
    node = shutil.which("node")
    assert node is not None and (WEB / "node_modules" / "@aws-sdk").is_dir(), (
        "run scripts/ensure-test-services.sh (npm ci in web/)"
    )
    bob_id = world.identity(world.bob)
    done = subprocess.run(
        [
            node,
            str(WEB / "e2e" / "cognito_node.mjs"),
            world.server.endpoint,
            world.server.region,
            world.pool_id,
            world.provider,
            world.alice,
            "GameScores",
            bob_id,
        ],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "error" not in report, report["error"]
    assert report["identityId"] == world.identity(world.alice)
    assert report["accessKeyId"].startswith("ASIA")
    assert 3500 < report["expiresInSeconds"] <= 3600
    assert "Node Rally" in report["own"]
    assert report["other"] == "AccessDeniedException"
