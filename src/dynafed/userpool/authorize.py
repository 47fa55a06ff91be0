"""The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core §3.1.2).

Checked in the order that decides where an error goes: an unknown `client_id` or a
`redirect_uri` the client did not register is shown to the user, never redirected (§4.1.2.1:
an open redirector otherwise); every later problem is redirected to the client with
`error` and `state`. Public clients must send an S256 PKCE challenge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from dynafed.userpool import pkce
from dynafed.userpool.callbacks import is_registered
from dynafed.userpool.model import AppClient
from dynafed.userpool.oauth_errors import NoRedirect, OAuthError, invalid_request

REQUEST_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
)
MAX_PARAM_CHARS = 2048


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    client: AppClient
    redirect_uri: str
    scope: str
    state: str | None
    code_challenge: str | None
    nonce: str | None

    def hidden_fields(self) -> dict[str, str]:
        """What the sign-in form carries back to us."""
        fields = {
            "client_id": self.client.client_id,
            "redirect_uri": self.redirect_uri,
            "response_type": "code",
            "scope": self.scope,
        }
        optional = {"state": self.state, "nonce": self.nonce, "code_challenge": self.code_challenge}
        fields.update({k: v for k, v in optional.items() if v is not None})
        if self.code_challenge is not None:
            fields["code_challenge_method"] = pkce.S256
        return fields


def client_and_redirect(
    params: Mapping[str, str], find_client: Callable[[str], AppClient | None]
) -> tuple[AppClient, str]:
    client_id = params.get("client_id", "")
    client = find_client(client_id) if client_id else None
    if client is None:
        raise NoRedirect("The client_id is not an app client of this user pool.")
    redirect_uri = params.get("redirect_uri", "")
    if not is_registered(redirect_uri, client.callback_urls):
        raise NoRedirect("The redirect_uri is not a callback URL registered for this client.")
    return client, redirect_uri


def parse_authorization_request(
    params: Mapping[str, str], find_client: Callable[[str], AppClient | None]
) -> AuthorizationRequest:
    """Raise NoRedirect or OAuthError (to redirect), or return the checked request."""
    if any(len(params.get(name, "")) > MAX_PARAM_CHARS for name in REQUEST_PARAMS):
        raise NoRedirect("The authorization request is too long.")
    client, redirect_uri = client_and_redirect(params, find_client)
    if params.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "Only response_type=code is supported")
    scope = " ".join(params.get("scope", "openid").split())
    unknown = [s for s in scope.split() if s not in client.allowed_scopes]
    if unknown or "openid" not in scope.split():
        raise OAuthError("invalid_scope", "scope must include openid and only allowed scopes")
    challenge = params.get("code_challenge") or None
    if challenge is not None:
        if params.get("code_challenge_method") != pkce.S256:
            raise invalid_request("code_challenge_method must be S256")
        if not pkce.is_valid_challenge(challenge):
            raise invalid_request("code_challenge must be 43 base64url characters")
    elif client.is_public:
        raise invalid_request("PKCE (code_challenge with S256) is required for public clients")
    return AuthorizationRequest(
        client=client,
        redirect_uri=redirect_uri,
        scope=scope,
        state=params.get("state") or None,
        code_challenge=challenge,
        nonce=params.get("nonce") or None,
    )


def redirect_with(redirect_uri: str, values: Mapping[str, str | None]) -> str:
    query = urlencode({k: v for k, v in values.items() if v is not None})
    return f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}"
