"""Identifiers IAM generates: role and policy ids, SAML provider UUIDs.

Randomness comes in through `IdSource` so tests can make ids deterministic.
"""

from __future__ import annotations

import secrets
from typing import Protocol

# Real ids (e.g. AROAJU4SA2VW5SZRF2YMG) use upper-case letters and the digits 2-7.
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class IdSource(Protocol):
    def token(self, length: int) -> str:
        """`length` random characters from A-Z and 2-7."""
        ...


class RandomIds:
    def token(self, length: int) -> str:
        return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def role_id(ids: IdSource) -> str:
    return "AROA" + ids.token(17)


def policy_id(ids: IdSource) -> str:
    return "ANPA" + ids.token(17)


def saml_provider_uuid(ids: IdSource) -> str:
    return ids.token(26)
