"""Checking a user name and password, with the lockout applied in one atomic write.

The failure message is the same for an unknown user and a wrong password, as Cognito's
("Incorrect username or password."), so the sign-in page cannot be used to list users.
"""

from __future__ import annotations

from dataclasses import dataclass

from dynafed.core.clock import Clock
from dynafed.storage.port import Storage, WriteTxn
from dynafed.userpool import lockout, store
from dynafed.userpool.model import User, UserPool
from dynafed.userpool.passwords import Passwords

INCORRECT = "Incorrect username or password."
LOCKED = "Password attempts exceeded"
DISABLED = "User is disabled."


class SignInRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Authenticator:
    storage: Storage
    clock: Clock
    passwords: Passwords

    def authenticate(self, pool: UserPool, username: str, password: str) -> User:
        """The user, or raise SignInRefused. The hash is checked outside the write so a slow
        Argon2 computation never holds a storage transaction open."""
        now = self.clock.now()
        with self.storage.read() as view:
            user = store.get_user(view, pool.pool_id, username)
        if user is not None and lockout.is_locked(user, now):
            raise SignInRefused(LOCKED)
        matches = self.passwords.verify(user.password_hash if user else None, password)
        if user is None:
            raise SignInRefused(INCORRECT)
        outcome = self.storage.write(lambda txn: self._record(txn, pool, user, matches, now))
        if outcome is not None:
            raise SignInRefused(outcome)
        return user

    def _record(
        self, txn: WriteTxn, pool: UserPool, checked: User, matches: bool, now: float
    ) -> str | None:
        user = store.get_user(txn, pool.pool_id, checked.username)
        if user is None or user.password_hash != checked.password_hash:
            return INCORRECT  # deleted or re-keyed meanwhile
        if lockout.is_locked(user, now):
            return LOCKED  # a concurrent guess locked it first
        if not matches:
            lockout.record_failure(user, pool.lockout, now)
            store.save_user(txn, user)
            return INCORRECT
        if not user.enabled:
            return DISABLED
        if user.failed_attempts:
            lockout.record_success(user)
            store.save_user(txn, user)
        return None
