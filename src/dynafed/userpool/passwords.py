"""Password hashing (Argon2id through argon2-cffi) and the password policy.

argon2-cffi's defaults are RFC 9106's second recommended profile. Verification of an
unknown user still spends one hash computation, so response time does not reveal which
user names exist.
"""

from __future__ import annotations

import functools
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
"""Cognito's bounds; the upper one also caps the work one sign-in attempt can cause."""


class WeakPassword(ValueError):
    pass


def check_policy(password: str, minimum_length: int = MIN_PASSWORD_LENGTH) -> None:
    if len(password) < minimum_length:
        raise WeakPassword(f"Password must have at least {minimum_length} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"Password must have at most {MAX_PASSWORD_LENGTH} characters")


MAX_CONCURRENT_HASHES = 4
"""Each Argon2 computation takes 64 MiB: a flood of sign-ins queues here instead of
exhausting memory."""


class Passwords:
    def __init__(
        self, hasher: PasswordHasher | None = None, max_concurrent: int = MAX_CONCURRENT_HASHES
    ) -> None:
        self._hasher = hasher or PasswordHasher()
        self._slots = threading.BoundedSemaphore(max_concurrent)

    @functools.cached_property
    def _dummy_hash(self) -> str:
        """What an unknown user's password is checked against, for the same work as a known
        one's. Made at the first such check, not at start: one Argon2 hash is a quarter of a
        second of every server start otherwise."""
        return self._hasher.hash("dynafed-no-such-user")

    def hash(self, password: str, minimum_length: int = MIN_PASSWORD_LENGTH) -> str:
        """`minimum_length`: the pool's own (the cognito-idp API checks its policy first)."""
        check_policy(password, minimum_length)
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when `password` matches; with no hash (unknown user) spend the same work."""
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        try:
            with self._slots:
                matches = self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return matches and bool(password_hash)


def fast_passwords() -> Passwords:
    """Cheap parameters for tests only: a sign-in costs microseconds instead of ~50 ms."""
    return Passwords(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
