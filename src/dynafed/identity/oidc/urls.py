"""How an OpenID Connect provider's URL names things, and which URLs may name one.

The provider's ARN and its condition-key prefix are the URL without its scheme:
`https://idp.example.com/realms/x` → `arn:aws:iam::ACCT:oidc-provider/idp.example.com/realms/x`,
with keys `idp.example.com/realms/x:sub`
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html).

AWS requires `https://` (CreateOpenIDConnectProvider reference). For development against a
local identity provider, `http://` is accepted when the host is a loopback address
(127.0.0.0/8, ::1, localhost), and only there may the URL carry a port. Which URLs the
server will actually fetch from is the transport's rule (`identity.fetch`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from dynafed.errors import ValidationError
from dynafed.identity.fetch import is_loopback_host

_INVALID = "Invalid Open ID Connect Provider URL"


def check_provider_url(url: str) -> None:
    """Raise ValidationError (IAM's answer for a bad URL) unless `url` may name a provider."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValidationError(_INVALID) from error
    host = parts.hostname or ""
    if not host or parts.query or parts.fragment or parts.username or parts.password:
        raise ValidationError(_INVALID)
    if "://" not in url or any(char.isspace() for char in url):
        raise ValidationError(_INVALID)
    if parts.scheme == "https" and (port is None or is_loopback_host(host)):
        return
    if parts.scheme == "http" and is_loopback_host(host):
        return
    raise ValidationError(_INVALID)


def provider_key(url: str) -> str:
    """The provider's name in ARNs and condition keys: the URL without its scheme.

    `https://idp.example.com/realms/x` -> `idp.example.com/realms/x`; a URL without a
    scheme is its own name.
    """
    return url.split("://", 1)[1] if "://" in url else url


def discovery_url(issuer: str) -> str:
    """OpenID Connect Discovery 1.0 §4: drop a trailing `/`, then append the well-known path."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"
