"""The OpenID provider's endpoints for one pool, behind `<public-url>/idp/<pool-id>`:

- `GET  /.well-known/openid-configuration` (OpenID Connect Discovery 1.0)
- `GET  /.well-known/jwks.json`
- `GET|POST /oauth2/authorize` (the sign-in page, then a redirect with the code)
- `POST /oauth2/token`, `GET|POST /oauth2/userInfo`, `POST /oauth2/revoke`

The paths are Cognito's hosted-UI paths, so code written against a Cognito domain works
with only the base URL changed.
"""

from __future__ import annotations

import functools
import math
import uuid
from typing import Any

from dynafed.storage.port import WriteTxn
from dynafed.userpool import grants
from dynafed.userpool.authorize import (
    REQUEST_PARAMS,
    AuthorizationRequest,
    client_and_redirect,
    parse_authorization_request,
    redirect_with,
)
from dynafed.userpool.issuer import PoolDirectory
from dynafed.userpool.model import FORCE_CHANGE_PASSWORD, RESET_REQUIRED, UNCONFIRMED, UserPool
from dynafed.userpool.oauth_errors import NoRedirect, OAuthError
from dynafed.userpool.signin import Authenticator, SignInRefused
from dynafed.userpool.signin_page import error_page, signin_page
from dynafed.userpool.token_endpoint import TokenEndpoint
from dynafed.userpool.tokens import SignIn
from dynafed.userpool.web import IdpRequest, IdpResponse, json_response, redirect

JWKS_MAX_AGE = 300
"""Short, so verifiers pick up a rotated key within minutes."""
CHANGE_PASSWORD_FIRST = (
    "Your password is temporary: set a new one through your app, or ask an administrator."
)
"""This page cannot change passwords: a temporary password (AdminCreateUser) signs in only
through the cognito-idp API's NEW_PASSWORD_REQUIRED challenge."""


NOT_CONFIRMED = "User is not confirmed: enter the code you were sent through your app first."
RESET_FIRST = "Password reset required: set a new one with the code you were sent, in your app."


def _not_found() -> IdpResponse:
    return json_response(404, {"error": "not_found", "error_description": "No such endpoint"})


class UserPoolProvider:
    def __init__(self, pools: PoolDirectory, authenticator: Authenticator) -> None:
        self.pools = pools
        self._authenticator = authenticator
        self._tokens = TokenEndpoint(pools)

    def handle(self, pool_id: str, request: IdpRequest) -> IdpResponse:
        pool = self.pools.pool(pool_id)
        if pool is None:
            return _not_found()
        route = (request.method, request.path)
        if route == ("GET", "/.well-known/openid-configuration"):
            return json_response(200, self.discovery(pool_id))
        if route == ("GET", "/.well-known/jwks.json"):
            cache = [("cache-control", f"public, max-age={JWKS_MAX_AGE}")]
            return json_response(200, self.pools.keys(pool_id).jwks(), cache)
        if request.path == "/oauth2/authorize" and request.method in ("GET", "POST"):
            return self._authorize(pool, request)
        if route == ("POST", "/oauth2/token"):
            return self._tokens.token(pool, request)
        if request.path.lower() == "/oauth2/userinfo" and request.method in ("GET", "POST"):
            return self._tokens.userinfo(pool, request)
        if route == ("POST", "/oauth2/revoke"):
            return self._tokens.revoke(pool, request)
        return _not_found()

    def discovery(self, pool_id: str) -> dict[str, Any]:
        issuer = self.pools.issuer(pool_id)
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/oauth2/authorize",
            "token_endpoint": f"{issuer}/oauth2/token",
            "userinfo_endpoint": f"{issuer}/oauth2/userInfo",
            "revocation_endpoint": f"{issuer}/oauth2/revoke",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "email", "email_verified", "nonce"],
        }

    def _authorize(self, pool: UserPool, request: IdpRequest) -> IdpResponse:
        params = request.form if request.method == "POST" else request.query
        find = functools.partial(self.pools.client, pool.pool_id)
        try:
            auth = parse_authorization_request(params, find)
        except NoRedirect as problem:
            return error_page(problem.description)
        except OAuthError as error:
            _, redirect_uri = client_and_redirect(params, find)
            values = {"error": error.error, "error_description": error.description}
            return redirect(redirect_with(redirect_uri, {**values, "state": params.get("state")}))
        username = params.get("username", "")
        if request.method == "GET" or "password" not in params:
            return self._page(pool, auth, username)
        try:
            user = self._authenticator.authenticate(
                pool, username, params["password"], request.client_ip
            )
        except SignInRefused as refused:
            page = self._page(pool, auth, username, refused.message, refused.status)
            if refused.retry_after is not None:
                page.headers.append(("retry-after", str(math.ceil(refused.retry_after))))
            return page
        if user.status == FORCE_CHANGE_PASSWORD:
            return self._page(pool, auth, username, CHANGE_PASSWORD_FIRST)
        if user.status == UNCONFIRMED:
            return self._page(pool, auth, username, NOT_CONFIRMED)
        if user.status == RESET_REQUIRED:
            return self._page(pool, auth, username, RESET_FIRST)
        return redirect(self._issue_code(auth, user.username, user.sub))

    def _page(
        self,
        pool: UserPool,
        auth: AuthorizationRequest,
        username: str,
        error: str | None = None,
        status: int = 400,
    ) -> IdpResponse:
        action = f"{self.pools.issuer(pool.pool_id)}/oauth2/authorize"
        hidden = auth.hidden_fields()
        status = 200 if error is None else status
        return signin_page(pool.name, auth.client.name, action, hidden, username, error, status)

    def _issue_code(self, auth: AuthorizationRequest, username: str, sub: str) -> str:
        deps = self.pools.deps
        now = deps.clock.now()
        code = deps.random_token(32)
        sign_in = SignIn(
            pool_id=auth.client.pool_id,
            client_id=auth.client.client_id,
            username=username,
            sub=sub,
            scope=auth.scope,
            auth_time=int(now),
            nonce=auth.nonce,
            origin_jti=str(uuid.uuid4()),
            event_id=str(uuid.uuid4()),
        )
        pending = grants.PendingCode(
            sign_in,
            auth.redirect_uri,
            auth.code_challenge,
            now + grants.CODE_SECONDS,
            auth.client.refresh_token_seconds,
        )

        def write(txn: WriteTxn) -> None:
            grants.save_code(txn, code, pending)

        deps.storage.write(write)
        return redirect_with(auth.redirect_uri, {"code": code, "state": auth.state})


__all__ = ["REQUEST_PARAMS", "UserPoolProvider"]
