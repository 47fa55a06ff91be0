"""A real `dynafed serve` whose built-in identity providers are pointed, through
`--identity-config`, at local fakes that speak each provider's protocol over loopback HTTP;
the seed's GameScores table; and helpers to make roles, trade tokens or SAML responses for
credentials and call DynamoDB with them through boto3.

Shared by tests/e2e/test_sts_providers_*.py (Google, Login with Amazon, Facebook, SAML)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.federated_server import FederatedServer
from tests.support.game_role import (
    GAME,
    Player,
    create_game_scores_table,
    game_role_statement,
    policy_document,
)
from tests.support.game_role import GAME_TABLE as TABLE
from tests.support.server_process import start_server

WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
NOT_AUTHORIZED = ("AccessDenied", f"Not authorized to perform {WEB_IDENTITY}", 403)
"""A trust-policy refusal of AssumeRoleWithWebIdentity: code, message, HTTP status."""


def federated_trust(provider: str, action: str | list[str], condition: dict[str, Any]) -> str:
    return policy_document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider},
            "Action": action,
            "Condition": condition,
        }
    )


@dataclass
class ProviderFederation(FederatedServer):
    provider_id: str | None = None
    """The `ProviderId` web identity exchanges send (None: an ID token, routed by `iss`)."""

    def create_role(self, name: str, trust: str, *statements: dict[str, Any]) -> str:
        return self._create_role(name, trust, statements)

    def game_role_statement(self, user_variable: str) -> dict[str, Any]:
        """The seed's GameRole permissions, LeadingKeys bound to `${<user_variable>}`."""
        return game_role_statement(self.table_arn(), user_variable)

    def exchange(self, role: str, token: str, name: str = "app1") -> Any:
        """AssumeRoleWithWebIdentity with this federation's ProviderId, if any."""
        return self.unsigned_sts().assume_role_with_web_identity(
            RoleArn=role, RoleSessionName=name, WebIdentityToken=token, **self._provider()
        )

    def exchange_error(self, role: str, token: str) -> tuple[str, str, int]:
        return sts_error(
            self.unsigned_sts().assume_role_with_web_identity,
            RoleArn=role,
            RoleSessionName="app1",
            WebIdentityToken=token,
            **self._provider(),
        )

    def last_exchange(self) -> dict[str, Any]:
        return [event for event in self.audit_events() if event.get("event") == "sts"][-1]

    def _provider(self) -> dict[str, str]:
        return {"ProviderId": self.provider_id} if self.provider_id is not None else {}


def check_own_partition_only(fed: ProviderFederation, me: Player, other: Player) -> None:
    """GameRole end to end: `me` writes, reads and queries its own partition; every call
    on `other`'s partition is AccessDeniedException naming `me`'s session, and writes
    nothing (DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained access
    control")."""
    me.dynamodb.put_item(TableName=TABLE, Item={**me.key(), "TopScore": {"N": "5842"}})
    got = me.dynamodb.get_item(TableName=TABLE, Key=me.key(), ProjectionExpression="TopScore")
    assert got["Item"] == {"TopScore": {"N": "5842"}}
    mine = me.dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="UserId = :me",
        ExpressionAttributeValues={":me": {"S": me.user_id}},
        ProjectionExpression="GameTitle, TopScore",
    )
    assert mine["Items"] == [{"GameTitle": {"S": GAME}, "TopScore": {"N": "5842"}}]

    other.dynamodb.put_item(TableName=TABLE, Item={**other.key(), "TopScore": {"N": "10"}})
    message = me.denied(
        "put_item", TableName=TABLE, Item={**me.key(other.user_id), "TopScore": {"N": "99999"}}
    )
    assert message == (
        f"User: {me.arn} is not authorized to perform: dynamodb:PutItem on resource: "
        f"{fed.table_arn()} because no identity-based policy allows the dynamodb:PutItem action"
    )
    assert fed.admin_item(other.user_id) == {**other.key(), "TopScore": {"N": "10"}}
    me.denied("get_item", TableName=TABLE, Key=me.key(other.user_id), ProjectionExpression="Wins")
    me.denied(
        "query",
        TableName=TABLE,
        KeyConditionExpression="UserId = :them",
        ExpressionAttributeValues={":them": {"S": other.user_id}},
        ProjectionExpression="TopScore",
    )
    # The seed policy lists the attributes a user may touch, even in their own items.
    me.denied("put_item", TableName=TABLE, Item={**me.key(game="Tetris"), "Cheat": {"S": "1"}})
    assert fed.admin_item(me.user_id, "Tetris") is None


def identity_config(tmp: Path, text: str) -> Path:
    path = tmp / "identity.toml"
    path.write_text(text)
    return path


@contextmanager
def provider_federation(
    tmp: Path,
    identity_toml: str,
    env: dict[str, str] | None = None,
    provider_id: str | None = None,
) -> Iterator[ProviderFederation]:
    """A server with this identity configuration (and extra environment), its audit log
    in a file, and the GameScores table (UserId, GameTitle); web identity exchanges send
    `provider_id` as their ProviderId."""
    audit_path = tmp / "audit.jsonl"
    config = identity_config(tmp, identity_toml)
    server = start_server(
        tmp / "data", "--audit-log", str(audit_path), "--identity-config", str(config), env=env
    )
    try:
        fed = ProviderFederation(server, audit_path, provider_id)
        create_game_scores_table(fed.admin("dynamodb"))
        yield fed
    finally:
        server.stop()


def sts_error(call: Any, **params: Any) -> tuple[str, str, int]:
    """Code, message and HTTP status of a failing STS call."""
    with pytest.raises(ClientError) as raised:
        call(**params)
    error = raised.value.response
    return (
        error["Error"]["Code"],
        error["Error"]["Message"],
        error["ResponseMetadata"]["HTTPStatusCode"],
    )
