"""The sign-in throttle and lockout through the provider: per client address, per (user,
address) pair, and the same answers for user names that exist and that do not.

The pool locks a pair after 3 wrong passwords for 60 s, doubling (pool_harness.Pool)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.unit.userpool.pool_harness import POOL_ID, Pool

from dynafed.userpool.lockout import Failures, current, is_locked, record_failure
from dynafed.userpool.model import LockoutRules
from dynafed.userpool.passwords import Passwords, fast_passwords
from dynafed.userpool.rate_limit import BucketRules
from dynafed.userpool.signin import INCORRECT, LOCKED, THROTTLED, Authenticator
from dynafed.userpool.throttle import SignInThrottle, address_key, pair_key
from dynafed.userpool.web import IdpResponse

ATTACKER = "203.0.113.7"
VICTIM = "198.51.100.20"


def _error_of(answer: IdpResponse) -> str:
    return answer.body.decode().split('id="error">', 1)[1].split("<", 1)[0]


def _normalised(answer: IdpResponse, username: str) -> tuple[int, bytes, list[tuple[str, str]]]:
    return answer.status, answer.body.replace(username.encode(), b"USER"), answer.headers


def _pool_with_budget(failures_per_minute: int) -> Pool:
    pool = Pool()
    throttle = SignInThrottle(BucketRules.per_minute(failures_per_minute))
    checker = pool.provider._authenticator
    pool.provider._authenticator = Authenticator(
        checker.storage, checker.clock, checker.passwords, throttle
    )
    return pool


def test_an_attackers_failures_do_not_lock_the_owner_out_from_elsewhere() -> None:
    pool = Pool()
    for _ in range(5):
        pool.sign_in(password="guess", client_ip=ATTACKER)
    assert _error_of(pool.sign_in(client_ip=ATTACKER)) == LOCKED
    assert pool.sign_in(client_ip=VICTIM).status == 302


def test_the_lock_on_a_pair_doubles_and_expires() -> None:
    pool = Pool()
    for _ in range(3):
        pool.sign_in(password="guess", client_ip=ATTACKER)
    pool.clock.advance(61)
    assert _error_of(pool.sign_in(password="guess", client_ip=ATTACKER)) == INCORRECT  # 120 s
    pool.clock.advance(100)
    assert _error_of(pool.sign_in(client_ip=ATTACKER)) == LOCKED
    pool.clock.advance(21)
    assert pool.sign_in(client_ip=ATTACKER).status == 302


def test_unknown_and_known_users_get_identical_answers_in_every_state() -> None:
    pool = _pool_with_budget(8)
    for attempt in range(6):  # wrong, wrong, wrong, then locked
        known = pool.sign_in("alice", "guess", client_ip=ATTACKER)
        unknown = pool.sign_in("nobody", "guess", client_ip=ATTACKER)
        assert _normalised(known, "alice") == _normalised(unknown, "nobody"), attempt
    assert _error_of(known) == LOCKED
    # Locked answers refund the address's token; 6 wrong passwords are spent: 2 left.
    pool.sign_in("carol", "guess", client_ip=ATTACKER)
    pool.sign_in("dave", "guess", client_ip=ATTACKER)
    known = pool.sign_in("alice", "correct horse", client_ip=ATTACKER)
    unknown = pool.sign_in("nobody", "guess", client_ip=ATTACKER)
    assert known.status == 429 and _error_of(known) == THROTTLED
    assert _normalised(known, "alice") == _normalised(unknown, "nobody")
    assert ("retry-after", "8") in known.headers  # 60 s / 8 per minute


def test_an_address_over_its_budget_is_refused_even_the_right_password() -> None:
    pool = _pool_with_budget(4)
    for name in ("a", "b", "c", "d"):  # spraying: one guess at each of many users
        assert _error_of(pool.sign_in(name, "guess", client_ip=ATTACKER)) == INCORRECT
    assert pool.sign_in(client_ip=ATTACKER).status == 429
    assert pool.sign_in(client_ip=VICTIM).status == 302
    pool.clock.advance(15)  # one token back
    assert pool.sign_in(client_ip=ATTACKER).status == 302


def test_right_passwords_do_not_spend_the_budget() -> None:
    pool = _pool_with_budget(2)
    for _ in range(10):
        assert pool.sign_in(client_ip=ATTACKER).status == 302


def test_a_new_password_lifts_the_lock_for_that_address() -> None:
    pool = Pool()
    for _ in range(3):
        pool.sign_in(password="guess", client_ip=ATTACKER)
    pool.admin.set_password(POOL_ID, "alice", "battery staple")
    assert pool.sign_in(password="battery staple", client_ip=ATTACKER).status == 302


@dataclass
class CountingPasswords(Passwords):
    checks: int = 0

    def __post_init__(self) -> None:
        inner = fast_passwords()
        self._hasher, self._slots, self._dummy_hash = inner._hasher, inner._slots, inner._dummy_hash

    def verify(self, password_hash: str | None, password: str) -> bool:
        self.checks += 1
        return super().verify(password_hash, password)


def test_an_unknown_user_costs_one_hash_and_a_locked_pair_none_for_anyone() -> None:
    pool = Pool()
    counting = CountingPasswords()
    checker = pool.provider._authenticator
    pool.provider._authenticator = Authenticator(checker.storage, checker.clock, counting)
    for name in ("alice", "nobody"):
        before = counting.checks
        for _ in range(3):
            pool.sign_in(name, "guess", client_ip=ATTACKER)
        assert counting.checks - before == 3
        assert _error_of(pool.sign_in(name, "guess", client_ip=ATTACKER)) == LOCKED
        assert counting.checks - before == 3


def test_addresses_count_ipv6_per_64_and_mapped_ipv4_as_ipv4() -> None:
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key(None) == address_key("") == "unknown"


def test_the_tables_forget_the_least_recently_used_beyond_their_bound() -> None:
    throttle = SignInThrottle(BucketRules.per_minute(1), max_tracked=2)
    assert throttle.take_attempt("a", 0.0) is None
    assert throttle.take_attempt("b", 0.0) is None
    assert throttle.take_attempt("a", 0.0) is not None  # "a" is now the most recent
    assert throttle.take_attempt("c", 0.0) is None  # pushes out "b"
    assert throttle.take_attempt("a", 0.0) is not None
    assert throttle.take_attempt("b", 0.0) is None


def test_pairs_are_case_insensitive_like_user_names() -> None:
    assert pair_key(POOL_ID, "Alice", "x") == pair_key(POOL_ID, "alice", "x")


def test_a_record_counts_against_one_password_hash() -> None:
    rules = LockoutRules(threshold=1, base_seconds=10.0)
    record = Failures("old-hash")
    record_failure(record, rules, 0.0)
    assert is_locked(current(record, "old-hash"), 5.0)
    assert not is_locked(current(record, "new-hash"), 5.0)
    assert not is_locked(current(None, None), 5.0)
