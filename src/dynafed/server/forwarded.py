"""Who sent a request, when a proxy in front of the server says so.

`X-Forwarded-For` and `X-Forwarded-Proto` decide the client address (`aws:SourceIp`) and
the scheme (`aws:SecureTransport`) only on a connection from a proxy named in
`--trusted-proxies`. From anyone else they are ignored: any process could send them, and
with them pass a policy's `IpAddress` or `Bool aws:SecureTransport` condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

FORWARDED_SCHEMES = frozenset({"http", "https"})


class TrustedProxies:
    def __init__(self, entries: Sequence[str]) -> None:
        """`entries`: addresses or networks (`10.0.0.1`, `192.168.0.0/16`)."""
        self._networks: list[IPv4Network | IPv6Network] = [
            ip_network(entry, strict=False) for entry in entries
        ]

    def __bool__(self) -> bool:
        return bool(self._networks)

    def trusts(self, host: str | None) -> bool:
        if not host or not self._networks:
            return False
        try:
            address = ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self._networks)

    def client_and_scheme(
        self, peer: str | None, scheme: str, headers: Iterable[tuple[str, str]]
    ) -> tuple[str | None, str]:
        """(client address, scheme) of a request that arrived from `peer` over `scheme`
        with `headers` (lower-case names). Through a chain of proxies the client is the
        last address in `X-Forwarded-For` that is not itself a trusted proxy."""
        if not self.trusts(peer):
            return peer, scheme
        proto: str | None = None
        forwarded_for: list[str] = []
        for name, value in headers:
            if name == "x-forwarded-proto":
                proto = value.strip()
            elif name == "x-forwarded-for":
                forwarded_for.append(value)
        if proto in FORWARDED_SCHEMES:
            scheme = proto
        if forwarded_for:
            hops = [hop.strip() for hop in ",".join(forwarded_for).split(",")]
            client = next((hop for hop in reversed(hops) if not self.trusts(hop)), hops[0])
            if client:
                peer = client
        return peer, scheme
