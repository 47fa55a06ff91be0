"""The token endpoint (authorization_code and refresh_token grants), userinfo and revocation.

Answers follow RFC 6749 §5.1/§5.2 (JSON, `Cache-Control: no-store`) and Cognito's token
endpoint: a code redeems for `id_token`, `access_token` and `refresh_token`; a refresh
token redeems for new ID and access tokens only.
"""

from __future__ import annotations

import uuid
from typing import Any

from dynafed.errors import AwsError
from dynafed.userpool import grants, store
from dynafed.userpool.clients import authenticate_client
from dynafed.userpool.issuer import PoolDirectory
from dynafed.userpool.model import AppClient, UserPool
from dynafed.userpool.oauth_errors import OAuthError, invalid_grant, invalid_request
from dynafed.userpool.tokens import SignIn, access_token_claims, id_token_claims, userinfo_claims
from dynafed.userpool.web import NO_STORE, IdpRequest, IdpResponse, json_response


def oauth_error_response(error: OAuthError) -> IdpResponse:
    extra = list(NO_STORE)
    if error.status == 401:
        extra.append(("www-authenticate", 'Basic realm="token"'))
    payload = {"error": error.error, "error_description": error.description}
    return json_response(error.status, payload, extra)


class TokenEndpoint:
    def __init__(self, pools: PoolDirectory) -> None:
        self._pools = pools

    def token(self, pool: UserPool, request: IdpRequest) -> IdpResponse:
        try:
            form = request.form
            client = authenticate_client(
                form, request.authorization, lambda cid: self._pools.client(pool.pool_id, cid)
            )
            grant_type = form.get("grant_type")
            if grant_type == "authorization_code":
                payload = self._code_grant(pool, client, form)
            elif grant_type == "refresh_token":
                payload = self._refresh_grant(pool, client, form)
            elif not grant_type:
                raise invalid_request("grant_type is required")
            else:
                raise OAuthError("unsupported_grant_type", f"{grant_type} is not supported")
        except OAuthError as error:
            return oauth_error_response(error)
        return json_response(200, payload, list(NO_STORE))

    def _code_grant(self, pool: UserPool, client: AppClient, form: Any) -> dict[str, Any]:
        code = form.get("code")
        if not code:
            raise invalid_request("code is required")
        deps = self._pools.deps
        refresh_token = deps.random_token(48)
        now = deps.clock.now()
        outcome = deps.storage.write(
            lambda txn: grants.redeem_code(
                txn,
                code,
                client.client_id,
                form.get("redirect_uri"),
                form.get("code_verifier"),
                refresh_token,
                now,
            )
        )
        if isinstance(outcome, OAuthError):
            raise outcome
        return {**self._tokens(pool, outcome), "refresh_token": refresh_token}

    def _refresh_grant(self, pool: UserPool, client: AppClient, form: Any) -> dict[str, Any]:
        token = form.get("refresh_token")
        if not token:
            raise invalid_request("refresh_token is required")
        deps = self._pools.deps
        now = deps.clock.now()
        outcome = deps.storage.write(
            lambda txn: grants.redeem_refresh_token(txn, token, client.client_id, now)
        )
        if isinstance(outcome, OAuthError):
            raise outcome
        return self._tokens(pool, outcome)

    def _tokens(self, pool: UserPool, sign_in: SignIn) -> dict[str, Any]:
        deps = self._pools.deps
        with deps.storage.read() as view:
            user = store.get_user(view, pool.pool_id, sign_in.username)
            groups = store.groups_of(view, user) if user is not None else []
        if user is None or user.sub != sign_in.sub or not user.enabled:
            raise invalid_grant("The user no longer exists or is disabled")
        issuer = self._pools.issuer(pool.pool_id)
        now = int(deps.clock.now())
        keys = self._pools.keys(pool.pool_id)
        id_claims = id_token_claims(issuer, pool, user, sign_in, now, str(uuid.uuid4()), groups)
        access = access_token_claims(issuer, pool, user, sign_in, now, str(uuid.uuid4()), groups)
        return {
            "id_token": keys.sign(id_claims),
            "access_token": keys.sign(access),
            "token_type": "Bearer",
            "expires_in": pool.access_token_seconds,
        }

    def userinfo(self, pool: UserPool, request: IdpRequest) -> IdpResponse:
        """OpenID Connect Core §5.3; errors per RFC 6750 §3 in `WWW-Authenticate`."""
        auth = request.authorization or ""
        if not auth.lower().startswith("bearer "):
            return _bearer_error(None)
        claims = self._access_claims(pool, auth[7:].strip())
        if claims is None:
            return _bearer_error("invalid_token")
        with self._pools.deps.storage.read() as view:
            user = store.get_user(view, pool.pool_id, claims.get("username", ""))
        if user is None or user.sub != claims.get("sub") or not user.enabled:
            return _bearer_error("invalid_token")
        return json_response(200, userinfo_claims(user, str(claims.get("scope", ""))))

    def _access_claims(self, pool: UserPool, token: str) -> dict[str, Any] | None:
        try:
            claims = self._pools.keys(pool.pool_id).verify(token)
        except AwsError:
            return None
        now = self._pools.deps.clock.now()
        valid = (
            claims.get("token_use") == "access"
            and claims.get("iss") == self._pools.issuer(pool.pool_id)
            and isinstance(claims.get("exp"), int)
            and now < claims["exp"]
        )
        if not valid:
            return None
        with self._pools.deps.storage.read() as view:  # signed out (GlobalSignOut, revocation)
            revoked = grants.is_revoked(view, str(claims.get("origin_jti", "")), now)
        return None if revoked else claims

    def revoke(self, pool: UserPool, request: IdpRequest) -> IdpResponse:
        """RFC 7009 (Cognito's `/oauth2/revoke`): refresh tokens only."""
        try:
            client = authenticate_client(
                request.form,
                request.authorization,
                lambda cid: self._pools.client(pool.pool_id, cid),
            )
            token = request.form.get("token")
            if not token:
                raise invalid_request("token is required")
            self._pools.deps.storage.write(
                lambda txn: grants.revoke_refresh_token(txn, token, client.client_id)
            )
        except OAuthError as error:
            return oauth_error_response(error)
        return IdpResponse(200, b"", list(NO_STORE))


def _bearer_error(error: str | None) -> IdpResponse:
    challenge = 'Bearer realm="userinfo"' + (f', error="{error}"' if error else "")
    payload = {"error": error or "invalid_request", "error_description": "Access token required"}
    return json_response(401, payload, [("www-authenticate", challenge)])
