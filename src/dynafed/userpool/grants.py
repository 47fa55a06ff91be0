"""Authorization codes and refresh tokens: issued once, redeemed atomically.

A code lives `CODE_SECONDS` and redeems once. Any redemption attempt by its own client uses
it up, even one with a wrong PKCE verifier, so a verifier cannot be guessed by retrying; a
second redemption also revokes the refresh token the first one produced (RFC 6749 §4.1.2:
"If an authorization code is used more than once, the authorization server MUST deny the
request and SHOULD revoke … all tokens previously issued based on that authorization
code"). Refresh tokens are opaque, filed by digest, and valid for the client's
`refresh_token_seconds`; like Cognito's, they are not rotated on use.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from dynafed.storage.port import ReadView, WriteTxn
from dynafed.userpool import pkce, store
from dynafed.userpool.oauth_errors import OAuthError, invalid_grant
from dynafed.userpool.tokens import SignIn

MAX_ACCESS_TOKEN_SECONDS = 86_400
"""Cognito's longest access-token life: a revocation is kept that long."""
CODE_SECONDS = 300
"""Cognito's authorization codes are valid for five minutes."""


@dataclass(frozen=True, slots=True)
class PendingCode:
    sign_in: SignIn
    redirect_uri: str
    code_challenge: str | None
    expires_at: float
    refresh_token_seconds: int

    def to_document(self) -> dict[str, Any]:
        return {**asdict(self), "sign_in": asdict(self.sign_in), "used": False}


def save_code(txn: WriteTxn, code: str, pending: PendingCode) -> None:
    txn.put_document(store.CODE_KIND, store.digest(code), pending.to_document())


def redeem_code(
    txn: WriteTxn,
    code: str,
    client_id: str,
    redirect_uri: str | None,
    verifier: str | None,
    refresh_token: str,
    now: float,
) -> SignIn | OAuthError:
    """Check and use up `code`; file `refresh_token` for the sign-in it carried.

    A refusal is returned, not raised: raising would roll back the write that uses the code
    up (and the one revoking tokens of a reused code)."""
    name = store.digest(code)
    doc = txn.get_document(store.CODE_KIND, name)
    if doc is None or doc["sign_in"]["client_id"] != client_id:
        return invalid_grant("Invalid authorization code")
    if doc["used"]:
        if doc.get("refresh_digest"):
            txn.delete_document(store.REFRESH_KIND, doc["refresh_digest"])
        return invalid_grant("Authorization code has already been used")
    txn.put_document(store.CODE_KIND, name, {**doc, "used": True})
    refusal = _refusal(doc, redirect_uri, verifier, now)
    if refusal is not None:
        return refusal
    sign_in = SignIn(**doc["sign_in"])
    refresh_digest = store.digest(refresh_token)
    txn.put_document(store.CODE_KIND, name, {**doc, "used": True, "refresh_digest": refresh_digest})
    client_seconds = doc["refresh_token_seconds"]
    txn.put_document(
        store.REFRESH_KIND,
        refresh_digest,
        {"sign_in": doc["sign_in"], "expires_at": now + client_seconds},
    )
    return sign_in


def _refusal(
    doc: dict[str, Any], redirect_uri: str | None, verifier: str | None, now: float
) -> OAuthError | None:
    if now >= doc["expires_at"]:
        return invalid_grant("Authorization code has expired")
    if redirect_uri != doc["redirect_uri"]:
        return invalid_grant("redirect_uri does not match the authorization request")
    challenge = doc["code_challenge"]
    if challenge is not None and not (verifier and pkce.verifier_matches(verifier, challenge)):
        return invalid_grant("Invalid code_verifier")
    if challenge is None and verifier is not None:
        return invalid_grant("code_verifier given for a request without code_challenge")
    return None


def redeem_refresh_token(
    txn: WriteTxn, token: str, client_id: str, now: float
) -> SignIn | OAuthError:
    """The sign-in a refresh token continues; an expired one is deleted (and refused)."""
    name = store.digest(token)
    doc = txn.get_document(store.REFRESH_KIND, name)
    if doc is None or doc["sign_in"]["client_id"] != client_id:
        return invalid_grant("Invalid Refresh Token")
    if now >= doc["expires_at"]:
        txn.delete_document(store.REFRESH_KIND, name)
        return invalid_grant("Refresh Token has expired")
    return SignIn(**doc["sign_in"])


def revoke_refresh_token(txn: WriteTxn, token: str, client_id: str) -> None:
    """RFC 7009: revoking an unknown token is not an error; another client's is."""
    name = store.digest(token)
    doc = txn.get_document(store.REFRESH_KIND, name)
    if doc is None:
        return
    if doc["sign_in"]["client_id"] != client_id:
        raise OAuthError("unauthorized_client", "The token was issued to another client")
    txn.delete_document(store.REFRESH_KIND, name)


def save_refresh_token(txn: WriteTxn, token: str, sign_in: SignIn, expires_at: float) -> None:
    """File a refresh token issued without a code (the cognito-idp API's sign-ins)."""
    document = {"sign_in": asdict(sign_in), "expires_at": expires_at}
    txn.put_document(store.REFRESH_KIND, store.digest(token), document)


def revoke_sign_in(txn: WriteTxn, origin_jti: str, until: float, now: float) -> None:
    """Refuse the access tokens of sign-in `origin_jti` until `until` (when the last of
    them has expired anyway); forget revocations whose tokens are all gone."""
    for name, doc in txn.list_documents(store.REVOKED_KIND):
        if doc["until"] <= now:
            txn.delete_document(store.REVOKED_KIND, name)
    if origin_jti:
        txn.put_document(store.REVOKED_KIND, origin_jti, {"until": until})


def is_revoked(view: ReadView, origin_jti: str, now: float) -> bool:
    doc = view.get_document(store.REVOKED_KIND, origin_jti) if origin_jti else None
    return doc is not None and now < doc["until"]


def revoke_refresh_token_of_client(
    txn: WriteTxn, token: str, client_id: str, until: float, now: float
) -> bool:
    """RevokeToken: the refresh token and its sign-in's access tokens. False when the token
    belongs to another client; an unknown token is no error (RFC 7009)."""
    name = store.digest(token)
    doc = txn.get_document(store.REFRESH_KIND, name)
    if doc is None:
        return True
    if doc["sign_in"]["client_id"] != client_id:
        return False
    txn.delete_document(store.REFRESH_KIND, name)
    revoke_sign_in(txn, doc["sign_in"].get("origin_jti", ""), until, now)
    return True


def sign_out_everywhere(txn: WriteTxn, pool_id: str, sub: str, until: float, now: float) -> None:
    """GlobalSignOut: every refresh token of the user, and their sign-ins' access tokens."""
    for name, doc in txn.list_documents(store.REFRESH_KIND):
        sign_in = doc["sign_in"]
        if sign_in["pool_id"] == pool_id and sign_in["sub"] == sub:
            txn.delete_document(store.REFRESH_KIND, name)
            revoke_sign_in(txn, sign_in.get("origin_jti", ""), until, now)
