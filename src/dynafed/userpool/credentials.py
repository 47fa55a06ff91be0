"""Turning a password into what is stored: the Argon2 hash (slow; off the request workers)
and the SRP verifier USER_SRP_AUTH checks against (one 3072-bit exponentiation).

The verifier is a cheaper target than the hash: someone holding a copy of the database can
test a guessed password against it at the cost of two SHA-256 and one exponentiation,
where the Argon2 hash costs tens of milliseconds and 64 MiB per guess. That is inherent to
Cognito's SRP, and the reason storage must be protected like the signing keys it holds.
"""

from __future__ import annotations

import secrets

from dynafed.userpool import srp
from dynafed.userpool.model import Credentials
from dynafed.userpool.passwords import MIN_PASSWORD_LENGTH, Passwords


def srp_credentials(pool_id: str, username: str, password: str) -> tuple[str, str]:
    """(salt, verifier) for `username` (the USER_ID_FOR_SRP the pool answers with)."""
    salt = srp.salt_hex(secrets.token_bytes(16))
    return salt, srp.verifier(pool_id, username, password, salt)


def credentials(
    passwords: Passwords,
    pool_id: str,
    username: str,
    password: str,
    minimum_length: int = MIN_PASSWORD_LENGTH,
) -> Credentials:
    """Raises WeakPassword for a password outside the length bounds."""
    password_hash = passwords.hash(password, minimum_length)
    salt, verifier = srp_credentials(pool_id, username, password)
    return Credentials(password_hash, salt, verifier)
