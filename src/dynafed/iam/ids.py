"""Identifiers IAM generates: role, user, group, policy and instance-profile ids, access
key ids, SAML provider UUIDs.

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


def user_id(ids: IdSource) -> str:
    return "AIDA" + ids.token(17)


def group_id(ids: IdSource) -> str:
    return "AGPA" + ids.token(17)


def instance_profile_id(ids: IdSource) -> str:
    return "AIPA" + ids.token(17)


def access_key_id(ids: IdSource) -> str:
    """`AKIA` and 16 characters, as IAM's long-term key ids."""
    return "AKIA" + ids.token(16)
