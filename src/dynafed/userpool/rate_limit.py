"""A token bucket: a burst of `capacity` events, then `per_second` more each second. Pure.

The sign-in throttle spends one token per password check a client address asks for and
gives it back when the password was right, so only wrong passwords wear the bucket down.
Time comes in as an argument (seconds on any monotonic scale), so tests need no sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BucketRules:
    capacity: float
    per_second: float

    @classmethod
    def per_minute(cls, events: int) -> BucketRules:
        """`events` at once, refilled over a minute: at most 2 × `events` in any minute."""
        return cls(capacity=float(events), per_second=events / 60.0)


@dataclass(slots=True)
class TokenBucket:
    tokens: float
    updated: float

    @classmethod
    def full(cls, rules: BucketRules, now: float) -> TokenBucket:
        return cls(rules.capacity, now)


def _refill(bucket: TokenBucket, rules: BucketRules, now: float) -> None:
    elapsed = max(0.0, now - bucket.updated)  # a clock stepping back never adds tokens
    bucket.tokens = min(rules.capacity, bucket.tokens + elapsed * rules.per_second)
    bucket.updated = max(bucket.updated, now)


def try_take(bucket: TokenBucket, rules: BucketRules, now: float) -> bool:
    """Spend one token if there is one."""
    _refill(bucket, rules, now)
    if bucket.tokens < 1.0:
        return False
    bucket.tokens -= 1.0
    return True


def give_back(bucket: TokenBucket, rules: BucketRules, now: float) -> None:
    _refill(bucket, rules, now)
    bucket.tokens = min(rules.capacity, bucket.tokens + 1.0)


def seconds_until_token(bucket: TokenBucket, rules: BucketRules, now: float) -> float:
    _refill(bucket, rules, now)
    missing = 1.0 - bucket.tokens
    if missing <= 0:
        return 0.0
    return missing / rules.per_second if rules.per_second > 0 else float("inf")


def is_full(bucket: TokenBucket, rules: BucketRules, now: float) -> bool:
    """A full bucket is the same as no bucket: it can be forgotten."""
    _refill(bucket, rules, now)
    return bucket.tokens >= rules.capacity
