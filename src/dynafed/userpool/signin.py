"""Checking a user name and password against the throttle and the lockout.

Every refusal is the same for a user name that exists and one that does not, in every
state (Cognito with `PreventUserExistenceErrors` enabled): a wrong password gets
"Incorrect username or password.", a (user, address) pair past its lockout threshold gets
"Password attempts exceeded" whether or not the user exists, and an address over its
budget gets the throttling answer before anything is looked up. An unknown user still
costs one hash and a locked pair costs none for anyone, so timing tells nothing either.
The order of checks and why: `userpool/throttle.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dynafed.core.clock import Clock
from dynafed.storage.port import Storage, WriteTxn
from dynafed.userpool import store
from dynafed.userpool.credentials import srp_credentials
from dynafed.userpool.model import User, UserPool
from dynafed.userpool.passwords import Passwords
from dynafed.userpool.throttle import SignInThrottle, address_key, pair_key

INCORRECT = "Incorrect username or password."
LOCKED = "Password attempts exceeded"
DISABLED = "User is disabled."
THROTTLED = "Too many failed sign-in attempts from your network. Try again later."


class SignInRefused(Exception):
    def __init__(self, message: str, status: int = 400, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after
        """Seconds until a new attempt can succeed (throttled answers only)."""


@dataclass(frozen=True, slots=True)
class Authenticator:
    storage: Storage
    clock: Clock
    passwords: Passwords
    throttle: SignInThrottle = field(default_factory=SignInThrottle)

    def authenticate(
        self, pool: UserPool, username: str, password: str, client_address: str | None = None
    ) -> User:
        """The user, or raise SignInRefused. Slow (one Argon2 hash): run it on the
        sign-in threads, never on the request workers or the event loop. A user whose
        password was set before SRP was served gets its SRP verifier now."""

        def proves(user: User | None) -> bool:
            # Always one hash, for unknown users too (timing).
            return self.passwords.verify(user.password_hash if user else None, password)

        user = self.prove(pool, username, proves, client_address)
        if user.srp_verifier is None:
            self._add_srp_verifier(pool, user, password)
        return user

    def prove(
        self,
        pool: UserPool,
        username: str,
        proves: Callable[[User | None], bool],
        client_address: str | None = None,
    ) -> User:
        """The user, if `proves` (a password check, or an SRP claim) holds for them; else
        SignInRefused, through the same throttle and lockout whatever the proof."""
        now = self.clock.now()
        address = address_key(client_address)
        wait = self.throttle.take_attempt(address, now)
        if wait is not None:
            raise SignInRefused(THROTTLED, status=429, retry_after=wait)
        outcome = self._check(pool, username, proves, address, now)
        if outcome != INCORRECT:  # only wrong passwords wear the address's budget down
            self.throttle.return_attempt(address, now)
        if isinstance(outcome, str):
            raise SignInRefused(outcome)
        return outcome

    def _check(
        self,
        pool: UserPool,
        username: str,
        proves: Callable[[User | None], bool],
        address: str,
        now: float,
    ) -> User | str:
        with self.storage.read() as view:
            user = store.find_user(view, pool, username)
        credential = user.password_hash if user is not None else None
        # One lockout per user, whichever of their names (user name, email …) is tried.
        pair = pair_key(pool.pool_id, user.username if user else username, address)
        if self.throttle.is_locked(pair, credential, now):
            return LOCKED
        # Never inside a storage transaction, which a slow Argon2 computation would hold open.
        matches = proves(user)
        if user is None or not matches:
            self.throttle.record_failure(pair, credential, pool.lockout, now)
            return INCORRECT
        with self.storage.read() as view:
            latest = store.get_user(view, pool.pool_id, user.username)
        if latest is None or latest.password_hash != credential:
            return INCORRECT  # deleted or given a new password meanwhile
        if not latest.enabled:
            return DISABLED
        self.throttle.record_success(pair)
        return latest

    def _add_srp_verifier(self, pool: UserPool, user: User, password: str) -> None:
        salt, verifier = srp_credentials(pool.pool_id, user.username, password)

        def write(txn: WriteTxn) -> None:
            latest = store.get_user(txn, pool.pool_id, user.username)
            if latest is not None and latest.password_hash == user.password_hash:
                latest.srp_salt, latest.srp_verifier = salt, verifier
                store.save_user(txn, latest)

        self.storage.write(write)
