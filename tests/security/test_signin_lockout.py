"""The sign-in lockout neither lists accounts nor locks their owners out (security issue 13).

Before: only existing users ever got "Password attempts exceeded", so the answer told which
accounts exist; and since the lock belonged to the user, anyone could keep a known account
locked. Now an unknown name gets byte-identical answers in every state (wrong password,
locked, throttled), the lock holds for the (user, address) pair only, so the owner still
signs in from elsewhere, and the per-address budget stops guessing across many names.

Clients play different addresses by binding to different loopback addresses
(`signin_client.py`); the pool locks after 3 failures for 300 s, and the server allows 8
wrong passwords per address (then one more every 7.5 s)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.userpool_flow import UserPoolSite, make_site, users_cli
from tests.security.signin_client import Answer, loopback, sign_in_from
from tests.support.server_process import ServerProcess, start_server

POOL = "us-east-1_Lockout"
BUDGET = 8
"""`dynafed serve --signin-failures-per-minute` of this module's server."""
INCORRECT = b"Incorrect username or password."
LOCKED = b"Password attempts exceeded"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    budget = ("--signin-failures-per-minute", str(BUDGET))
    process = start_server(tmp_path_factory.mktemp("dynafed-signin-lockout"), *budget)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def site(server: ServerProcess) -> Iterator[UserPoolSite]:
    made = make_site(server, POOL, "--lockout-after", "3", "--lockout-seconds", "300")
    users_cli(server, "add", POOL, "alice", "--password", "alice-password")
    users_cli(server, "add", POOL, "victim", "--password", "victim-password")
    yield made


def test_unknown_and_known_users_get_identical_answers_in_every_state(
    site: UserPoolSite,
) -> None:
    prober = loopback(300)
    answers: list[tuple[Answer, Answer]] = []
    for _ in range(5):  # incorrect three times, then locked
        known = sign_in_from(prober, site, "alice", "wrong-password")
        unknown = sign_in_from(prober, site, "nobody", "wrong-password")
        answers.append((known, unknown))
    # Use up the address's budget on other names (locked answers spent none of it).
    spray = (sign_in_from(prober, site, f"someone-{n}", "wrong") for n in range(2 * BUDGET))
    assert any(answer.status == 429 for answer in spray)
    throttled = (
        sign_in_from(prober, site, "alice", "alice-password"),
        sign_in_from(prober, site, "nobody", "alice-password"),
    )
    answers.append(throttled)

    for known, unknown in answers:
        assert known.normalised("alice") == unknown.normalised("nobody")
    kinds = [(known.status, INCORRECT in known.body, LOCKED in known.body) for known, _ in answers]
    assert kinds == [(400, True, False)] * 3 + [(400, False, True)] * 2 + [(429, False, False)]
    assert b"Too many failed sign-in attempts" in throttled[0].body
    assert "retry-after" in dict((k.lower(), v) for k, v in throttled[0].headers)


def test_the_owner_signs_in_from_elsewhere_while_an_attacker_hammers_the_account(
    site: UserPoolSite,
) -> None:
    attacker, owner = loopback(400), loopback(401)
    locked = threading.Event()

    def guess(n: int) -> Answer:
        answer = sign_in_from(attacker, site, "victim", f"guess-{n}")
        if LOCKED in answer.body:
            locked.set()
        return answer

    with ThreadPoolExecutor(4) as hammer:
        guesses = [hammer.submit(guess, n) for n in range(2 * BUDGET)]
        assert locked.wait(120), "the attacker's address never got locked out of the account"
        # Mid-attack, with the account locked against the attacker's address:
        mine = sign_in_from(owner, site, "victim", "victim-password")
        answers = [future.result() for future in guesses]

    assert mine.status == 302 and "code=" in dict(mine.headers)["location"]
    # The lock on the (victim, attacker) pair stops the guessing: a few passwords checked
    # (those in flight when it closed), every later guess refused unchecked.
    checked = sum(INCORRECT in answer.body for answer in answers)
    assert checked < 3 + 4, "the lock did not stop the attacker's guesses"
    assert sum(LOCKED in answer.body for answer in answers) >= 2 * BUDGET - checked
    # The attacker's own address stays shut even with the right password.
    assert LOCKED in sign_in_from(attacker, site, "victim", "victim-password").body
