"""Provider URLs: https only, plain http only on loopback; provider key = URL minus scheme
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html)."""

from __future__ import annotations

import pytest

from dynafed.identity.fetch import is_allowed_idp_url, is_loopback_host
from dynafed.identity.oidc.urls import discovery_url, provider_key


@pytest.mark.parametrize("host", ["127.0.0.1", "127.5.6.7", "::1", "localhost", "LOCALHOST"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["10.0.0.1", "128.0.0.1", "localhost.evil.com", "example.com"])
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize(
    ("url", "dev", "allowed"),
    [
        ("https://idp.example.com/realms/a", False, True),
        ("http://idp.example.com", True, False),
        ("http://127.0.0.1:4010/idp", True, True),
        ("http://127.0.0.1:4010/idp", False, False),
        ("http://[::1]:8080", True, True),
        ("http://localhost:9000", True, True),
        ("ftp://idp.example.com", True, False),
        ("https://user:pw@idp.example.com", True, False),
        ("https://idp.example.com:notaport", True, False),
        ("https:///nohost", True, False),
        ("file:///etc/passwd", True, False),
    ],
)
def test_allowed_urls(url: str, dev: bool, allowed: bool) -> None:
    assert is_allowed_idp_url(url, allow_loopback_http=dev) is allowed


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://idp.example.com/realms/a", "idp.example.com/realms/a"),
        ("http://127.0.0.1:4010/idp", "127.0.0.1:4010/idp"),
        ("https://tenant.auth0.com/", "tenant.auth0.com/"),
    ],
)
def test_provider_key_drops_the_scheme(url: str, key: str) -> None:
    assert provider_key(url) == key


def test_discovery_url_drops_a_trailing_slash() -> None:
    assert (
        discovery_url("https://a.example/") == "https://a.example/.well-known/openid-configuration"
    )
    assert (
        discovery_url("https://a.example/t")
        == "https://a.example/t/.well-known/openid-configuration"
    )
