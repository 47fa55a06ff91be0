"""X-Forwarded-For / X-Forwarded-Proto are believed only from a trusted proxy."""

from __future__ import annotations

from dynafed.server.forwarded import TrustedProxies

FORGED = [("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https")]


def test_without_trusted_proxies_the_headers_change_nothing() -> None:
    assert TrustedProxies(()).client_and_scheme("127.0.0.1", "http", FORGED) == (
        "127.0.0.1",
        "http",
    )


def test_from_an_untrusted_peer_the_headers_change_nothing() -> None:
    proxies = TrustedProxies(["10.0.0.1"])
    assert proxies.client_and_scheme("127.0.0.1", "http", FORGED) == ("127.0.0.1", "http")


def test_a_trusted_proxy_names_the_client_and_the_scheme() -> None:
    proxies = TrustedProxies(["127.0.0.1"])
    assert proxies.client_and_scheme("127.0.0.1", "http", FORGED) == ("203.0.113.9", "https")


def test_a_network_entry_trusts_every_address_in_it() -> None:
    proxies = TrustedProxies(["10.0.0.0/8", "::1"])
    assert proxies.trusts("10.20.30.40") and proxies.trusts("::1")
    assert not proxies.trusts("11.0.0.1") and not proxies.trusts("not-an-address")


def test_through_a_chain_the_client_is_the_last_address_no_trusted_proxy_added() -> None:
    proxies = TrustedProxies(["10.0.0.0/8"])
    headers = [("x-forwarded-for", "198.51.100.7, 203.0.113.9"), ("x-forwarded-for", "10.0.0.2")]
    # 198.51.100.7 is what the client claimed; 203.0.113.9 is who reached the first proxy.
    assert proxies.client_and_scheme("10.0.0.1", "http", headers)[0] == "203.0.113.9"


def test_an_unknown_forwarded_scheme_is_ignored() -> None:
    proxies = TrustedProxies(["127.0.0.1"])
    headers = [("x-forwarded-proto", "gopher")]
    assert proxies.client_and_scheme("127.0.0.1", "http", headers) == ("127.0.0.1", "http")


def test_an_empty_forwarded_for_leaves_the_peer() -> None:
    proxies = TrustedProxies(["127.0.0.1"])
    headers = [("x-forwarded-for", "")]
    assert proxies.client_and_scheme("127.0.0.1", "http", headers)[0] == "127.0.0.1"
