"""`BinaryEquals`: policy values are base64; the bytes are compared with the context value,
which is base64 text too (IAM condition operators page). Undecodable values never match."""

from __future__ import annotations

import base64
import binascii

from dynafed.core.wildcard import Matcher
from dynafed.policy.conditions.base import Binder, OperatorSpec, constant, never, texts
from dynafed.policy.variables import Template


def decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def compile_binary(templates: tuple[Template, ...]) -> Binder:
    accepted = frozenset(b for b in map(decode, texts(templates)) if b is not None)
    if not accepted:
        return constant(never)
    return constant(_matcher(accepted))


def _matcher(accepted: frozenset[bytes]) -> Matcher:
    def match(text: str) -> bool:
        return decode(text) in accepted

    return match


OPERATORS = (OperatorSpec("BinaryEquals", False, compile_binary),)
