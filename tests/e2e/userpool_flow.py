"""A user pool made with `dynafed users` on a running server, and a browser-like walk of its
authorization-code flow with PKCE over HTTP. Shared by the user-pool and Cognito e2e tests."""

from __future__ import annotations

import base64
import hashlib
import secrets
import subprocess
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from tests.support.server_process import ServerProcess

CALLBACK = "http://127.0.0.1/callback"


def users_cli(server: ServerProcess, *args: str) -> str:
    storage = ("--storage", server.storage_url) if server.storage_url else ()
    command = [sys.executable, "-m", "dynafed.cli", "users", "--data-dir", str(server.data_dir)]
    done = subprocess.run(
        [*command, *storage, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
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
