"""Consecutive wrong passwords lock a (user, client address) pair for a while, doubling each
time: Cognito's scheme, one record per pair. Pure.

A record remembers which password hash its failures were counted against (None for a user
name that does not exist), so a new password, or a user created under that name, starts
the count afresh: `dynafed users set-password` lifts a lockout.
"""

from __future__ import annotations

from dataclasses import dataclass

from dynafed.userpool.model import LockoutRules


@dataclass(slots=True)
class Failures:
    password_hash: str | None
    failed_attempts: int = 0
    locked_until: float = 0.0


def current(record: Failures | None, password_hash: str | None) -> Failures:
    """The record that applies to `password_hash`: a fresh one if the password changed."""
    if record is None or record.password_hash != password_hash:
        return Failures(password_hash)
    return record


def is_locked(record: Failures, now: float) -> bool:
    return now < record.locked_until


def record_failure(record: Failures, rules: LockoutRules, now: float) -> None:
    record.failed_attempts += 1
    over = record.failed_attempts - rules.threshold
    if over >= 0:
        seconds = min(rules.base_seconds * 2.0 ** min(over, 30), rules.max_seconds)
        record.locked_until = now + seconds
