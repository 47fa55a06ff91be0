"""Identity-pool logins from Google, Login with Amazon and Facebook (`SupportedLoginProviders`)
and from SAML identity providers (`SamlProviderARNs`).

The tokens come from stand-ins for the three providers that answer as each documents its
token check (Google's JWKS, Amazon's token-information service, Facebook's debug_token),
over loopback HTTP: the same stand-ins the STS tests use, since the server verifies a login
exactly as STS verifies a web identity token. The pool names each provider's app id; a
token issued to another app is refused.

Reference: Cognito Developer Guide, identity pools' "External identity providers" (Google,
Login with Amazon, Facebook); Cognito Identity API reference, GetId `Logins`,
CreateIdentityPool `SupportedLoginProviders`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.e2e.provider_federation import identity_config
from tests.fixtures.fake_providers import FakeLoginWithAmazon
from tests.fixtures.fake_providers.amazon import APP_ID as AMAZON_APP_ID
from tests.fixtures.fake_providers.amazon import amazon_user_id
from tests.fixtures.fake_providers.facebook import APP_ACCESS_TOKEN, FakeFacebook, facebook_user_id
from tests.fixtures.fake_providers.facebook import APP_ID as FACEBOOK_APP_ID
from tests.fixtures.fake_providers.google import WEB_CLIENT, FakeGoogle
from tests.fixtures.saml.factory import ATTR
from tests.fixtures.saml.pysaml2_idp import Pysaml2Idp
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

GOOGLE, AMAZON, FACEBOOK = "accounts.google.com", "www.amazon.com", "graph.facebook.com"
TOKEN_VARIABLE = "DYNAFED_TEST_FACEBOOK_APP_TOKEN"


@dataclass
class Providers:
    google: FakeGoogle
    amazon: FakeLoginWithAmazon
    facebook: FakeFacebook

    def token(self, provider: str, user: str, app: str | None = None) -> str:
        if provider == GOOGLE:
            return self.google.id_token(sub=user, aud=app or WEB_CLIENT)
        if provider == AMAZON:
            return self.amazon.issue(user, app_id=app or AMAZON_APP_ID)
        return self.facebook.issue(user, app_id=app) if app else self.facebook.issue(user)


@dataclass
class Pool:
    server: ServerProcess
    pool_id: str
    cognito: Any


@pytest.fixture(scope="module")
def providers() -> Iterator[Providers]:
    started = Providers(FakeGoogle(), FakeLoginWithAmazon(), FakeFacebook())
    for service in (started.google, started.amazon, started.facebook):
        service.start()
    yield started
    for service in (started.google, started.amazon, started.facebook):
        service.stop()


@pytest.fixture(scope="module")
def pool(providers: Providers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pool]:
    tmp = tmp_path_factory.mktemp("public-logins")
    config = identity_config(
        tmp,
        f"""
[google]
jwks_url = "{providers.google.jwks_url}"
[amazon]
tokeninfo_url = "{providers.amazon.tokeninfo_url}"
[facebook]
graph_url = "{providers.facebook.graph_url}"
app_access_token_env = "{TOKEN_VARIABLE}"
[jwks]
refetch_interval = 0
""",
    )
    server = start_server(
        tmp / "data", "--identity-config", str(config), env={TOKEN_VARIABLE: APP_ACCESS_TOKEN}
    )
    try:
        admin = client(server, "cognito-identity")
        pool_id = admin.create_identity_pool(
            IdentityPoolName="public logins",
            AllowUnauthenticatedIdentities=False,
            SupportedLoginProviders={
                GOOGLE: WEB_CLIENT,
                AMAZON: AMAZON_APP_ID,
                FACEBOOK: FACEBOOK_APP_ID,
            },
        )["IdentityPoolId"]
        role = client(server, "iam").create_role(
            RoleName="PublicPlayers", AssumeRolePolicyDocument=pool_trust(pool_id)
        )
        admin.set_identity_pool_roles(
            IdentityPoolId=pool_id, Roles={"authenticated": role["Role"]["Arn"]}
        )
        cognito = boto3.session.Session().client(
            "cognito-identity",
            endpoint_url=server.endpoint,
            region_name=server.region,
            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
        )
        yield Pool(server, pool_id, cognito)
    finally:
        server.stop()


def pool_trust(pool_id: str) -> str:
    """A role only the identity pool's authenticated identities may take."""
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _user(provider: str) -> str:
    if provider == AMAZON:
        return amazon_user_id()
    if provider == FACEBOOK:
        return facebook_user_id()
    return "1101694844743" + str(abs(hash(provider)) % 10**8)


def _refusal(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as refused:
        call(**params)
    error = refused.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.mark.parametrize("provider", [GOOGLE, AMAZON, FACEBOOK])
def test_a_public_provider_login_gets_an_identity_and_credentials(
    pool: Pool, providers: Providers, provider: str
) -> None:
    user = _user(provider)
    logins = {provider: providers.token(provider, user)}
    identity_id = pool.cognito.get_id(IdentityPoolId=pool.pool_id, Logins=logins)["IdentityId"]
    again = {provider: providers.token(provider, user)}  # a new token of the same user
    assert pool.cognito.get_id(IdentityPoolId=pool.pool_id, Logins=again)["IdentityId"] == (
        identity_id
    )
    answer = pool.cognito.get_credentials_for_identity(IdentityId=identity_id, Logins=again)
    assert answer["IdentityId"] == identity_id
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")


@pytest.mark.parametrize("provider", [GOOGLE, AMAZON, FACEBOOK])
def test_a_token_issued_to_another_app_is_refused(
    pool: Pool, providers: Providers, provider: str
) -> None:
    other_app = {
        GOOGLE: "999-other.apps.googleusercontent.com",
        AMAZON: "amzn1.application.someone-elses-app",
        FACEBOOK: "999888777666555",
    }[provider]
    if provider == FACEBOOK:
        providers.facebook.register_app(other_app, "Other", "0" * 32)
    token = providers.token(provider, _user(provider), app=other_app)
    code, message = _refusal(
        pool.cognito.get_id, IdentityPoolId=pool.pool_id, Logins={provider: token}
    )
    assert code == "NotAuthorizedException"
    # Facebook's own check already refuses a token of another app (debug_token asked with
    # this app's token); the others vouch for it and the pool refuses its audience.
    if provider == FACEBOOK:
        assert message.startswith("Invalid login token. ")
    else:
        assert message == "Invalid login token. Incorrect token audience."


def test_a_token_the_provider_does_not_vouch_for_is_refused(pool: Pool) -> None:
    code, message = _refusal(
        pool.cognito.get_id, IdentityPoolId=pool.pool_id, Logins={AMAZON: "Atza|" + "x" * 400}
    )
    assert code == "NotAuthorizedException"
    assert message.startswith("Invalid login token. ")


def test_a_provider_the_pool_does_not_list_is_refused(pool: Pool, providers: Providers) -> None:
    admin = client(pool.server, "cognito-identity")
    only_google = admin.create_identity_pool(
        IdentityPoolName="google only",
        AllowUnauthenticatedIdentities=False,
        SupportedLoginProviders={GOOGLE: WEB_CLIENT},
    )["IdentityPoolId"]
    token = providers.token(AMAZON, _user(AMAZON))
    code, message = _refusal(
        pool.cognito.get_id, IdentityPoolId=only_google, Logins={AMAZON: token}
    )
    assert (code, message) == (
        "NotAuthorizedException",
        "Token is not from a supported provider of this identity pool.",
    )


@pytest.fixture(scope="module")
def saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Pysaml2Idp:
    return Pysaml2Idp.create(Path(tmp_path_factory.mktemp("pysaml2-idp")))


def test_a_saml_login_gets_an_identity_and_credentials(pool: Pool, saml_idp: Pysaml2Idp) -> None:
    """`SamlProviderARNs`: the login key is the IAM SAML provider's ARN and the token the
    IdP's base64 response, checked as AssumeRoleWithSAML checks it; the pool, not the
    assertion's Role attribute, picks the role."""
    provider_arn = client(pool.server, "iam").create_saml_provider(
        Name="PoolIdP", SAMLMetadataDocument=saml_idp.metadata()
    )["SAMLProviderArn"]
    admin = client(pool.server, "cognito-identity")
    saml_pool = admin.create_identity_pool(
        IdentityPoolName="saml logins",
        AllowUnauthenticatedIdentities=False,
        SamlProviderARNs=[provider_arn],
    )["IdentityPoolId"]
    role = client(pool.server, "iam").create_role(
        RoleName="SamlPlayers", AssumeRolePolicyDocument=pool_trust(saml_pool)
    )
    admin.set_identity_pool_roles(
        IdentityPoolId=saml_pool, Roles={"authenticated": role["Role"]["Arn"]}
    )
    session_name = {ATTR + "RoleSessionName": ["carol@example.test"]}

    response = saml_idp.response("carol-0001", session_name)
    identity_id = pool.cognito.get_id(IdentityPoolId=saml_pool, Logins={provider_arn: response})[
        "IdentityId"
    ]
    answer = pool.cognito.get_credentials_for_identity(
        IdentityId=identity_id, Logins={provider_arn: saml_idp.response("carol-0001", session_name)}
    )
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")

    unsigned = saml_idp.response("mallory", session_name, sign_assertion=False)
    code, message = _refusal(
        pool.cognito.get_id, IdentityPoolId=saml_pool, Logins={provider_arn: unsigned}
    )
    assert code == "NotAuthorizedException" and message.startswith("Invalid login token. ")
