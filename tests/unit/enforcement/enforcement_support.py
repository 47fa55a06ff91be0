"""Roles created through the in-process IAM API, sessions shaped as STS mints them, and the
`Authorizers` factory the server uses, on in-memory storage and a hand-moved clock.

(A uniquely named helper module: pytest puts this directory on sys.path.)"""

from __future__ import annotations

import json
from typing import Any

from tests.support import game_role
from tests.support.game_role import policy_document as document

from dynafed.auth.principal import Principal, SessionContext
from dynafed.core.authorization import AuthorizationRequest
from dynafed.core.clock import FixedClock
from dynafed.dynamodb import fgac
from dynafed.enforcement.authorizer import Authorizers
from dynafed.enforcement.context import RequestFacts
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.enforcement.role_cache import RoleCache
from dynafed.iam.api.service import IamService
from dynafed.iam.lookup import get_role_by_arn
from dynafed.storage.memory import MemoryStorage
from dynafed.sts.credentials import session_principal

ACCOUNT = "123456789012"
REGION = "us-west-2"
NOW = 1_800_000_000.0
PROVIDER = "idp.example.test/realms/game"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/GameScores"
ADMIN = Principal("AKIAADMIN", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{PROVIDER}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    }
)


def game_role_statement() -> dict[str, Any]:
    """The seed's GameRole policy (iam-fgac.md §5.6) for our provider."""
    return game_role.game_role_statement(TABLE, f"{PROVIDER}:sub")


class World:
    def __init__(self, ttl: float = 5.0, audit: bool = True) -> None:
        self.clock = FixedClock(NOW)
        self.storage = MemoryStorage()
        self.iam = IamService(self.storage, ACCOUNT, self.clock)
        self.roles = RoleCache(self.storage, self.clock, ttl)
        self.audit: list[dict[str, Any]] = []
        self.authorizers = Authorizers(
            self.roles,
            CompiledPolicies(),
            self.clock,
            RequestFacts(REGION),
            self.audit.append if audit else None,
        )

    def iam_call(self, action: str, **params: str) -> dict[str, Any]:
        return self.iam.handle(action, params, ADMIN)

    def create_role(self, name: str = "GameRole", *statements: dict[str, Any]) -> str:
        role = self.iam_call("CreateRole", RoleName=name, AssumeRolePolicyDocument=TRUST)
        for index, statement in enumerate(statements):
            self.iam_call(
                "PutRolePolicy",
                RoleName=name,
                PolicyName=f"p{index}",
                PolicyDocument=document(statement),
            )
        arn: str = role["Role"]["Arn"]
        return arn

    def create_policy(self, name: str, *statements: dict[str, Any]) -> str:
        created = self.iam_call(
            "CreatePolicy", PolicyName=name, PolicyDocument=document(*statements)
        )
        arn: str = created["Policy"]["Arn"]
        return arn

    def session(
        self,
        role_arn: str,
        sub: str = "alice",
        *,
        policy: str | None = None,
        policy_arns: tuple[str, ...] = (),
        tags: dict[str, str] | None = None,
        source_identity: str | None = None,
    ) -> Principal:
        with self.storage.read() as view:
            role = get_role_by_arn(view, role_arn)
        assert role is not None
        context = SessionContext(
            role_arn=role_arn,
            role_id=role.role_id,
            session_name=sub,
            expires_at=NOW + 3600,
            session_policies=(policy,) if policy else (),
            has_session_policies=policy is not None or bool(policy_arns),
            tags=tags or {},
            context_keys={
                f"{PROVIDER}:sub": [sub],
                f"{PROVIDER}:aud": ["game-web"],
                "aws:FederatedProvider": [f"arn:aws:iam::{ACCOUNT}:oidc-provider/{PROVIDER}"],
            },
            source_identity=source_identity,
            issued_at=NOW - 60,
            policy_arns=tuple(policy_arns),
        )
        return session_principal("ASIAEXAMPLE" + sub.upper()[:9].ljust(9, "X"), context)

    def authorize(self, principal: Principal, *requests: AuthorizationRequest) -> None:
        self.authorizers(principal).authorize(list(requests))


def get_item(user: str, *projection: str) -> AuthorizationRequest:
    body: dict[str, Any] = {"Key": {"UserId": {"S": user}, "GameTitle": {"S": "Meteor Blasters"}}}
    if projection:
        body["ProjectionExpression"] = ", ".join(projection)
    return fgac.get_item(body, "UserId", TABLE)


def put_item(user: str, **attributes: str) -> AuthorizationRequest:
    item = {"UserId": {"S": user}, "GameTitle": {"S": "Meteor Blasters"}}
    item.update({name: {"N": value} for name, value in attributes.items()})
    return fgac.put_item({"Item": item}, "UserId", TABLE)


def denied_message(principal: Principal, action: str, resource: str, reason: str) -> str:
    return (
        f"User: {principal.arn} is not authorized to perform: {action} on resource: {resource} "
        f"{reason}"
    )
