"""USER_SRP_AUTH with an independent, unmodified SRP client from PyPI (pycognito) against a
real server: users whose password was set through AdminSetUserPassword, SignUp and
ChangePassword sign in with SRP; a wrong password, an unknown user and a replayed
challenge are refused as Cognito refuses them; a client with a secret; a user whose
password predates SRP gets a verifier at their next password sign-in; and the ID token
works at an identity pool.

References: Amazon Cognito developer guide, "User pool authentication flow" (SRP);
InitiateAuth and RespondToAuthChallenge (PASSWORD_VERIFIER) in the API reference.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import ForceChangePasswordException

from dynafed.storage.factory import open_storage
from dynafed.storage.port import WriteTxn
from tests.e2e.userpool_flow import new_pool, outbox_code, unsigned_idp
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("srp"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def idp(server: ServerProcess) -> Any:
    return client(server, "cognito-idp")


@pytest.fixture(scope="module")
def public(server: ServerProcess) -> Any:
    return unsigned_idp(server)


def srp_sign_in(
    public: Any,
    pool_id: str,
    client_id: str,
    username: str,
    password: str,
    secret: str | None = None,
) -> dict[str, Any]:
    helper = AWSSRP(
        username=username,
        password=password,
        pool_id=pool_id,
        client_id=client_id,
        client=public,
        client_secret=secret,
    )
    tokens: dict[str, Any] = helper.authenticate_user()
    return tokens


def add_user(idp: Any, pool_id: str, name: str, password: str) -> None:
    idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=name, Password=password, Permanent=True
    )


def test_pycognito_signs_in_with_srp(idp: Any, public: Any, server: ServerProcess) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "bea", "bea-password")
    result = srp_sign_in(public, pool_id, client_id, "bea", "bea-password")
    tokens = result["AuthenticationResult"]
    me = public.get_user(AccessToken=tokens["AccessToken"])
    assert me["Username"] == "bea"
    refreshed = public.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )
    assert refreshed["AuthenticationResult"]["IdToken"]
    # Case-insensitive user names: the challenge names the user as stored.
    assert srp_sign_in(public, pool_id, client_id, "BEA", "bea-password")["AuthenticationResult"]

    # A signed-up user (after confirmation) and a changed password.
    public.sign_up(ClientId=client_id, Username="cruz", Password="cruz-password")
    code = outbox_code(server, pool_id, "cruz", "SignUp")
    public.confirm_sign_up(ClientId=client_id, Username="cruz", ConfirmationCode=code)
    access = srp_sign_in(public, pool_id, client_id, "cruz", "cruz-password")[
        "AuthenticationResult"
    ]["AccessToken"]
    public.change_password(
        AccessToken=access, PreviousPassword="cruz-password", ProposedPassword="cruz-new-1"
    )
    with pytest.raises(public.exceptions.NotAuthorizedException, match="Incorrect"):
        srp_sign_in(public, pool_id, client_id, "cruz", "cruz-password")
    assert srp_sign_in(public, pool_id, client_id, "cruz", "cruz-new-1")["AuthenticationResult"]


def test_srp_refusals(idp: Any, public: Any) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "dina", "dina-password")
    for name, password in (("dina", "wrong-password"), ("nobody", "whatever-1")):
        with pytest.raises(public.exceptions.NotAuthorizedException) as raised:
            srp_sign_in(public, pool_id, client_id, name, password)
        assert raised.value.response["Error"]["Message"] == "Incorrect username or password."

    helper = AWSSRP(
        username="dina",
        password="dina-password",
        pool_id=pool_id,
        client_id=client_id,
        client=public,
    )
    params = helper.get_auth_params()
    challenge = public.initiate_auth(
        ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params
    )
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == "dina"
    answers = helper.process_challenge(challenge["ChallengeParameters"], params)
    answer = {"ClientId": client_id, "ChallengeName": "PASSWORD_VERIFIER"}
    assert public.respond_to_auth_challenge(**answer, ChallengeResponses=answers)[
        "AuthenticationResult"
    ]
    with pytest.raises(public.exceptions.NotAuthorizedException, match="Invalid session"):
        public.respond_to_auth_challenge(**answer, ChallengeResponses=answers)  # replayed

    with pytest.raises(public.exceptions.InvalidParameterException, match="SRP_A"):
        public.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": "dina", "SRP_A": "0"},
        )
    no_srp, no_srp_client, _ = new_pool(idp)
    password_only = idp.create_user_pool_client(
        UserPoolId=no_srp, ClientName="pw", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    add_user(idp, no_srp, "eli", "eli-password")
    with pytest.raises(public.exceptions.InvalidParameterException, match="not enabled"):
        srp_sign_in(public, no_srp, password_only, "eli", "eli-password")
    assert srp_sign_in(public, no_srp, no_srp_client, "eli", "eli-password")


def test_srp_with_a_client_secret_and_a_temporary_password(idp: Any, public: Any) -> None:
    pool_id, client_id, secret = new_pool(idp, secret=True)
    add_user(idp, pool_id, "fay", "fay-password")
    tokens = srp_sign_in(public, pool_id, client_id, "fay", "fay-password", secret)
    assert tokens["AuthenticationResult"]["IdToken"]
    with pytest.raises(public.exceptions.NotAuthorizedException, match="SECRET_HASH"):
        srp_sign_in(public, pool_id, client_id, "fay", "fay-password")

    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="gus",
        TemporaryPassword="temporary-1",
        MessageAction="SUPPRESS",
    )
    with pytest.raises(ForceChangePasswordException):
        srp_sign_in(public, pool_id, client_id, "gus", "temporary-1", secret)


def test_a_user_from_before_srp_gets_a_verifier_at_the_next_password_sign_in(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "hal", "hal-password")
    _forget_srp_verifier(server, pool_id, "hal")
    with pytest.raises(public.exceptions.NotAuthorizedException, match="Incorrect"):
        srp_sign_in(public, pool_id, client_id, "hal", "hal-password")
    public.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "hal", "PASSWORD": "hal-password"},
    )
    assert srp_sign_in(public, pool_id, client_id, "hal", "hal-password")["AuthenticationResult"]


def _forget_srp_verifier(server: ServerProcess, pool_id: str, username: str) -> None:
    """Make the user look as one stored before SRP was served (no salt, no verifier),
    writing the server's storage as `dynafed users` does."""
    storage = open_storage(server.storage_url or str(server.data_dir))
    name = f"{pool_id}/{username}"

    def write(txn: WriteTxn) -> None:
        document = txn.get_document("userpool-user", name)
        assert document is not None
        txn.put_document(
            "userpool-user", name, {**document, "srp_salt": None, "srp_verifier": None}
        )

    try:
        storage.write(write)
    finally:
        storage.close()


def test_the_srp_id_token_gets_identity_pool_credentials(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "ivy", "ivy-password")
    id_token = srp_sign_in(public, pool_id, client_id, "ivy", "ivy-password")[
        "AuthenticationResult"
    ]["IdToken"]
    identity = client(server, "cognito-identity")
    provider = f"cognito-idp.{server.region}.amazonaws.com/{pool_id}"
    identity_pool_id = identity.create_identity_pool(
        IdentityPoolName="srp",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}],
    )["IdentityPoolId"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id}
                },
            }
        ],
    }
    role = client(server, "iam").create_role(
        RoleName="SrpPlayers", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    identity.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles={"authenticated": role})
    anonymous = unsigned_cognito_identity(server)
    identity_id = anonymous.get_id(IdentityPoolId=identity_pool_id, Logins={provider: id_token})[
        "IdentityId"
    ]
    credentials = anonymous.get_credentials_for_identity(
        IdentityId=identity_id, Logins={provider: id_token}
    )["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")


def unsigned_cognito_identity(server: ServerProcess) -> Any:
    return boto3.session.Session().client(
        "cognito-identity",
        endpoint_url=server.endpoint,
        region_name=server.region,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )
