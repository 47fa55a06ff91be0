"""CreateUserPoolClient, DescribeUserPoolClient, UpdateUserPoolClient, ListUserPoolClients,
DeleteUserPoolClient.

One client serves both the hosted UI (its `CallbackURLs`) and the API's sign-in flows (its
`ExplicitAuthFlows`). A secret is kept (SECRET_HASH is an HMAC keyed with it) and
DescribeUserPoolClient repeats it, as on AWS.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from dynafed.storage.port import WriteTxn
from dynafed.userpool import store
from dynafed.userpool.admin import new_client_id, new_client_secret
from dynafed.userpool.api.context import ApiContext, Call, page, require_client, require_pool
from dynafed.userpool.api.errors import InvalidParameterException
from dynafed.userpool.api.existence import LEGACY
from dynafed.userpool.callbacks import LOOPBACK_HOSTS
from dynafed.userpool.model import DEFAULT_AUTH_FLOWS, DEFAULT_SCOPES, AppClient

LEGACY_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"})
"""The old `ExplicitAuthFlows` values, which Cognito refuses to mix with `ALLOW_…` ones."""
UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86_400}
MIN_REFRESH_SECONDS, MAX_REFRESH_SECONDS = 3600, 3650 * 86_400
"""Cognito's bounds for refresh-token validity: 60 minutes to 10 years."""


def client_view(client: AppClient) -> dict[str, Any]:
    """`UserPoolClientType`."""
    view: dict[str, Any] = {
        "UserPoolId": client.pool_id,
        "ClientName": client.name,
        "ClientId": client.client_id,
        "CreationDate": client.created_at,
        "LastModifiedDate": client.modified_at or client.created_at,
        "RefreshTokenValidity": client.refresh_token_seconds,
        "TokenValidityUnits": {"RefreshToken": "seconds"},
        "ExplicitAuthFlows": list(client.explicit_auth_flows),
        "CallbackURLs": list(client.callback_urls),
        "LogoutURLs": list(client.logout_urls),
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": list(client.allowed_scopes),
        "AllowedOAuthFlowsUserPoolClient": bool(client.callback_urls),
        "SupportedIdentityProviders": ["COGNITO"],
        "PreventUserExistenceErrors": client.prevent_user_existence_errors,
    }
    if client.secret is not None:
        view["ClientSecret"] = client.secret
    return view


def _flows(body: dict[str, Any]) -> list[str]:
    flows = list(body.get("ExplicitAuthFlows") or DEFAULT_AUTH_FLOWS)
    legacy = [flow for flow in flows if flow in LEGACY_FLOWS]
    if legacy and len(legacy) != len(flows):
        raise InvalidParameterException(
            "ExplicitAuthFlows can't have both ALLOW_XXX and legacy values"
        )
    return flows


def _refresh_seconds(body: dict[str, Any]) -> int:
    if body.get("RefreshTokenValidity") is None:
        return 30 * 86_400
    unit = (body.get("TokenValidityUnits") or {}).get("RefreshToken", "days")
    seconds = int(body["RefreshTokenValidity"]) * UNIT_SECONDS[unit]
    if not MIN_REFRESH_SECONDS <= seconds <= MAX_REFRESH_SECONDS:
        raise InvalidParameterException(
            "Invalid range for token validity. Refresh token validity must be between "
            "60 minutes and 10 years."
        )
    return seconds


def _check_urls(urls: list[str], field: str) -> None:
    """Cognito's rules: absolute, no fragment, HTTPS except to the loopback (app schemes
    like `myapp://callback` are allowed)."""
    for url in urls:
        parts = urlsplit(url)
        plain_http_away = parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS
        if not parts.scheme or parts.fragment or plain_http_away:
            raise InvalidParameterException(f"{url} is not a valid {field}.")


def _configured(body: dict[str, Any], client: AppClient) -> AppClient:
    """`client` with the settings `body` gives, and defaults for those it does not (what
    UpdateUserPoolClient does too, as on AWS)."""
    callbacks, logouts = list(body.get("CallbackURLs") or []), list(body.get("LogoutURLs") or [])
    _check_urls(callbacks, "CallbackURL")
    _check_urls(logouts, "LogoutURL")
    client.name = body.get("ClientName") or client.name
    client.callback_urls, client.logout_urls = callbacks, logouts
    client.refresh_token_seconds = _refresh_seconds(body)
    client.explicit_auth_flows = _flows(body)
    client.allowed_scopes = list(body.get("AllowedOAuthScopes") or DEFAULT_SCOPES)
    client.prevent_user_existence_errors = body.get("PreventUserExistenceErrors") or LEGACY
    return client


def create(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    secret = new_client_secret() if body.get("GenerateSecret") else None
    now = ctx.now()
    client = AppClient(
        pool_id=body["UserPoolId"],
        client_id=new_client_id(),
        name=body["ClientName"],
        callback_urls=[],
        secret_sha256=store.digest(secret) if secret is not None else None,
        secret=secret,
        created_at=now,
        modified_at=now,
    )
    _configured(body, client)

    def write(txn: WriteTxn) -> None:
        require_pool(txn, client.pool_id, call.region)
        store.save_client(txn, client)

    ctx.pools.deps.storage.write(write)
    return {"UserPoolClient": client_view(client)}


def update(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """Replaces the client's settings: those not given return to their defaults, as on AWS;
    the id, the secret and the creation date stay."""

    def write(txn: WriteTxn) -> AppClient:
        require_pool(txn, body["UserPoolId"], call.region)
        client = _configured(body, require_client(txn, body["UserPoolId"], body["ClientId"]))
        client.modified_at = ctx.now()
        store.save_client(txn, client)
        return client

    return {"UserPoolClient": client_view(ctx.pools.deps.storage.write(write))}


def describe(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        require_pool(view, body["UserPoolId"], call.region)
        client = require_client(view, body["UserPoolId"], body["ClientId"])
    return {"UserPoolClient": client_view(client)}


def list_clients(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        require_pool(view, body["UserPoolId"], call.region)
        clients = store.list_clients(view, body["UserPoolId"])
    limit = body.get("MaxResults") or 60
    chosen, token = page(clients, lambda c: c.client_id, limit, body.get("NextToken"))
    answer: dict[str, Any] = {
        "UserPoolClients": [
            {"ClientId": c.client_id, "UserPoolId": c.pool_id, "ClientName": c.name} for c in chosen
        ]
    }
    if token is not None:
        answer["NextToken"] = token
    return answer


def delete(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        require_pool(txn, body["UserPoolId"], call.region)
        require_client(txn, body["UserPoolId"], body["ClientId"])
        store.delete_client(txn, body["UserPoolId"], body["ClientId"])

    ctx.pools.deps.storage.write(write)
    return {}
