"""One federation for end-to-end tests: a real OpenID Provider (npm `oidc-provider`), a real
`dynafed serve` with its audit log in a file, the provider registered in IAM, and helpers to
make roles, trade ID tokens for credentials and build clients from them.

Shared by the boto3 tests (tests/e2e/test_sts_*.py, test_enforcement_*.py) and the test that
drives the AWS SDK for JavaScript v3 (tests/e2e/test_enforcement_js_sdk.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fixtures.oidc import OidcProvider
from tests.support.clients import client
from tests.support.federated_server import FederatedServer
from tests.support.game_role import GAME_TABLE, game_role_statement
from tests.support.game_role import policy_document as document
from tests.support.server_process import start_server

CLIENT_ID = "dynafed-web"
"""The only client registered with the IAM provider (the IdP also has an ES256 client that
is not registered: its tokens carry a wrong audience)."""


@dataclass
class Federation(FederatedServer):
    idp: OidcProvider
    provider_arn: str

    @property
    def provider_key(self) -> str:
        """The provider URL without its scheme: `127.0.0.1:PORT/idp`, the key prefix."""
        return self.idp.issuer.split("://", 1)[1]

    def trust(self, *extra_actions: str, **condition: Any) -> str:
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"Federated": self.provider_arn},
            "Action": ["sts:AssumeRoleWithWebIdentity", *extra_actions],
            "Condition": {"StringEquals": {f"{self.provider_key}:aud": CLIENT_ID}, **condition},
        }
        return document(statement)

    def create_role(self, name: str, *statements: dict[str, Any], trust: str | None = None) -> str:
        return self._create_role(name, trust or self.trust(), statements)

    def game_role_statement(self, table: str = GAME_TABLE) -> dict[str, Any]:
        """The seed's GameRole policy (iam-fgac.md §5.6) with our provider's `sub`."""
        return game_role_statement(self.table_arn(table), f"{self.provider_key}:sub")

    def exchange(self, role_arn: str, token: str, session_name: str, **params: Any) -> Any:
        return self.unsigned_sts().assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName=session_name, WebIdentityToken=token, **params
        )

    def credentials(self, role_arn: str, login: str, **params: Any) -> dict[str, Any]:
        """Sign `login` in at the IdP and trade the ID token for role credentials."""
        answer = self.exchange(role_arn, self.idp.id_token(login), login, **params)
        credentials: dict[str, Any] = answer["Credentials"]
        return credentials

    def idp_private_keys(self) -> list[dict[str, Any]]:
        """The IdP's own signing keys (the fixture generates them), to mint tokens the IdP
        would sign but cannot be made to issue: expired ones, for instance."""
        keys: list[dict[str, Any]] = json.loads((self.idp.workdir / "jwks.json").read_text())[
            "keys"
        ]
        return keys


@contextmanager
def federation(tmp: Path) -> Iterator[Federation]:
    idp = OidcProvider.start(tmp / "idp")
    audit_path = tmp / "audit.jsonl"
    try:
        server = start_server(tmp / "data", "--audit-log", str(audit_path))
        try:
            provider_arn = client(server, "iam").create_open_id_connect_provider(
                Url=idp.issuer, ClientIDList=[CLIENT_ID]
            )["OpenIDConnectProviderArn"]
            yield Federation(server, audit_path, idp, provider_arn)
        finally:
            server.stop()
    finally:
        idp.stop()
