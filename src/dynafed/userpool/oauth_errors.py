"""OAuth 2.0 / OpenID Connect errors: not AWS errors, so they live with the provider.

The token endpoint answers them as JSON (RFC 6749 §5.2); the authorization endpoint
redirects them to the client (§4.1.2.1) unless the client or its redirect URI is unknown,
in which case it must not redirect and shows an error page instead.
"""

from __future__ import annotations


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


def invalid_request(description: str) -> OAuthError:
    return OAuthError("invalid_request", description)


def invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


def invalid_client(description: str = "Client authentication failed") -> OAuthError:
    return OAuthError("invalid_client", description, 401)


class NoRedirect(Exception):
    """An authorization request whose client or redirect URI cannot be trusted: show the
    problem to the user rather than sending anything to the URI."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description
