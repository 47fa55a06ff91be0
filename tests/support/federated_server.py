"""A running `dynafed serve` as a federated app and its administrator use it: admin
clients, an STS client without credentials, clients from role credentials, the audit log,
and the GameScores table's items as the administrator reads them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from tests.support.clients import client
from tests.support.game_role import GAME, GAME_TABLE, Player, policy_document
from tests.support.server_process import ServerProcess


@dataclass
class FederatedServer:
    server: ServerProcess
    audit_path: Path
    """Where the server writes its audit log (`--audit-log`)."""

    @property
    def account(self) -> str:
        return self.server.account_id

    def admin(self, service: str) -> Any:
        return client(self.server, service)

    def unsigned_sts(self) -> Any:
        """An STS client without credentials, as an app has before its user signs in."""
        return boto3.session.Session().client(
            "sts",
            endpoint_url=self.server.endpoint,
            region_name=self.server.region,
            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
        )

    def session_client(self, service: str, credentials: dict[str, Any]) -> Any:
        return client(
            self.server,
            service,
            access_key=credentials["AccessKeyId"],
            secret_key=credentials["SecretAccessKey"],
            session_token=credentials["SessionToken"],
        )

    def player(self, answer: dict[str, Any], user_id: str) -> Player:
        """The user an AssumeRole* answer signed in, calling DynamoDB with its credentials."""
        return Player(user_id, answer, self.session_client("dynamodb", answer["Credentials"]))

    def table_arn(self, table: str = GAME_TABLE) -> str:
        return f"arn:aws:dynamodb:{self.server.region}:{self.account}:table/{table}"

    def admin_item(self, user: str, game: str = GAME) -> dict[str, Any] | None:
        """A GameScores item as the administrator reads it (strongly consistent)."""
        key = {"UserId": {"S": user}, "GameTitle": {"S": game}}
        found: dict[str, Any] | None = (
            self.admin("dynamodb")
            .get_item(TableName=GAME_TABLE, Key=key, ConsistentRead=True)
            .get("Item")
        )
        return found

    def audit_events(self) -> list[dict[str, Any]]:
        if not self.audit_path.exists():
            return []
        return [json.loads(line) for line in self.audit_path.read_text().splitlines() if line]

    def _create_role(self, name: str, trust: str, statements: tuple[dict[str, Any], ...]) -> str:
        """A role with this trust policy and, when given, one inline policy of `statements`
        named `<name>Policy`."""
        iam = self.admin("iam")
        arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        if statements:
            iam.put_role_policy(
                RoleName=name,
                PolicyName=f"{name}Policy",
                PolicyDocument=policy_document(*statements),
            )
        return arn
