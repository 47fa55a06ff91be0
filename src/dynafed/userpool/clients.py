"""Client authentication at the token endpoint (RFC 6749 §2.3.1).

Confidential clients authenticate with HTTP Basic (`client_secret_basic`) or with
`client_secret` in the body (`client_secret_post`); public clients send only `client_id`
and must not present a secret. Secrets are compared by digest in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable, Mapping
from urllib.parse import unquote_plus

from dynafed.userpool import store
from dynafed.userpool.model import AppClient
from dynafed.userpool.oauth_errors import OAuthError, invalid_client


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if authorization is None or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise invalid_client() from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise invalid_client()
    return unquote_plus(client_id), unquote_plus(secret)


def authenticate_client(
    form: Mapping[str, str],
    authorization: str | None,
    find_client: Callable[[str], AppClient | None],
) -> AppClient:
    basic = _basic_credentials(authorization)
    body_id, body_secret = form.get("client_id"), form.get("client_secret")
    if basic is not None and (body_secret is not None or body_id not in (None, basic[0])):
        raise OAuthError("invalid_request", "Use one client authentication method")
    client_id, secret = basic if basic is not None else (body_id, body_secret)
    if not client_id:
        raise invalid_client()
    client = find_client(client_id)
    if client is None:
        raise invalid_client()
    if client.is_public:
        if secret is not None:
            raise invalid_client()
        return client
    expected = client.secret_sha256 or ""
    if secret is None or not hmac.compare_digest(store.digest(secret), expected):
        raise invalid_client()
    return client
