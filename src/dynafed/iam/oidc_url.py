"""Which URLs may name an OpenID Connect provider, and the key IAM files it under.

AWS requires `https://` (CreateOpenIDConnectProvider reference). For development against a
local identity provider, `http://` is accepted when the host is a loopback address
(127.0.0.0/8, ::1, localhost), and only there may the URL carry a port. The provider's ARN
and its condition-key prefix are the URL without its scheme:
`http://127.0.0.1:4010/idp` → `arn:aws:iam::ACCT:oidc-provider/127.0.0.1:4010/idp`, with
keys `127.0.0.1:4010/idp:sub`.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from dynafed.errors import ValidationError

_INVALID = "Invalid Open ID Connect Provider URL"


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    """The URL without its scheme (ARN resource part and condition-key prefix)."""
    return url.split("://", 1)[1]
