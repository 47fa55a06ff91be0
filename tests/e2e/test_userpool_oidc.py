"""The built-in OpenID provider over HTTP against a real server, with its pool, client and
users made by `dynafed users`: discovery and JWKS, the code flow with PKCE, refresh, wrong
passwords and the lockout, tampered codes and verifiers, userinfo, and STS accepting the
pool's ID tokens once the issuer is registered as an IAM OIDC provider.

References: OpenID Connect Discovery 1.0 §4, RFC 6749 §4.1/§5.2, RFC 7636 §4.6, and STS
AssumeRoleWithWebIdentity with an IAM OIDC provider (id_roles_providers_oidc).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from joserfc.jwk import KeySet
from joserfc.jwt import decode

from tests.e2e.userpool_flow import (
    CALLBACK,
    UserPoolSite,
    make_site,
    pkce_pair,
    users_cli,
)
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

POOL = "us-east-1_OidcE2e"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UserPoolSite]:
    server = start_server(tmp_path_factory.mktemp("userpool"))
    try:
        made = make_site(server, POOL, "--lockout-after", "3", "--lockout-seconds", "300")
        users_cli(server, "add", POOL, "alice", "--password", "alice-password", "--email", "a@x.io")
        users_cli(server, "add", POOL, "mallet", "--password", "mallet-password")
        yield made
    finally:
        server.stop()


def test_discovery_and_jwks_verify_the_id_token(site: UserPoolSite) -> None:
    http = site.http()
    discovery = http.get(f"{site.issuer}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == site.issuer
    jwks = http.get(discovery["jwks_uri"], timeout=10).json()
    tokens = site.sign_in("alice", "alice-password")
    claims = decode(tokens["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    assert (claims["iss"], claims["aud"], claims["token_use"]) == (
        site.issuer,
        site.client_id,
        "id",
    )
    assert claims["cognito:username"] == "alice" and claims["email"] == "a@x.io"
    info = http.get(
        discovery["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).json()
    assert info["sub"] == claims["sub"]


def test_refresh_token_gives_new_tokens(site: UserPoolSite) -> None:
    tokens = site.sign_in("alice", "alice-password")
    answer = site.token(
        grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=site.client_id
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert set(answer.json()) == {"id_token", "access_token", "token_type", "expires_in"}


def test_tampered_code_wrong_verifier_and_reuse_are_refused(site: UserPoolSite) -> None:
    verifier, challenge = pkce_pair()
    code = site.code("alice", "alice-password", challenge)
    tampered = site.exchange(code[:-2] + ("zz" if not code.endswith("zz") else "yy"), verifier)
    assert (tampered.status_code, tampered.json()["error"]) == (400, "invalid_grant")
    wrong = site.exchange(code, pkce_pair()[0])
    assert wrong.json()["error"] == "invalid_grant"
    assert site.exchange(code, verifier).json()["error"] == "invalid_grant"  # used up

    verifier, challenge = pkce_pair()
    code = site.code("alice", "alice-password", challenge)
    assert site.exchange(code, verifier).status_code == 200
    assert site.exchange(code, verifier).json()["error"] == "invalid_grant"


def test_public_client_without_pkce_is_sent_back_an_error(site: UserPoolSite) -> None:
    answer = site.authorize("alice", "alice-password", "", code_challenge_method="")
    assert answer.status_code == 302
    assert answer.headers["location"].startswith(f"{CALLBACK}?error=invalid_request")


def test_wrong_passwords_lock_the_user(site: UserPoolSite) -> None:
    _, challenge = pkce_pair()
    for _ in range(3):
        page = site.authorize("mallet", "wrong-password", challenge)
        assert page.status_code == 400 and "Incorrect username or password." in page.text
    locked = site.authorize("mallet", "mallet-password", challenge)
    assert locked.status_code == 400 and "Password attempts exceeded" in locked.text
    users_cli(site.server, "set-password", POOL, "mallet", "--password", "mallet-password-2")
    assert site.authorize("mallet", "mallet-password-2", challenge).status_code == 302


def test_users_cli_lists_and_deletes(site: UserPoolSite) -> None:
    users_cli(site.server, "add", POOL, "carol", "--password", "carol-password")
    assert "carol" in users_cli(site.server, "list", POOL)
    users_cli(site.server, "delete", POOL, "carol")
    assert "carol" not in users_cli(site.server, "list", POOL)
    _, challenge = pkce_pair()
    assert site.authorize("carol", "carol-password", challenge).status_code == 400


def _trust(site: UserPoolSite, provider_arn: str) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{site.provider_key}:aud": site.client_id}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_sts_accepts_the_pools_id_token_as_an_iam_oidc_provider(site: UserPoolSite) -> None:
    server: ServerProcess = site.server
    iam = client(server, "iam")
    arn = iam.create_open_id_connect_provider(Url=site.issuer, ClientIDList=[site.client_id])[
        "OpenIDConnectProviderArn"
    ]
    role = iam.create_role(RoleName="PoolPlayers", AssumeRolePolicyDocument=_trust(site, arn))
    sts_client = boto3.session.Session().client(
        "sts",
        endpoint_url=server.endpoint,
        region_name=server.region,
        config=Config(signature_version=UNSIGNED),
    )
    tokens = site.sign_in("alice", "alice-password")
    answer = sts_client.assume_role_with_web_identity(
        RoleArn=role["Role"]["Arn"], RoleSessionName="alice", WebIdentityToken=tokens["id_token"]
    )
    assert answer["Provider"] == arn
    assert answer["Audience"] == site.client_id
    refused = sts_client.exceptions.InvalidIdentityTokenException
    with pytest.raises(refused, match="Missing a required claim: aud"):
        sts_client.assume_role_with_web_identity(
            RoleArn=role["Role"]["Arn"],
            RoleSessionName="alice",
            WebIdentityToken=tokens["access_token"],
        )


@pytest.mark.parametrize(
    "callback", ["http://localhost:8123/callback", "http://[::1]:9000/callback"]
)
def test_a_loopback_callback_may_name_any_port_and_loopback_host(
    site: UserPoolSite, callback: str
) -> None:
    """The client registered `http://127.0.0.1/callback`; the page was opened under another
    loopback name and port (RFC 8252 §7.3). The code goes back there, and only there."""
    verifier, challenge = pkce_pair()
    answer = site.authorize("alice", "alice-password", challenge, redirect_uri=callback)
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].startswith(callback + "?")
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    tokens = site.token(
        grant_type="authorization_code",
        code=code,
        client_id=site.client_id,
        redirect_uri=callback,
        code_verifier=verifier,
    )
    assert tokens.status_code == 200, tokens.text
    elsewhere = site.authorize(
        "alice", "alice-password", challenge, redirect_uri="http://evil.example/callback"
    )
    assert elsewhere.status_code == 400
    assert "not a callback URL registered" in elsewhere.text


def test_users_run_from_another_directory_refuses_instead_of_making_a_database(
    tmp_path: Path,
) -> None:
    """Run without the server's environment or data directory, `dynafed users` says what is
    missing and creates nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DYNAFED_"))}

    def users(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dynafed.cli", "users", *args],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    listed = users("list", POOL)
    assert listed.returncode == 2, listed.stdout + listed.stderr
    assert "no admin credentials" in listed.stderr and "AWS_ACCESS_KEY_ID" not in listed.stdout
    outbox = users("outbox", POOL)
    assert outbox.returncode == 2, outbox.stdout + outbox.stderr
    assert "no dynafed database at" in outbox.stderr and "--data-dir" in outbox.stderr
    assert list(tmp_path.iterdir()) == []
