"""Consecutive wrong passwords lock a user for a while, doubling each time. Pure."""

from __future__ import annotations

from dynafed.userpool.model import LockoutRules, User


def is_locked(user: User, now: float) -> bool:
    return now < user.locked_until


def record_failure(user: User, rules: LockoutRules, now: float) -> None:
    user.failed_attempts += 1
    over = user.failed_attempts - rules.threshold
    if over >= 0:
        seconds = min(rules.base_seconds * 2.0 ** min(over, 30), rules.max_seconds)
        user.locked_until = now + seconds


def record_success(user: User) -> None:
    user.failed_attempts = 0
    user.locked_until = 0.0
