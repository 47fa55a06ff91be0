"""GetId, GetOpenIdToken and GetCredentialsForIdentity.

- GetId: the identity linked to the logins (created on first sight); with no logins, a new
  unauthenticated identity if the pool allows them.
- GetOpenIdToken: the pool's OpenID token for an identity whose logins check out (the basic
  flow continues at STS AssumeRoleWithWebIdentity).
- GetCredentialsForIdentity: the enhanced flow: pick the role (role_mapping), then assume it
  as STS would with the OpenID token, session name `CognitoIdentityCredentials`.

An authenticated identity must present at least one of its logins; unauthenticated access
needs `AllowUnauthenticatedIdentities` (Cognito Identity API reference, GetId,
GetCredentialsForIdentity; messages as Cognito words them).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dynafed.cognito import role_mapping
from dynafed.cognito.logins import LoginVerifier, VerifiedLogin
from dynafed.cognito.model import (
    LOGIN_KIND,
    Identity,
    IdentityPool,
    get_identity,
    get_pool,
    login_name,
    save_identity,
)
from dynafed.cognito.openid_token import OpenIdTokens
from dynafed.cognito.pools import not_found, region_of
from dynafed.core.clock import Clock
from dynafed.errors import (
    AccessDenied,
    CognitoResourceNotFound,
    InvalidIdentityPoolConfigurationException,
    NotAuthorizedException,
    ResourceConflictException,
)
from dynafed.identity.builtin.identity_pool_tokens import identity_from_claims
from dynafed.identity.verified import VerifiedIdentity
from dynafed.storage.port import Storage, WriteTxn
from dynafed.sts.parameters import DEFAULT_DURATION_SECONDS, SessionRequest, WebIdentityRequest
from dynafed.sts.role_sessions import IssuedSession

SESSION_NAME = "CognitoIdentityCredentials"
UNAUTH_DISABLED = "Unauthenticated access is not supported for this identity pool."
LOGINS_MISMATCH = (
    "Logins don't match. Please include at least one valid login for this identity or "
    "identity pool."
)

AssumeRole = Callable[[WebIdentityRequest, VerifiedIdentity], IssuedSession]


@dataclass(frozen=True, slots=True)
class Checked:
    pool: IdentityPool
    identity: Identity
    logins: list[VerifiedLogin]


class Identities:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        logins: LoginVerifier,
        tokens: OpenIdTokens,
        assume: AssumeRole,
        new_uuid: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._logins = logins
        self._tokens = tokens
        self._assume = assume
        self._new_uuid = new_uuid

    def get_id(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        pool = self._pool(body["IdentityPoolId"])
        verified = self._logins.verify_all(pool, body.get("Logins") or {})
        if not verified and not pool.allow_unauthenticated:
            raise NotAuthorizedException(UNAUTH_DISABLED)
        fresh_id = f"{region_of(pool.pool_id)}:{self._new_uuid()}"  # the pool's region
        now = self._clock.now()
        identity_id = self._storage.write(
            lambda txn: _find_or_link(txn, pool, verified, fresh_id, now)
        )
        return {"IdentityId": identity_id}

    def get_open_id_token(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        checked = self._check(body["IdentityId"], body.get("Logins") or {})
        token, _ = self._mint(checked)
        return {"IdentityId": checked.identity.identity_id, "Token": token}

    def get_credentials(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        checked = self._check(body["IdentityId"], body.get("Logins") or {})
        first = checked.logins[0] if checked.logins else None
        role_arn = role_mapping.resolve_role(
            checked.pool.roles,
            checked.pool.role_mappings,
            (first.mapping_key, first.claims) if first is not None else None,
            body.get("CustomRoleArn"),
        )
        token, claims = self._mint(checked)
        session = SessionRequest(role_arn, DEFAULT_DURATION_SECONDS, False, None, ())
        request = WebIdentityRequest(session, SESSION_NAME, token, None)
        try:
            issued = self._assume(request, identity_from_claims(claims, claims["exp"]))
        except AccessDenied:
            # The role is missing or its trust policy refuses cognito-identity.amazonaws.com.
            raise InvalidIdentityPoolConfigurationException(role_mapping.MISCONFIGURED) from None
        credentials = issued.credentials
        return {
            "IdentityId": checked.identity.identity_id,
            "Credentials": {
                "AccessKeyId": credentials.access_key_id,
                "SecretKey": credentials.secret_access_key,
                "SessionToken": credentials.session_token,
                "Expiration": int(credentials.expiration),
            },
        }

    def _pool(self, pool_id: str) -> IdentityPool:
        with self._storage.read() as view:
            pool = get_pool(view, pool_id)
        if pool is None:
            raise not_found(pool_id)
        return pool

    def _check(self, identity_id: str, logins: Mapping[str, str]) -> Checked:
        with self._storage.read() as view:
            identity = get_identity(view, identity_id)
            pool = get_pool(view, identity.pool_id) if identity is not None else None
        if identity is None or pool is None:
            raise CognitoResourceNotFound(f"Identity '{identity_id}' not found.")
        verified = self._logins.verify_all(pool, logins)
        if not verified:
            if identity.logins:
                raise NotAuthorizedException(LOGINS_MISMATCH)
            if not pool.allow_unauthenticated:
                raise NotAuthorizedException(UNAUTH_DISABLED)
            return Checked(pool, identity, [])
        now = self._clock.now()
        linked = self._storage.write(
            lambda txn: _find_or_link(txn, pool, verified, identity_id, now)
        )
        if linked != identity_id:
            raise NotAuthorizedException(LOGINS_MISMATCH)
        return Checked(pool, identity, verified)

    def _mint(self, checked: Checked) -> tuple[str, dict[str, Any]]:
        amr = ["unauthenticated"]
        if checked.logins:
            amr = ["authenticated"]
            for login in checked.logins:
                amr += [login.provider, login.amr_entry]
        return self._tokens.mint(checked.pool.pool_id, checked.identity.identity_id, amr)


def _find_or_link(
    txn: WriteTxn,
    pool: IdentityPool,
    verified: list[VerifiedLogin],
    wanted_id: str,
    now: float,
    *,
    only_wanted: bool = False,
) -> str:
    """The identity the logins belong to (all of them must agree), linking the ones not yet
    linked to it; with none linked, `wanted_id` (created if it does not exist). With
    `only_wanted`, logins of another identity change nothing: the caller refuses them."""
    names = {v.link: login_name(pool.pool_id, v.provider, v.user_id) for v in verified}
    owners = {link: txn.get_document(LOGIN_KIND, name) for link, name in names.items()}
    found = {doc["identity_id"] for doc in owners.values() if doc is not None}
    if len(found) > 1:
        raise ResourceConflictException("The logins belong to different identities.")
    identity_id = found.pop() if found else wanted_id
    if only_wanted and identity_id != wanted_id:
        return identity_id
    identity = get_identity(txn, identity_id) or Identity(identity_id, pool.pool_id, [], now, now)
    if not verified and get_identity(txn, identity_id) is None:
        save_identity(txn, identity)
    missing = [link for link, doc in owners.items() if doc is None]
    if missing:
        if not found and identity.logins:
            # An authenticated identity presented only logins it has never seen.
            return ""
        for link in missing:
            txn.put_document(LOGIN_KIND, names[link], {"identity_id": identity_id})
        identity.logins = sorted({*identity.logins, *missing})
        identity.modified_at = now
        save_identity(txn, identity)
    return identity_id
