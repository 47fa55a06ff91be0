"""What every cognito-idp use case is given: the pools' storage and keys, the password
check, and the call's own facts (region, caller's address)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dynafed.auth.principal import Principal
from dynafed.core.authorization import Authorizer
from dynafed.storage.port import ReadView
from dynafed.userpool import store
from dynafed.userpool.api.errors import CognitoResourceNotFound, InvalidParameterException
from dynafed.userpool.issuer import PoolDirectory
from dynafed.userpool.model import AppClient, UserPool
from dynafed.userpool.passwords import Passwords
from dynafed.userpool.signin import Authenticator as PasswordCheck


@dataclass(frozen=True, slots=True)
class Call:
    region: str
    """The credential scope's region; for an unsigned call, the server's default."""
    caller: Principal | None = None
    authorizer: Authorizer | None = None
    """The caller's authorizer (None for an unsigned call)."""
    client_ip: str | None = None
    """For the sign-in throttle."""


@dataclass(frozen=True, slots=True)
class ApiContext:
    pools: PoolDirectory
    passwords: Passwords
    check: PasswordCheck
    account_id: str

    def pool_arn(self, pool_id: str) -> str:
        region = pool_id.split("_", 1)[0]
        return f"arn:aws:cognito-idp:{region}:{self.account_id}:userpool/{pool_id}"

    def now(self) -> float:
        return self.pools.deps.clock.now()


def require_pool(view: ReadView, pool_id: str, region: str) -> UserPool:
    """The pool, if it exists in `region` (user pools are regional, as on AWS)."""
    pool = store.get_pool(view, pool_id) if pool_id.startswith(f"{region}_") else None
    if pool is None:
        raise CognitoResourceNotFound(f"User pool {pool_id} does not exist.")
    return pool


def find_client(ctx: ApiContext, client_id: str) -> tuple[UserPool, AppClient]:
    """The client an unsigned call names (by id alone) and its pool."""
    with ctx.pools.deps.storage.read() as view:
        client = store.find_client(view, client_id)
        pool = store.get_pool(view, client.pool_id) if client is not None else None
    if client is None or pool is None:
        raise CognitoResourceNotFound(f"User pool client {client_id} does not exist.")
    return pool, client


def require_client(view: ReadView, pool_id: str, client_id: str) -> AppClient:
    client = store.get_client(view, pool_id, client_id)
    if client is None:
        raise CognitoResourceNotFound(f"User pool client {client_id} does not exist.")
    return client


def page(items: list[Any], key: Any, limit: int, token: str | None) -> tuple[list[Any], str | None]:
    """One page of `items` (sorted by `key`): those from `token` on, and the next token."""
    ordered = sorted(items, key=key)
    start = 0
    if token is not None:
        keys = [key(item) for item in ordered]
        if token not in keys:
            raise InvalidParameterException("Invalid pagination token.")
        start = keys.index(token)
    chosen = ordered[start : start + limit]
    rest = ordered[start + limit :]
    return chosen, (key(rest[0]) if rest else None)
