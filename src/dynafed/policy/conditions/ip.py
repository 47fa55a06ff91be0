"""`IpAddress` / `NotIpAddress`: policy values are IPv4 or IPv6 CIDR blocks; a bare address
is a single host (IAM condition operators page). The context value is one address; an
address of the other IP version, or text that is not an address, is outside every block.
An invalid block in a policy is rejected when the policy is parsed."""

from __future__ import annotations

import ipaddress

from dynafed.core.wildcard import Matcher
from dynafed.policy import messages
from dynafed.policy.conditions.base import Binder, OperatorSpec, constant, never, texts
from dynafed.policy.variables import Template

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_network(text: str) -> Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def ip_value_error(text: str) -> str | None:
    return messages.invalid_ip_value(text) if parse_network(text) is None else None


def compile_ip(templates: tuple[Template, ...]) -> Binder:
    networks = tuple(n for n in map(parse_network, texts(templates)) if n is not None)
    if not networks:
        return constant(never)
    return constant(_matcher(networks))


def _matcher(networks: tuple[Network, ...]) -> Matcher:
    def match(text: str) -> bool:
        try:
            address = ipaddress.ip_address(text.strip())
        except ValueError:
            return False
        return any(address in network for network in networks)

    return match


OPERATORS = (
    OperatorSpec("IpAddress", False, compile_ip, value_error=ip_value_error),
    OperatorSpec("NotIpAddress", True, compile_ip, value_error=ip_value_error),
)
