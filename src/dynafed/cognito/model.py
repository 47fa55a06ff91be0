"""Identity pools and identities as stored documents.

Kinds: `cognito-pool` (by pool id), `cognito-identity` (by identity id) and
`cognito-login` (`<pool id>|<provider>|<provider user id>` → identity id), so a returning
user finds the identity an earlier GetId made for them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from dynafed.storage.port import ReadView, Storage, WriteTxn

POOL_KIND = "cognito-pool"
IDENTITY_KIND = "cognito-identity"
LOGIN_KIND = "cognito-login"

POOL_CONFIG_FIELDS = (
    "AllowUnauthenticatedIdentities",
    "AllowClassicFlow",
    "SupportedLoginProviders",
    "DeveloperProviderName",
    "OpenIdConnectProviderARNs",
    "CognitoIdentityProviders",
    "SamlProviderARNs",
    "IdentityPoolTags",
)


@dataclass(slots=True)
class IdentityPool:
    pool_id: str
    name: str
    config: dict[str, Any]
    """The members of the `IdentityPool` shape other than id and name, as given."""
    roles: dict[str, str] = field(default_factory=dict)
    role_mappings: dict[str, Any] = field(default_factory=dict)

    @property
    def allow_unauthenticated(self) -> bool:
        return bool(self.config.get("AllowUnauthenticatedIdentities"))

    @property
    def allow_classic_flow(self) -> bool:
        return bool(self.config.get("AllowClassicFlow"))

    def describe(self) -> dict[str, Any]:
        view: dict[str, Any] = {"IdentityPoolId": self.pool_id, "IdentityPoolName": self.name}
        view.update({k: v for k, v in self.config.items() if v is not None})
        view.setdefault("AllowClassicFlow", False)
        return view

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> IdentityPool:
        return cls(**doc)


@dataclass(slots=True)
class Identity:
    identity_id: str
    pool_id: str
    logins: list[str]
    """`<provider>|<provider user id>` of every login linked to it; empty: unauthenticated."""
    created_at: float
    modified_at: float

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Identity:
        return cls(**doc)


def login_name(pool_id: str, provider: str, user_id: str) -> str:
    return f"{pool_id}|{provider}|{user_id}"


def get_pool(view: ReadView, pool_id: str) -> IdentityPool | None:
    doc = view.get_document(POOL_KIND, pool_id)
    return IdentityPool.from_document(doc) if doc is not None else None


def classic_flow_allowed(storage: Storage, pool_id: str) -> bool:
    """Whether the pool lets its OpenID tokens be exchanged at STS (the basic flow)."""
    with storage.read() as view:
        pool = get_pool(view, pool_id)
    return pool is not None and pool.allow_classic_flow


def save_pool(txn: WriteTxn, pool: IdentityPool) -> None:
    txn.put_document(POOL_KIND, pool.pool_id, pool.to_document())


def get_identity(view: ReadView, identity_id: str) -> Identity | None:
    doc = view.get_document(IDENTITY_KIND, identity_id)
    return Identity.from_document(doc) if doc is not None else None


def save_identity(txn: WriteTxn, identity: Identity) -> None:
    txn.put_document(IDENTITY_KIND, identity.identity_id, identity.to_document())
