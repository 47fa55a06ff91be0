"""The token bucket behind the per-address sign-in budget, with time passed by hand."""

from __future__ import annotations

from dynafed.userpool.rate_limit import (
    BucketRules,
    TokenBucket,
    give_back,
    is_full,
    seconds_until_token,
    try_take,
)

RULES = BucketRules.per_minute(3)  # 3 at once, one more every 20 s


def test_a_burst_of_capacity_then_refused() -> None:
    bucket = TokenBucket.full(RULES, 0.0)
    assert [try_take(bucket, RULES, 0.0) for _ in range(4)] == [True, True, True, False]


def test_tokens_come_back_at_the_rate_and_say_when() -> None:
    bucket = TokenBucket.full(RULES, 0.0)
    for _ in range(3):
        try_take(bucket, RULES, 0.0)
    assert seconds_until_token(bucket, RULES, 5.0) == 15.0
    assert not try_take(bucket, RULES, 19.9)
    assert try_take(bucket, RULES, 20.0)
    assert not try_take(bucket, RULES, 20.0)


def test_refill_stops_at_capacity() -> None:
    bucket = TokenBucket.full(RULES, 0.0)
    try_take(bucket, RULES, 0.0)
    assert is_full(bucket, RULES, 3600.0)
    assert [try_take(bucket, RULES, 3600.0) for _ in range(4)] == [True, True, True, False]


def test_a_token_given_back_can_be_spent_again_but_never_beyond_capacity() -> None:
    bucket = TokenBucket.full(RULES, 0.0)
    for _ in range(3):
        try_take(bucket, RULES, 0.0)
    give_back(bucket, RULES, 0.0)
    assert try_take(bucket, RULES, 0.0)
    give_back(bucket, RULES, 100.0)
    assert bucket.tokens == RULES.capacity


def test_a_clock_stepping_back_adds_nothing() -> None:
    bucket = TokenBucket.full(RULES, 100.0)
    for _ in range(3):
        try_take(bucket, RULES, 100.0)
    assert not try_take(bucket, RULES, 50.0)
    assert not try_take(bucket, RULES, 100.0)
