"""Identity-pool logins from an IAM OIDC provider: a real third-party OpenID Provider (npm
`oidc-provider`), registered in IAM and listed in the pool's `OpenIdConnectProviderARNs`.
The `Logins` key is the provider URL without its scheme; the token is checked as STS checks
it (keys from the provider's JWKS, audience in the IAM provider's ClientIDList).

Reference: Cognito Developer Guide, "OIDC identity providers" for identity pools; Cognito
Identity API reference, GetId `Logins`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.fixtures.oidc import OidcProvider
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e


class Setup:
    def __init__(self, server: ServerProcess, idp: OidcProvider) -> None:
        self.server, self.idp = server, idp
        self.key = idp.issuer.split("://", 1)[1]
        iam = client(server, "iam")
        arn = iam.create_open_id_connect_provider(Url=idp.issuer, ClientIDList=["dynafed-web"])[
            "OpenIDConnectProviderArn"
        ]
        admin = client(server, "cognito-identity")
        self.pool_id = admin.create_identity_pool(
            IdentityPoolName="oidc logins",
            AllowUnauthenticatedIdentities=False,
            OpenIdConnectProviderARNs=[arn],
        )["IdentityPoolId"]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": self.pool_id}
                    },
                }
            ],
        }
        role = iam.create_role(RoleName="OidcPlayers", AssumeRolePolicyDocument=json.dumps(trust))
        admin.set_identity_pool_roles(
            IdentityPoolId=self.pool_id, Roles={"authenticated": role["Role"]["Arn"]}
        )
        self.cognito = boto3.session.Session().client(
            "cognito-identity",
            endpoint_url=server.endpoint,
            region_name=server.region,
            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
        )


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    idp = OidcProvider.start(tmp_path_factory.mktemp("idp"))
    server = start_server(tmp_path_factory.mktemp("data"))
    try:
        yield Setup(server, idp)
    finally:
        server.stop()
        idp.stop()


def test_oidc_login_gets_an_identity_and_credentials(setup: Setup) -> None:
    token = setup.idp.id_token("carol")
    logins = {setup.key: token}
    identity_id = setup.cognito.get_id(IdentityPoolId=setup.pool_id, Logins=logins)["IdentityId"]
    answer = setup.cognito.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    credentials: dict[str, Any] = answer["Credentials"]
    caller = client(
        setup.server,
        "sts",
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretKey"],
        session_token=credentials["SessionToken"],
    ).get_caller_identity()
    assert caller["Arn"].endswith(":assumed-role/OidcPlayers/CognitoIdentityCredentials")
    open_id = setup.cognito.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    assert open_id.count(".") == 2
    again = setup.cognito.get_id(IdentityPoolId=setup.pool_id, Logins=logins)["IdentityId"]
    assert again == identity_id


def test_token_for_an_unregistered_client_is_refused(setup: Setup) -> None:
    token = setup.idp.id_token("carol", client_id="dynafed-web-es256")
    with pytest.raises(ClientError) as refused:
        setup.cognito.get_id(IdentityPoolId=setup.pool_id, Logins={setup.key: token})
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "NotAuthorizedException",
        "Invalid login token. Incorrect token audience",
    )


def test_login_key_must_match_the_token_issuer(setup: Setup) -> None:
    token = setup.idp.id_token("carol")
    with pytest.raises(ClientError) as refused:
        setup.cognito.get_id(IdentityPoolId=setup.pool_id, Logins={"other.example/idp": token})
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
