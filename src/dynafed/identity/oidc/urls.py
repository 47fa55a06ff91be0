"""Which identity-provider URLs we will talk to, and how a provider URL names things.

AWS only accepts `https://` issuers. As a documented development setting we also accept
plain `http://` on loopback hosts (127.0.0.0/8, ::1, localhost): traffic there never leaves
the machine, and it lets tests run a real provider without certificates.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_allowed_idp_url(url: str, allow_loopback_http: bool) -> bool:
    """True for `https://host/...`, and for `http://<loopback>/...` when allowed."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    if not host or parts.username is not None or parts.password is not None:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and allow_loopback_http and is_loopback_host(host)


def provider_key(url: str) -> str:
    """The provider's name in ARNs and condition keys: the URL without its scheme.

    `https://idp.example.com/realms/x` -> `idp.example.com/realms/x`
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html).
    """
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return url[len(scheme) :]
    return url


def discovery_url(issuer: str) -> str:
    """OpenID Connect Discovery 1.0 §4: drop a trailing `/`, then append the well-known path."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"
