"""Public sign-up on the cognito-idp API through boto3 and the AWS CLI against a real server:
SignUp, the code in the outbox (`dynafed users outbox` and the server log), ConfirmSignUp,
ResendConfirmationCode, AdminConfirmSignUp, the UNCONFIRMED user's refused sign-in, the
pool's password policy, SECRET_HASH for clients with a secret; and the resulting ID token
accepted by STS AssumeRoleWithWebIdentity and by an identity pool.

References: Amazon Cognito user pools API reference (SignUp, ConfirmSignUp,
ResendConfirmationCode, AdminConfirmSignUp, InitiateAuth); developer guide, "Signing up and
confirming user accounts" and "Computing secret hash values".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.userpool_flow import new_pool, outbox_code, secret_hash, unsigned_idp
from tests.support.clients import aws_cli_env, client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("sign-up"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def idp(server: ServerProcess) -> Any:
    return client(server, "cognito-idp")


@pytest.fixture(scope="module")
def public(server: ServerProcess) -> Any:
    return unsigned_idp(server)


def logged_code(server: ServerProcess, pool_id: str, username: str) -> str:
    """The code from the server log's outbox line (the drain thread may lag the answer)."""
    wanted = f"cognito-idp outbox: {pool_id} {username}: "
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in reversed(server.output):
            if wanted in line:
                return line.split(" code ", 1)[1].split()[0]
        time.sleep(0.02)
    raise AssertionError(f"no outbox line for {username} in the server log")


def _code(raised: pytest.ExceptionInfo[Any]) -> str:
    return str(raised.value.response["Error"]["Code"])


def test_sign_up_confirm_and_sign_in(idp: Any, public: Any, server: ServerProcess) -> None:
    pool_id, client_id, _ = new_pool(idp)
    signed_up = public.sign_up(
        ClientId=client_id,
        Username="nora",
        Password="nora-password",
        UserAttributes=[{"Name": "email", "Value": "nora@example.com"}],
    )
    assert signed_up["UserConfirmed"] is False and uuid.UUID(signed_up["UserSub"])
    assert signed_up["CodeDeliveryDetails"] == {
        "Destination": "n***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    got = idp.admin_get_user(UserPoolId=pool_id, Username="nora")
    assert got["UserStatus"] == "UNCONFIRMED"

    sign_in = {"USERNAME": "nora", "PASSWORD": "nora-password"}
    with pytest.raises(public.exceptions.UserNotConfirmedException, match="not confirmed"):
        public.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=sign_in
        )
    with pytest.raises(public.exceptions.NotAuthorizedException):  # the password comes first
        public.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={**sign_in, "PASSWORD": "wrong-password"},
        )

    code = outbox_code(server, pool_id, "nora", "SignUp")
    assert logged_code(server, pool_id, "nora") == code and len(code) == 6
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(public.exceptions.CodeMismatchException, match="Invalid verification"):
        public.confirm_sign_up(ClientId=client_id, Username="nora", ConfirmationCode=wrong)
    public.confirm_sign_up(ClientId=client_id, Username="NORA", ConfirmationCode=code)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="nora")["UserStatus"] == "CONFIRMED"
    with pytest.raises(public.exceptions.NotAuthorizedException, match="status is CONFIRMED"):
        public.confirm_sign_up(ClientId=client_id, Username="nora", ConfirmationCode=code)

    tokens = public.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=sign_in
    )["AuthenticationResult"]
    assert tokens["IdToken"] and tokens["RefreshToken"]


def test_resend_replaces_the_code(idp: Any, public: Any, server: ServerProcess) -> None:
    pool_id, client_id, _ = new_pool(idp)
    public.sign_up(ClientId=client_id, Username="omar", Password="omar-password")
    first = outbox_code(server, pool_id, "omar", "SignUp")
    resent = public.resend_confirmation_code(ClientId=client_id, Username="omar")
    assert resent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    second = outbox_code(server, pool_id, "omar", "SignUp")
    if first != second:  # one in a million: the new code may equal the old one
        with pytest.raises(public.exceptions.CodeMismatchException):
            public.confirm_sign_up(ClientId=client_id, Username="omar", ConfirmationCode=first)
    public.confirm_sign_up(ClientId=client_id, Username="omar", ConfirmationCode=second)
    with pytest.raises(public.exceptions.InvalidParameterException, match="already confirmed"):
        public.resend_confirmation_code(ClientId=client_id, Username="omar")
    # An unknown user gets a simulated delivery and a code mismatch, never "not found".
    assert public.resend_confirmation_code(ClientId=client_id, Username="nobody")[
        "CodeDeliveryDetails"
    ]
    with pytest.raises(public.exceptions.CodeMismatchException):
        public.confirm_sign_up(ClientId=client_id, Username="nobody", ConfirmationCode="123456")


def test_sign_up_refusals(idp: Any, public: Any) -> None:
    strict = {
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 10,
                "RequireUppercase": True,
                "RequireNumbers": True,
                "RequireLowercase": False,
                "RequireSymbols": False,
            }
        }
    }
    pool_id, client_id, _ = new_pool(idp, **strict)
    policy = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Policies"]["PasswordPolicy"]
    assert (policy["MinimumLength"], policy["RequireUppercase"]) == (10, True)
    for password, problem in (
        ("Short1", "Password not long enough"),
        ("longenough1", "Password must have uppercase characters"),
        ("Longenoughx", "Password must have numeric characters"),
    ):
        with pytest.raises(public.exceptions.InvalidPasswordException) as raised:
            public.sign_up(ClientId=client_id, Username="pia", Password=password)
        assert raised.value.response["Error"]["Message"] == (
            f"Password did not conform with policy: {problem}"
        )
    with pytest.raises(idp.exceptions.InvalidPasswordException, match="does not conform to"):
        idp.admin_create_user(
            UserPoolId=pool_id, Username="pia", TemporaryPassword="short", MessageAction="SUPPRESS"
        )
    public.sign_up(ClientId=client_id, Username="pia", Password="Longenough1")
    with pytest.raises(public.exceptions.UsernameExistsException, match="User already exists"):
        public.sign_up(ClientId=client_id, Username="PIA", Password="Longenough2")
    with pytest.raises(public.exceptions.ResourceNotFoundException):
        public.sign_up(ClientId="nosuchclient", Username="pia", Password="Longenough1")

    _, admin_client, _ = new_pool(idp, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})
    with pytest.raises(public.exceptions.NotAuthorizedException, match="not permitted"):
        public.sign_up(ClientId=admin_client, Username="quinn", Password="quinn-password")


def test_a_client_with_a_secret_needs_secret_hash(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, secret = new_pool(idp, secret=True)
    assert secret is not None
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["ClientSecret"] == secret
    with pytest.raises(public.exceptions.NotAuthorizedException, match="SECRET_HASH was not"):
        public.sign_up(ClientId=client_id, Username="rosa", Password="rosa-password")
    with pytest.raises(public.exceptions.NotAuthorizedException, match="Unable to verify"):
        public.sign_up(
            ClientId=client_id,
            Username="rosa",
            Password="rosa-password",
            SecretHash=secret_hash(secret, "someone-else", client_id),
        )
    good = secret_hash(secret, "rosa", client_id)
    public.sign_up(ClientId=client_id, Username="rosa", Password="rosa-password", SecretHash=good)
    code = outbox_code(server, pool_id, "rosa", "SignUp")
    public.confirm_sign_up(
        ClientId=client_id, Username="rosa", ConfirmationCode=code, SecretHash=good
    )
    params = {"USERNAME": "rosa", "PASSWORD": "rosa-password"}
    with pytest.raises(public.exceptions.NotAuthorizedException, match="SECRET_HASH"):
        public.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params
        )
    tokens = public.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={**params, "SECRET_HASH": good},
    )["AuthenticationResult"]
    refreshed = public.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], "SECRET_HASH": good},
    )
    assert refreshed["AuthenticationResult"]["IdToken"]


def _web_identity_trust(provider_arn: str, issuer: str, client_id: str) -> str:
    key = issuer.split("://", 1)[1]
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{key}:aud": client_id}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _identity_pool_trust(identity_pool_id: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id},
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
        },
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _aws(server: ServerProcess, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        ["aws", *args, "--endpoint-url", server.endpoint, "--output", "json"],
        env=aws_cli_env(server),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout) if done.stdout.strip() else {}
    return answer


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")
def test_aws_cli_sign_up_gives_an_id_token_sts_and_an_identity_pool_accept(
    idp: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp)
    signed_up = _aws(
        server,
        "cognito-idp",
        "sign-up",
        "--client-id",
        client_id,
        "--username",
        "sam",
        "--password",
        "sam-password",
        "--user-attributes",
        "Name=email,Value=sam@example.com",
    )
    assert signed_up["UserConfirmed"] is False
    _aws(
        server,
        "cognito-idp",
        "admin-confirm-sign-up",
        "--user-pool-id",
        pool_id,
        "--username",
        "sam",
    )
    signed_in = _aws(
        server,
        "cognito-idp",
        "initiate-auth",
        "--client-id",
        client_id,
        "--auth-flow",
        "USER_PASSWORD_AUTH",
        "--auth-parameters",
        "USERNAME=sam,PASSWORD=sam-password",
    )
    id_token = signed_in["AuthenticationResult"]["IdToken"]

    iam = client(server, "iam")
    issuer = f"{server.endpoint}/idp/{pool_id}"
    provider_arn = iam.create_open_id_connect_provider(Url=issuer, ClientIDList=[client_id])[
        "OpenIDConnectProviderArn"
    ]
    role_arn = iam.create_role(
        RoleName=f"SignedUp-{pool_id[-6:]}",
        AssumeRolePolicyDocument=_web_identity_trust(provider_arn, issuer, client_id),
    )["Role"]["Arn"]
    assumed = _aws(
        server,
        "sts",
        "assume-role-with-web-identity",
        "--role-arn",
        role_arn,
        "--role-session-name",
        "sam",
        "--web-identity-token",
        id_token,
    )
    assert assumed["Audience"] == client_id
    assert assumed["AssumedRoleUser"]["Arn"].endswith(f"/SignedUp-{pool_id[-6:]}/sam")

    identity = client(server, "cognito-identity")
    provider = f"cognito-idp.{server.region}.amazonaws.com/{pool_id}"
    identity_pool_id = identity.create_identity_pool(
        IdentityPoolName="signed up",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}],
    )["IdentityPoolId"]
    players = iam.create_role(
        RoleName=f"Players-{pool_id[-6:]}",
        AssumeRolePolicyDocument=_identity_pool_trust(identity_pool_id),
    )["Role"]["Arn"]
    identity.set_identity_pool_roles(
        IdentityPoolId=identity_pool_id, Roles={"authenticated": players}
    )
    identity_id = _aws(
        server,
        "cognito-identity",
        "get-id",
        "--identity-pool-id",
        identity_pool_id,
        "--logins",
        f"{provider}={id_token}",
    )["IdentityId"]
    credentials = _aws(
        server,
        "cognito-identity",
        "get-credentials-for-identity",
        "--identity-id",
        identity_id,
        "--logins",
        f"{provider}={id_token}",
    )["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")


def test_update_user_pool_and_client_replace_their_settings(idp: Any, public: Any) -> None:
    pool_id, client_id, _ = new_pool(idp)
    idp.update_user_pool(
        UserPoolId=pool_id,
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": True}},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )
    described = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert described["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    with pytest.raises(public.exceptions.NotAuthorizedException, match="not permitted"):
        public.sign_up(ClientId=client_id, Username="tom", Password="tom-password-1!")
    idp.update_user_pool(UserPoolId=pool_id)  # settings not given return to their defaults
    policy = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Policies"]["PasswordPolicy"]
    assert (policy["MinimumLength"], policy["RequireSymbols"]) == (8, False)

    updated = idp.update_user_pool_client(
        UserPoolId=pool_id,
        ClientId=client_id,
        ClientName="renamed",
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
    )["UserPoolClient"]
    assert (updated["ClientId"], updated["ClientName"]) == (client_id, "renamed")
    public.sign_up(ClientId=client_id, Username="tom", Password="tom-password")
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="tom")
    with pytest.raises(public.exceptions.InvalidParameterException, match="not enabled"):
        public.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "tom", "PASSWORD": "tom-password"},
        )
