"""Proof Key for Code Exchange (RFC 7636), S256 only. Pure.

`plain` is refused: it protects nothing against an attacker who can read the authorization
request, and Cognito accepts only S256 as well.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

S256 = "S256"
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
"""RFC 7636 §4.1: unreserved characters, 43 to 128 of them."""
_CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}")
"""BASE64URL(SHA-256) without padding is always 43 characters."""


def is_valid_challenge(challenge: str) -> bool:
    return _CHALLENGE.fullmatch(challenge) is not None


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verifier_matches(verifier: str, challenge: str) -> bool:
    if _VERIFIER.fullmatch(verifier) is None:
        return False
    return hmac.compare_digest(challenge_of(verifier), challenge)
