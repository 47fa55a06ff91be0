"""A user pool made with `dynafed users` on a running server, and a browser-like walk of its
authorization-code flow with PKCE over HTTP. Shared by the user-pool and Cognito e2e tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import subprocess
import sys
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import requests
from botocore import UNSIGNED
from botocore.config import Config

from tests.support.server_process import ServerProcess

CALLBACK = "http://127.0.0.1/callback"


def users_cli(server: ServerProcess, *args: str) -> str:
    """`dynafed users` as a developer runs it: the server found through the AWS environment
    its banner prints (the storage only for `outbox`)."""
    storage = ("--storage", server.storage_url) if server.storage_url else ()
    command = [sys.executable, "-m", "dynafed.cli", "users", "--data-dir", str(server.data_dir)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DYNAFED_"))}
    env.update(
        AWS_ENDPOINT_URL=server.endpoint,
        AWS_ACCESS_KEY_ID=server.access_key,
        AWS_SECRET_ACCESS_KEY=server.secret_key,
    )
    done = subprocess.run(
        [*command, *storage, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class UserPoolSite:
    server: ServerProcess
    pool_id: str
    client_id: str

    @property
    def issuer(self) -> str:
        return f"{self.server.endpoint}/idp/{self.pool_id}"

    @property
    def provider_key(self) -> str:
        return self.issuer.split("://", 1)[1]

    def http(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        return session

    def authorize(
        self, username: str, password: str, challenge: str, **extra: str
    ) -> requests.Response:
        form = {
            "client_id": self.client_id,
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid email",
            "state": "xyz",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "username": username,
            "password": password,
            **extra,
        }
        return self.http().post(
            f"{self.issuer}/oauth2/authorize", data=form, allow_redirects=False, timeout=30
        )

    def code(self, username: str, password: str, challenge: str) -> str:
        answer = self.authorize(username, password, challenge)
        assert answer.status_code == 302, answer.text
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        assert query["state"] == ["xyz"]
        return query["code"][0]

    def token(self, **form: str) -> requests.Response:
        return self.http().post(f"{self.issuer}/oauth2/token", data=form, timeout=30)

    def exchange(self, code: str, verifier: str) -> requests.Response:
        return self.token(
            grant_type="authorization_code",
            code=code,
            client_id=self.client_id,
            redirect_uri=CALLBACK,
            code_verifier=verifier,
        )

    def sign_in(self, username: str, password: str) -> dict[str, Any]:
        verifier, challenge = pkce_pair()
        answer = self.exchange(self.code(username, password, challenge), verifier)
        assert answer.status_code == 200, answer.text
        tokens: dict[str, Any] = answer.json()
        return tokens


def make_site(server: ServerProcess, pool_id: str, *pool_args: str) -> UserPoolSite:
    users_cli(server, "create-pool", pool_id, "--name", "Players", *pool_args)
    return UserPoolSite(server, pool_id, add_client(server, pool_id, "web"))


def add_client(server: ServerProcess, pool_id: str, name: str, *client_args: str) -> str:
    out = users_cli(server, "add-client", pool_id, name, "--callback-url", CALLBACK, *client_args)
    return out.split()[1]


# --- the cognito-idp API -------------------------------------------------------------------

API_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def unsigned_idp(server: ServerProcess) -> Any:
    """An app's cognito-idp client: no credentials, requests unsigned."""
    return boto3.session.Session().client(
        "cognito-idp",
        endpoint_url=server.endpoint,
        region_name=server.region,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


def new_pool(
    idp: Any, secret: bool = False, prevent: str = "ENABLED", **pool_args: Any
) -> tuple[str, str, str | None]:
    """(pool id, client id, client secret); `prevent`: PreventUserExistenceErrors. Sign-up
    codes verify the email unless `AutoVerifiedAttributes` says otherwise."""
    pool_args.setdefault("AutoVerifiedAttributes", ["email"])
    pool_id = idp.create_user_pool(PoolName=f"signup-{uuid.uuid4().hex[:8]}", **pool_args)[
        "UserPool"
    ]["Id"]
    made = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=API_FLOWS,
        GenerateSecret=secret,
        PreventUserExistenceErrors=prevent,
    )["UserPoolClient"]
    return pool_id, made["ClientId"], made.get("ClientSecret")


def outbox_code(server: ServerProcess, pool_id: str, username: str, purpose: str) -> str:
    """The newest code `dynafed users outbox` shows for the user."""
    lines = users_cli(server, "outbox", pool_id).splitlines()
    found = [line.split("\t") for line in lines]
    codes = [fields[3] for fields in found if fields[1] == username and fields[2] == purpose]
    assert codes, lines
    return codes[-1]


def secret_hash(secret: str, username: str, client_id: str) -> str:
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()
