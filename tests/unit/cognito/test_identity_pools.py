"""The Cognito Identity API in process: pools, GetId, GetOpenIdToken, GetCredentialsForIdentity
and the basic flow through STS, with the built-in user pool as the login provider.

Behaviour and messages follow the Cognito Identity API reference and the developer guide's
"Identity pools (federated identities) authentication flow"; the OpenID token's shape follows
"GetOpenIdToken" (sts-identity.md §3.3)."""

from __future__ import annotations

import base64
import re
from typing import Any

import orjson
import pytest
from tests.unit.cognito.cognito_harness import ADMIN, ISSUER, PROVIDER, Cognito, trust

from dynafed.cognito.identities import LOGINS_MISMATCH, UNAUTH_DISABLED
from dynafed.cognito.logins import UNSUPPORTED_PROVIDER
from dynafed.errors import (
    CognitoResourceNotFound,
    CognitoSerializationException,
    CognitoValidationException,
    InvalidIdentityPoolConfigurationException,
    InvalidIdentityToken,
    InvalidParameterException,
    NotAuthorizedException,
)
from dynafed.sts.parameters import parse_web_identity_request


def _part(token: str, index: int) -> dict[str, Any]:
    segment = token.split(".")[index]
    return orjson.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))  # type: ignore[no-any-return]


def test_pool_lifecycle() -> None:
    c = Cognito()
    pool_id = c.create_pool(AllowClassicFlow=True)
    assert pool_id.startswith("us-east-1:")
    described = c.call("DescribeIdentityPool", ADMIN, IdentityPoolId=pool_id)
    assert described["IdentityPoolName"] == "Game players"
    assert described["AllowClassicFlow"] is True
    updated = c.call(
        "UpdateIdentityPool",
        ADMIN,
        IdentityPoolId=pool_id,
        IdentityPoolName="Renamed",
        AllowUnauthenticatedIdentities=True,
    )
    assert "CognitoIdentityProviders" not in updated  # omitted members are cleared
    listed = c.call("ListIdentityPools", ADMIN, MaxResults=10)["IdentityPools"]
    assert listed == [{"IdentityPoolId": pool_id, "IdentityPoolName": "Renamed"}]
    c.call("DeleteIdentityPool", ADMIN, IdentityPoolId=pool_id)
    with pytest.raises(CognitoResourceNotFound, match=f"IdentityPool '{pool_id}' not found."):
        c.call("DescribeIdentityPool", ADMIN, IdentityPoolId=pool_id)


def test_list_pages_with_next_token() -> None:
    c = Cognito()
    ids = {c.create_pool() for _ in range(3)}
    first = c.call("ListIdentityPools", ADMIN, MaxResults=2)
    second = c.call("ListIdentityPools", ADMIN, MaxResults=2, NextToken=first["NextToken"])
    assert "NextToken" not in second
    assert {p["IdentityPoolId"] for p in first["IdentityPools"] + second["IdentityPools"]} == ids


def test_model_constraints_are_validation_errors() -> None:
    c = Cognito()
    with pytest.raises(CognitoValidationException) as error:
        c.call("GetId", IdentityPoolId="us-east-1_NotAnIdentityPool")
    assert error.value.message == (
        "1 validation error detected: Value 'us-east-1_NotAnIdentityPool' at 'identityPoolId' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: "
        "[\\w-]+:[0-9a-f-]+"
    )
    with pytest.raises(CognitoValidationException, match="Value null at 'identityPoolName'"):
        c.call("CreateIdentityPool", ADMIN, AllowUnauthenticatedIdentities=True)
    with pytest.raises(CognitoSerializationException):
        c.call(
            "CreateIdentityPool", ADMIN, IdentityPoolName="x", AllowUnauthenticatedIdentities="yes"
        )


def test_admin_operations_need_admin_credentials() -> None:
    with pytest.raises(NotAuthorizedException, match="cognito-identity:ListIdentityPools"):
        Cognito().call("ListIdentityPools", None, MaxResults=1)


def test_set_roles_checks_mappings() -> None:
    c = Cognito()
    pool_id = c.create_pool()
    role = c.role("Players", trust(pool_id))
    mapping = {"Type": "Rules", "AmbiguousRoleResolution": "Deny"}
    with pytest.raises(InvalidParameterException):
        c.call(
            "SetIdentityPoolRoles",
            ADMIN,
            IdentityPoolId=pool_id,
            Roles={"authenticated": role},
            RoleMappings={f"{PROVIDER}:client": mapping},
        )
    c.call("SetIdentityPoolRoles", ADMIN, IdentityPoolId=pool_id, Roles={"authenticated": role})
    assert c.call("GetIdentityPoolRoles", ADMIN, IdentityPoolId=pool_id) == {
        "IdentityPoolId": pool_id,
        "Roles": {"authenticated": role},
    }


def test_same_login_gets_the_same_identity() -> None:
    c = Cognito()
    pool_id = c.create_pool()
    first = c.call("GetId", IdentityPoolId=pool_id, Logins={PROVIDER: c.id_token()})
    again = c.call("GetId", IdentityPoolId=pool_id, Logins={PROVIDER: c.id_token()})
    assert first == again and first["IdentityId"].startswith("us-east-1:")


def test_unauthenticated_identities_only_when_the_pool_allows_them() -> None:
    c = Cognito()
    closed = c.create_pool()
    with pytest.raises(NotAuthorizedException, match=UNAUTH_DISABLED):
        c.call("GetId", IdentityPoolId=closed)
    open_pool = c.create_pool(AllowUnauthenticatedIdentities=True)
    one = c.call("GetId", IdentityPoolId=open_pool)["IdentityId"]
    two = c.call("GetId", IdentityPoolId=open_pool)["IdentityId"]
    assert one != two
    token = c.call("GetOpenIdToken", IdentityId=one)["Token"]
    assert _part(token, 1)["amr"] == ["unauthenticated"]


def test_open_id_token_has_cognitos_shape() -> None:
    c = Cognito()
    pool_id = c.create_pool()
    logins = {PROVIDER: c.id_token()}
    identity_id = c.call("GetId", IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    answer = c.call("GetOpenIdToken", IdentityId=identity_id, Logins=logins)
    header, claims = _part(answer["Token"], 0), _part(answer["Token"], 1)
    assert header["alg"] == "RS512"
    assert claims["iss"] == ISSUER
    assert claims["aud"] == pool_id
    assert claims["sub"] == identity_id == answer["IdentityId"]
    assert claims["amr"] == [
        "authenticated",
        PROVIDER,
        f"{PROVIDER}:CognitoSignIn:{c.users.alice.sub}",
    ]
    assert claims["exp"] - claims["iat"] == 600
    jwks = c.tokens.keys.jwks()["keys"]
    assert [k["kid"] for k in jwks] == [header["kid"]] and jwks[0]["alg"] == "RS512"


def test_authenticated_identity_needs_one_of_its_logins() -> None:
    c = Cognito()
    pool_id = c.create_pool(AllowUnauthenticatedIdentities=True)
    identity_id = c.call("GetId", IdentityPoolId=pool_id, Logins={PROVIDER: c.id_token()})[
        "IdentityId"
    ]
    with pytest.raises(NotAuthorizedException, match=LOGINS_MISMATCH.split(".")[0]):
        c.call("GetOpenIdToken", IdentityId=identity_id)
    c.users.admin.add_user(c.users.public.pool_id, "bob", "bob-password")
    with pytest.raises(NotAuthorizedException, match="Logins don't match"):
        c.call(
            "GetOpenIdToken",
            IdentityId=identity_id,
            Logins={PROVIDER: c.id_token("bob", "bob-password")},
        )
    bob = c.call(
        "GetId", IdentityPoolId=pool_id, Logins={PROVIDER: c.id_token("bob", "bob-password")}
    )
    assert bob["IdentityId"] != identity_id  # the refused login was not linked to alice


def test_logins_are_checked() -> None:
    c = Cognito()
    pool_id = c.create_pool()
    token = c.id_token()
    with pytest.raises(NotAuthorizedException, match=re.escape(UNSUPPORTED_PROVIDER)):
        c.call("GetId", IdentityPoolId=pool_id, Logins={"accounts.google.com": token})
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(NotAuthorizedException, match="Invalid login token"):
        c.call("GetId", IdentityPoolId=pool_id, Logins={PROVIDER: tampered})
    c.clock.advance(3601 + 60)
    with pytest.raises(
        NotAuthorizedException, match=re.escape("Invalid login token. Token expired")
    ):
        c.call("GetId", IdentityPoolId=pool_id, Logins={PROVIDER: token})


def test_token_for_another_app_client_is_refused() -> None:
    c = Cognito()
    pool_id = c.create_pool(
        CognitoIdentityProviders=[{"ProviderName": PROVIDER, "ClientId": "someotherclient"}]
    )
    with pytest.raises(NotAuthorizedException, match="Incorrect token audience"):
        c.call("GetId", IdentityPoolId=pool_id, Logins={PROVIDER: c.id_token()})


def test_unknown_identity() -> None:
    with pytest.raises(
        CognitoResourceNotFound, match=re.escape("Identity 'us-east-1:0000' not found.")
    ):
        Cognito().call("GetOpenIdToken", IdentityId="us-east-1:0000")


def test_enhanced_flow_assumes_the_authenticated_role() -> None:
    c = Cognito()
    pool_id = c.create_pool()
    role = c.role("Players", trust(pool_id))
    c.call("SetIdentityPoolRoles", ADMIN, IdentityPoolId=pool_id, Roles={"authenticated": role})
    logins = {PROVIDER: c.id_token()}
    identity_id = c.call("GetId", IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    answer = c.call("GetCredentialsForIdentity", IdentityId=identity_id, Logins=logins)
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert set(credentials) == {"AccessKeyId", "SecretKey", "SessionToken", "Expiration"}
    assert credentials["Expiration"] == int(c.clock.now()) + 3600


def test_trust_policy_refusal_is_a_pool_configuration_error() -> None:
    c = Cognito()
    pool_id = c.create_pool(AllowUnauthenticatedIdentities=True)
    role = c.role("Players", trust(pool_id))  # trusts authenticated identities only
    c.call(
        "SetIdentityPoolRoles",
        ADMIN,
        IdentityPoolId=pool_id,
        Roles={"authenticated": role, "unauthenticated": role},
    )
    guest = c.call("GetId", IdentityPoolId=pool_id)["IdentityId"]
    with pytest.raises(InvalidIdentityPoolConfigurationException, match="Check assigned IAM roles"):
        c.call("GetCredentialsForIdentity", IdentityId=guest)


def test_sts_refuses_tokens_of_pools_without_classic_flow() -> None:
    c = Cognito()
    pool_id = c.create_pool()
    role = c.role("Players", trust(pool_id))
    c.call("SetIdentityPoolRoles", ADMIN, IdentityPoolId=pool_id, Roles={"authenticated": role})
    logins = {PROVIDER: c.id_token()}
    identity_id = c.call("GetId", IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    token = c.call("GetOpenIdToken", IdentityId=identity_id, Logins=logins)["Token"]
    with pytest.raises(InvalidIdentityToken, match="Basic \\(classic\\) flow is not enabled"):
        c.providers.verify_web_identity(token)


def test_basic_flow_token_is_accepted_by_sts_with_cognito_keys() -> None:
    c = Cognito()
    pool_id = c.create_pool(AllowClassicFlow=True)
    role = c.role("Players", trust(pool_id))
    logins = {PROVIDER: c.id_token()}
    identity_id = c.call("GetId", IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    token = c.call("GetOpenIdToken", IdentityId=identity_id, Logins=logins)["Token"]
    request = parse_web_identity_request(
        {"RoleArn": role, "RoleSessionName": "web", "WebIdentityToken": token}
    )
    identity = c.providers.verify_web_identity(token)
    issued = c.sts.issue(request, identity)
    keys = issued.session.context_keys
    assert keys["cognito-identity.amazonaws.com:sub"] == [identity_id]
    assert keys["cognito-identity.amazonaws.com:aud"] == [pool_id]
    assert "authenticated" in keys["cognito-identity.amazonaws.com:amr"]
    assert keys["aws:FederatedProvider"] == ["cognito-identity.amazonaws.com"]
    assert identity.provider_arn == "cognito-identity.amazonaws.com"
    assert issued.arn.endswith(":assumed-role/Players/web")
