"""Seeds the demo into a running server's storage, through the same services clients use.

Idempotent: a second start finds the demo document and only re-registers the user pool's
issuer with IAM (its URL carries the port, which may change between starts). A first start
reuses what the data directory already holds under the demo's names when it matches, and
refuses, writing nothing, when it differs (`demo.existing`, `DemoConflict`).
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from dynafed.auth.principal import Principal
from dynafed.cognito.model import Identity, login_name, save_identity
from dynafed.cognito.pools import PoolAdmin
from dynafed.core.authorization import AllowAll, Authorizer
from dynafed.core.clock import Clock
from dynafed.demo import gamescores as demo
from dynafed.demo.existing import find_existing
from dynafed.errors import AwsError
from dynafed.storage.port import Storage, WriteTxn
from dynafed.userpool.admin import UserPoolAdmin
from dynafed.userpool.issuer import issuer_url
from dynafed.userpool.passwords import Passwords

DEMO_KIND = "demo"
DEMO_NAME = "gamescores"


class QueryService(Protocol):
    def handle(self, action: str, params: Any, caller: Principal | None) -> dict[str, Any]: ...


class JsonService(Protocol):
    def handle(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
    ) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class DemoState:
    user_pool_id: str
    client_id: str
    identity_pool_id: str
    role_arn: str
    players: dict[str, str]
    """User name → identity id."""
    oidc_provider_arn: str | None = None


@dataclass(frozen=True, slots=True)
class DemoServices:
    storage: Storage
    clock: Clock
    iam: QueryService
    dynamodb: JsonService
    account_id: str
    region: str
    public_url: str


def seed(services: DemoServices, passwords: Passwords | None = None) -> DemoState:
    with services.storage.read() as view:
        stored = view.get_document(DEMO_KIND, DEMO_NAME)
    state = DemoState(**stored) if stored is not None else _create(services, passwords)
    state = _register_issuer(services, state)
    services.storage.write(lambda txn: txn.put_document(DEMO_KIND, DEMO_NAME, asdict(state)))
    return state


def load(storage: Storage) -> DemoState | None:
    with storage.read() as view:
        stored = view.get_document(DEMO_KIND, DEMO_NAME)
    return DemoState(**stored) if stored is not None else None


def _admin(services: DemoServices) -> Principal:
    account = services.account_id
    return Principal("demo-seed", account, f"arn:aws:iam::{account}:root", account)


class DemoConflict(Exception):
    """Resources of the demo's names exist and differ from the demo's: one line each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _create(services: DemoServices, passwords: Passwords | None) -> DemoState:
    """Seed what is missing and reuse what matches; refuse, writing nothing, when something
    of the demo's names differs (`demo.existing`)."""
    region, storage = services.region, services.storage
    passwords = passwords or Passwords()
    with storage.read() as view:
        found, conflicts = find_existing(view, region, passwords)
    if conflicts:
        raise DemoConflict(conflicts)
    users = UserPoolAdmin(storage, services.clock, passwords)
    pool_id = demo.user_pool_id(region)
    if not found.user_pool:
        users.create_pool(pool_id, demo.USER_POOL_NAME)
    if not found.client:
        callback = f"{services.public_url.rstrip('/')}/app/"
        users.create_client(pool_id, "GameScores web app", [callback], client_id=demo.CLIENT_ID)
    subs = {
        name: found.player_subs.get(name) or users.add_user(pool_id, name, password).sub
        for name, password in demo.PLAYERS
    }
    provider = f"cognito-idp.{region}.amazonaws.com/{pool_id}"
    identity_pool = (
        found.identity_pool_id
        or PoolAdmin(storage).create(
            {
                "IdentityPoolName": demo.IDENTITY_POOL_NAME,
                "AllowUnauthenticatedIdentities": False,
                "AllowClassicFlow": True,
                "CognitoIdentityProviders": [
                    {"ProviderName": provider, "ClientId": demo.CLIENT_ID}
                ],
            },
            region,
        )["IdentityPoolId"]
    )
    role_arn = found.role_arn or _create_role(services, identity_pool)
    PoolAdmin(storage).set_roles(
        {"IdentityPoolId": identity_pool, "Roles": {"authenticated": role_arn}}, region
    )
    players = {
        name: found.linked_identities.get(name)
        or _link_identity(services, identity_pool, provider, sub)
        for name, sub in subs.items()
    }
    if not found.table:
        services.dynamodb.handle("CreateTable", demo.create_table_request(), AllowAll(), region)
    for name, scores in demo.SEEDED_SCORES.items():
        for game, top, wins, losses in scores:
            item = demo.score_item(players[name], game, top, wins, losses)
            put = {"TableName": demo.TABLE, "Item": item}
            services.dynamodb.handle("PutItem", put, AllowAll(), region)
    return DemoState(pool_id, demo.CLIENT_ID, identity_pool, role_arn, players)


def _create_role(services: DemoServices, identity_pool_id: str) -> str:
    admin = _admin(services)
    created = services.iam.handle(
        "CreateRole",
        {"RoleName": demo.ROLE, "AssumeRolePolicyDocument": demo.trust_policy(identity_pool_id)},
        admin,
    )
    services.iam.handle(
        "PutRolePolicy",
        {
            "RoleName": demo.ROLE,
            "PolicyName": demo.POLICY_NAME,
            "PolicyDocument": demo.permission_policy(services.region, services.account_id),
        },
        admin,
    )
    arn: str = created["Role"]["Arn"]
    return arn


def _link_identity(services: DemoServices, pool_id: str, provider: str, sub: str) -> str:
    """The identity the player's first GetId would create, made up front so the page can
    name the other player's partition."""
    identity_id = f"{services.region}:{uuid.uuid4()}"
    now = services.clock.now()

    def write(txn: WriteTxn) -> None:
        identity = Identity(identity_id, pool_id, [f"{provider}|{sub}"], now, now)
        save_identity(txn, identity)
        txn.put_document(
            "cognito-login", login_name(pool_id, provider, sub), {"identity_id": identity_id}
        )

    services.storage.write(write)
    return identity_id


def _register_issuer(services: DemoServices, state: DemoState) -> DemoState:
    """Make the user pool an IAM OIDC provider at its current URL, so its ID tokens also
    work with STS AssumeRoleWithWebIdentity directly."""
    admin = _admin(services)
    url = issuer_url(services.public_url, state.user_pool_id)
    if state.oidc_provider_arn is not None and not state.oidc_provider_arn.endswith(
        url.split("://", 1)[1]
    ):
        with contextlib.suppress(AwsError):  # already deleted by hand
            services.iam.handle(
                "DeleteOpenIDConnectProvider",
                {"OpenIDConnectProviderArn": state.oidc_provider_arn},
                admin,
            )
    try:
        created = services.iam.handle(
            "CreateOpenIDConnectProvider",
            {"Url": url, "ClientIDList.member.1": state.client_id},
            admin,
        )
        arn = created["OpenIDConnectProviderArn"]
    except AwsError:
        arn = f"arn:aws:iam::{services.account_id}:oidc-provider/{url.split('://', 1)[1]}"
    return DemoState(**{**asdict(state), "oidc_provider_arn": arn})


def web_config(state: DemoState, public_url: str, region: str) -> dict[str, Any]:
    """What the web page needs to know (served as /app/config.json)."""
    issuer = issuer_url(public_url, state.user_pool_id)
    return {
        "endpoint": public_url.rstrip("/"),
        "region": region,
        "table": demo.TABLE,
        "attributes": demo.ATTRIBUTES,
        "identityPoolId": state.identity_pool_id,
        "roleArn": state.role_arn,
        "userPool": {
            "issuer": issuer,
            "clientId": state.client_id,
            "authorizeUrl": f"{issuer}/oauth2/authorize",
            "tokenUrl": f"{issuer}/oauth2/token",
            "loginsKey": f"cognito-idp.{region}.amazonaws.com/{state.user_pool_id}",
        },
        "players": [{"username": n, "identityId": i} for n, i in state.players.items()],
    }


def banner(state: DemoState, public_url: str) -> str:
    accounts = ", ".join(f"{name} / {password}" for name, password in demo.PLAYERS)
    return (
        f"demo: open {public_url.rstrip('/')}/app/ and sign in as {accounts}\n"
        f"  user pool {state.user_pool_id}, identity pool {state.identity_pool_id}, "
        f"role {state.role_arn}"
    )
