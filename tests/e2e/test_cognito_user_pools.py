"""The Cognito user pools API (`cognito-idp`) through boto3 and the AWS CLI against a real
server: pools, app clients and users; AdminInitiateAuth and InitiateAuth with passwords,
the NEW_PASSWORD_REQUIRED challenge and refresh; ID tokens that STS accepts once the pool's
issuer is an IAM OIDC provider; and who may call what.

References: the Amazon Cognito user pools API reference (CreateUserPool, AdminCreateUser,
InitiateAuth, RespondToAuthChallenge …) and "Authentication flows" in the developer guide.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from joserfc.jwk import KeySet
from joserfc.jwt import decode

from tests.support.clients import aws_cli_env, client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

PASSWORD_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH"]
ALL_FLOWS = [*PASSWORD_FLOWS, "ALLOW_REFRESH_TOKEN_AUTH"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("cognito-idp"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def idp(server: ServerProcess) -> Any:
    return client(server, "cognito-idp")


def unsigned_idp(server: ServerProcess) -> Any:
    session = boto3.session.Session()
    return session.client(
        "cognito-idp",
        endpoint_url=server.endpoint,
        region_name=server.region,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


class Pool:
    def __init__(self, idp: Any, flows: list[str] | None = None, prevent: str = "ENABLED") -> None:
        self.idp = idp
        self.pool_id = idp.create_user_pool(PoolName=f"pool-{uuid.uuid4().hex[:8]}")["UserPool"][
            "Id"
        ]
        made = idp.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName="app",
            ExplicitAuthFlows=ALL_FLOWS if flows is None else flows,
            CallbackURLs=["http://127.0.0.1/callback"],
            PreventUserExistenceErrors=prevent,
        )
        self.client_id = made["UserPoolClient"]["ClientId"]

    def add_user(self, name: str, password: str, email: str | None = None) -> None:
        attributes = [{"Name": "email", "Value": email}] if email else []
        self.idp.admin_create_user(
            UserPoolId=self.pool_id,
            Username=name,
            TemporaryPassword="temporary-1",
            MessageAction="SUPPRESS",
            UserAttributes=attributes,
        )
        self.idp.admin_set_user_password(
            UserPoolId=self.pool_id, Username=name, Password=password, Permanent=True
        )

    def admin_sign_in(self, name: str, password: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.idp.admin_initiate_auth(
            UserPoolId=self.pool_id,
            ClientId=self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": password},
        )
        return answer


def _code(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Code"])


def test_pool_lifecycle(idp: Any, server: ServerProcess) -> None:
    made = idp.create_user_pool(PoolName="lifecycle")["UserPool"]
    assert made["Id"].startswith(f"{server.region}_") and made["Name"] == "lifecycle"
    assert made["Arn"] == (
        f"arn:aws:cognito-idp:{server.region}:{server.account_id}:userpool/{made['Id']}"
    )
    described = idp.describe_user_pool(UserPoolId=made["Id"])["UserPool"]
    assert described["Id"] == made["Id"] and described["EstimatedNumberOfUsers"] == 0
    listed = idp.list_user_pools(MaxResults=60)["UserPools"]
    assert made["Id"] in [p["Id"] for p in listed]
    other_region = client(server, "cognito-idp", region="eu-west-1")
    assert made["Id"] not in [
        p["Id"] for p in other_region.list_user_pools(MaxResults=60)["UserPools"]
    ]
    idp.delete_user_pool(UserPoolId=made["Id"])
    with pytest.raises(idp.exceptions.ResourceNotFoundException, match="does not exist"):
        idp.describe_user_pool(UserPoolId=made["Id"])


def test_list_user_pools_pages(idp: Any) -> None:
    ids = {idp.create_user_pool(PoolName=f"page-{n}")["UserPool"]["Id"] for n in range(3)}
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxResults": 1}
    while True:
        page = idp.list_user_pools(**kwargs)
        assert len(page["UserPools"]) <= 1
        seen += [p["Id"] for p in page["UserPools"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert ids <= set(seen) and len(seen) == len(set(seen))


def test_validation_and_serialization_errors(idp: Any) -> None:
    with pytest.raises(ClientError) as raised:
        idp.list_user_pools(MaxResults=61)
    assert _code(raised) == "InvalidParameterException" or _code(raised) == "ValidationException"
    assert "less than or equal to 60" in str(raised.value)


def test_client_lifecycle(idp: Any) -> None:
    pool = Pool(idp)
    described = idp.describe_user_pool_client(UserPoolId=pool.pool_id, ClientId=pool.client_id)[
        "UserPoolClient"
    ]
    assert described["ExplicitAuthFlows"] == ALL_FLOWS
    assert described["CallbackURLs"] == ["http://127.0.0.1/callback"]
    assert "ClientSecret" not in described
    confidential = idp.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName="server", GenerateSecret=True
    )["UserPoolClient"]
    assert len(confidential["ClientSecret"]) > 32
    assert confidential["ExplicitAuthFlows"] == [
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
    ]
    listed = idp.list_user_pool_clients(UserPoolId=pool.pool_id, MaxResults=10)
    assert {c["ClientId"] for c in listed["UserPoolClients"]} == {
        pool.client_id,
        confidential["ClientId"],
    }
    idp.delete_user_pool_client(UserPoolId=pool.pool_id, ClientId=confidential["ClientId"])
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.describe_user_pool_client(UserPoolId=pool.pool_id, ClientId=confidential["ClientId"])
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.create_user_pool_client(
            UserPoolId=pool.pool_id, ClientName="bad", CallbackURLs=["http://evil.example/cb"]
        )
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.create_user_pool_client(
            UserPoolId=pool.pool_id,
            ClientName="mixed",
            ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"],
        )


def test_user_lifecycle(idp: Any) -> None:
    pool = Pool(idp)
    created = idp.admin_create_user(
        UserPoolId=pool.pool_id,
        Username="alice",
        TemporaryPassword="temporary-1",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )["User"]
    assert created["UserStatus"] == "FORCE_CHANGE_PASSWORD" and created["Enabled"]
    with pytest.raises(idp.exceptions.UsernameExistsException):
        idp.admin_create_user(UserPoolId=pool.pool_id, Username="ALICE", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool.pool_id, Username="alice", Password="alice-password", Permanent=True
    )
    got = idp.admin_get_user(UserPoolId=pool.pool_id, Username="alice")
    assert got["UserStatus"] == "CONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in got["UserAttributes"]}
    assert attributes["email"] == "alice@example.com" and uuid.UUID(attributes["sub"])
    idp.admin_create_user(UserPoolId=pool.pool_id, Username="bob", MessageAction="SUPPRESS")
    users = idp.list_users(UserPoolId=pool.pool_id)["Users"]
    assert sorted(u["Username"] for u in users) == ["alice", "bob"]
    filtered = idp.list_users(UserPoolId=pool.pool_id, Filter='email = "alice@example.com"')
    assert [u["Username"] for u in filtered["Users"]] == ["alice"]
    with pytest.raises(idp.exceptions.InvalidPasswordException):
        idp.admin_set_user_password(UserPoolId=pool.pool_id, Username="bob", Password="short")
    idp.admin_delete_user(UserPoolId=pool.pool_id, Username="bob")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool.pool_id, Username="bob")


def _claims(server: ServerProcess, pool: Pool, token: str) -> dict[str, Any]:
    issuer = f"{server.endpoint}/idp/{pool.pool_id}"
    with urllib.request.urlopen(f"{issuer}/.well-known/jwks.json", timeout=10) as reply:
        keys = KeySet.import_key_set(json.load(reply))
    claims: dict[str, Any] = decode(token, keys, algorithms=["RS256"]).claims
    return claims


def test_admin_initiate_auth_and_initiate_auth_give_pool_signed_tokens(
    idp: Any, server: ServerProcess
) -> None:
    pool = Pool(idp)
    pool.add_user("carol", "carol-password", "carol@example.com")
    admin = pool.admin_sign_in("carol", "carol-password")["AuthenticationResult"]
    assert admin["TokenType"] == "Bearer" and admin["ExpiresIn"] == 3600
    unsigned = unsigned_idp(server).initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": "carol-password"},
    )["AuthenticationResult"]
    for result in (admin, unsigned):
        claims = _claims(server, pool, result["IdToken"])
        assert claims["iss"] == f"{server.endpoint}/idp/{pool.pool_id}"
        assert (claims["aud"], claims["token_use"]) == (pool.client_id, "id")
        assert claims["cognito:username"] == "carol" and claims["email"] == "carol@example.com"
        access = _claims(server, pool, result["AccessToken"])
        assert access["scope"] == "aws.cognito.signin.user.admin"
        assert uuid.UUID(claims["event_id"]) and access["event_id"] == claims["event_id"]
    refreshed = unsigned_idp(server).initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": unsigned["RefreshToken"]},
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    refreshed_claims = _claims(server, pool, refreshed["IdToken"])
    assert refreshed_claims["cognito:username"] == "carol"
    assert refreshed_claims["event_id"] == _claims(server, pool, unsigned["IdToken"])["event_id"]
    public = unsigned_idp(server)
    with pytest.raises(public.exceptions.NotAuthorizedException, match="Invalid Refresh Token"):
        public.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": "not-a-token"},
        )


def test_new_password_required_challenge(idp: Any, server: ServerProcess) -> None:
    pool = Pool(idp)
    idp.admin_create_user(
        UserPoolId=pool.pool_id,
        Username="dave",
        TemporaryPassword="temporary-1",
        MessageAction="SUPPRESS",
    )
    public = unsigned_idp(server)
    challenge = public.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "dave", "PASSWORD": "temporary-1"},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in challenge
    answer = public.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "dave", "NEW_PASSWORD": "dave-new-password"},
    )
    assert _claims(server, pool, answer["AuthenticationResult"]["IdToken"])["sub"]
    assert idp.admin_get_user(UserPoolId=pool.pool_id, Username="dave")["UserStatus"] == (
        "CONFIRMED"
    )
    with pytest.raises(public.exceptions.NotAuthorizedException, match="Invalid session"):
        public.respond_to_auth_challenge(  # a session answers once
            ClientId=pool.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "dave", "NEW_PASSWORD": "another-password"},
        )
    assert pool.admin_sign_in("dave", "dave-new-password")["AuthenticationResult"]["IdToken"]


def test_wrong_password_and_unknown_user_get_the_same_refusal(idp: Any) -> None:
    pool = Pool(idp)
    pool.add_user("erin", "erin-password")
    for name, password in (("erin", "wrong-password"), ("nobody", "whatever-1")):
        with pytest.raises(idp.exceptions.NotAuthorizedException) as raised:
            pool.admin_sign_in(name, password)
        assert raised.value.response["Error"]["Message"] == "Incorrect username or password."


def test_a_legacy_client_says_a_user_does_not_exist(idp: Any, server: ServerProcess) -> None:
    """PreventUserExistenceErrors LEGACY: what AWS's API gives a client made without it."""
    pool_id = idp.create_user_pool(PoolName="legacy", AutoVerifiedAttributes=["email"])["UserPool"][
        "Id"
    ]
    made = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="legacy", ExplicitAuthFlows=ALL_FLOWS
    )["UserPoolClient"]
    assert made["PreventUserExistenceErrors"] == "LEGACY"
    client_id = made["ClientId"]
    public = unsigned_idp(server)
    unknown = {"USERNAME": "nobody", "PASSWORD": "whatever-1"}
    with pytest.raises(public.exceptions.UserNotFoundException, match="User does not exist"):
        public.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=unknown
        )
    for call in (
        lambda: public.confirm_sign_up(
            ClientId=client_id, Username="nobody", ConfirmationCode="123456"
        ),
        lambda: public.resend_confirmation_code(ClientId=client_id, Username="nobody"),
        lambda: public.forgot_password(ClientId=client_id, Username="nobody"),
    ):
        with pytest.raises(public.exceptions.UserNotFoundException, match="combination"):
            call()
    idp.admin_create_user(UserPoolId=pool_id, Username="erin", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="erin", Password="erin-password", Permanent=True
    )
    with pytest.raises(public.exceptions.NotAuthorizedException, match="Incorrect"):
        public.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "erin", "PASSWORD": "wrong-password"},
        )


def test_a_flow_the_client_does_not_allow_is_refused(idp: Any, server: ServerProcess) -> None:
    pool = Pool(idp, flows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    pool.add_user("frank", "frank-password")
    assert pool.admin_sign_in("frank", "frank-password")["AuthenticationResult"]
    public = unsigned_idp(server)
    with pytest.raises(
        public.exceptions.InvalidParameterException, match="USER_PASSWORD_AUTH flow not enabled"
    ):
        public.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "frank", "PASSWORD": "frank-password"},
        )
    srp_only = Pool(idp, flows=["ALLOW_USER_SRP_AUTH"])
    srp_only.add_user("gina", "gina-password")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not enabled"):
        srp_only.admin_sign_in("gina", "gina-password")


def _trust(provider_arn: str, issuer: str, client_id: str) -> str:
    key = issuer.split("://", 1)[1]
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{key}:aud": client_id}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_sts_accepts_the_id_token_and_the_session_may_not_manage_pools(
    idp: Any, server: ServerProcess
) -> None:
    pool = Pool(idp)
    pool.add_user("hana", "hana-password")
    issuer = f"{server.endpoint}/idp/{pool.pool_id}"
    iam = client(server, "iam")
    arn = iam.create_open_id_connect_provider(Url=issuer, ClientIDList=[pool.client_id])[
        "OpenIDConnectProviderArn"
    ]
    role = iam.create_role(
        RoleName="PoolGameRole", AssumeRolePolicyDocument=_trust(arn, issuer, pool.client_id)
    )["Role"]
    iam.put_role_policy(
        RoleName="PoolGameRole",
        PolicyName="scores",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}],
            }
        ),
    )
    id_token = pool.admin_sign_in("hana", "hana-password")["AuthenticationResult"]["IdToken"]
    sts = boto3.session.Session().client(
        "sts",
        endpoint_url=server.endpoint,
        region_name=server.region,
        config=Config(signature_version=UNSIGNED),
    )
    answer = sts.assume_role_with_web_identity(
        RoleArn=role["Arn"], RoleSessionName="hana", WebIdentityToken=id_token
    )
    assert answer["Provider"] == arn and answer["Audience"] == pool.client_id
    credentials = answer["Credentials"]
    player = client(
        server,
        "cognito-idp",
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )
    with pytest.raises(ClientError) as raised:
        player.list_user_pools(MaxResults=10)
    assert _code(raised) == "AccessDeniedException"
    assert "cognito-idp:ListUserPools" in str(raised.value)
    with pytest.raises(ClientError) as raised:
        player.admin_get_user(UserPoolId=pool.pool_id, Username="hana")
    assert _code(raised) == "AccessDeniedException"
    assert f"userpool/{pool.pool_id}" in str(raised.value)


def test_unsigned_management_calls_are_refused(server: ServerProcess) -> None:
    with pytest.raises(ClientError) as raised:
        unsigned_idp(server).list_user_pools(MaxResults=10)
    assert _code(raised) in ("NotAuthorizedException", "MissingAuthenticationTokenException")


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")
def test_aws_cli_lists_user_pools(idp: Any, server: ServerProcess) -> None:
    pool_id = idp.create_user_pool(PoolName="from-the-cli")["UserPool"]["Id"]
    done = subprocess.run(
        [
            "aws",
            "cognito-idp",
            "list-user-pools",
            "--max-results",
            "60",  # every pool this module makes: ids are random, so ours need not be first
            "--endpoint-url",
            server.endpoint,
            "--output",
            "json",
        ],
        env=aws_cli_env(server),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert pool_id in [p["Id"] for p in json.loads(done.stdout)["UserPools"]]


def test_an_operation_not_served_yet_is_a_json_unknown_operation(idp: Any) -> None:
    with pytest.raises(ClientError) as raised:
        idp.set_user_pool_mfa_config(UserPoolId=f"{idp.meta.region_name}_NoSuchPool")
    assert _code(raised) == "UnknownOperationException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_dynafed_extensions_choose_a_pools_id_and_lockout(idp: Any, server: ServerProcess) -> None:
    """`UserPoolTags` `dynafed:pool-id` / `dynafed:lockout-*` (what `dynafed users create-pool`
    sends): the id is the one asked for, and creating it again answers the same pool."""
    pool_id = f"{server.region}_Chosen{uuid.uuid4().hex[:8]}"
    tags = {"dynafed:pool-id": pool_id, "dynafed:lockout-after": "3"}
    first = idp.create_user_pool(PoolName="Chosen", UserPoolTags=tags)["UserPool"]
    assert first["Id"] == pool_id
    again = idp.create_user_pool(PoolName="Other name", UserPoolTags=tags)["UserPool"]
    assert (again["Id"], again["Name"]) == (pool_id, "Chosen")
    for bad in (
        {"dynafed:pool-id": "no-underscore"},
        {"dynafed:pool-id": "eu-west-3_Elsewhere"},
        {"dynafed:lockout-after": "0"},
        {"dynafed:lockout-seconds": "soon"},
    ):
        with pytest.raises(ClientError) as refused:
            idp.create_user_pool(PoolName="Bad", UserPoolTags=bad)
        assert _code(refused) == "InvalidParameterException", bad


@pytest.mark.parametrize(
    "setting",
    [
        {"LambdaConfig": {"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:check"}},
        {"MfaConfiguration": "ON"},
    ],
)
def test_settings_of_features_not_served_are_refused_not_ignored(
    idp: Any, setting: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as refused:
        idp.create_user_pool(PoolName="Unserved", **setting)
    assert _code(refused) == "InvalidParameterException"
    pool_id = idp.create_user_pool(PoolName="Served")["UserPool"]["Id"]
    with pytest.raises(ClientError) as refused:
        idp.update_user_pool(UserPoolId=pool_id, **setting)
    assert _code(refused) == "InvalidParameterException"
