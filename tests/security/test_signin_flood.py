"""A flood of bad sign-ins must not hold up DynamoDB (security issue 10).

Password hashing (Argon2id, ~0.1-0.2 s of CPU each) used to run on the request workers
that DynamoDB writes and STS share: 48 concurrent bad sign-ins once kept an unrelated
UpdateItem waiting 18.8 s. Now sign-ins have threads of their own with a bounded queue,
and what does not fit is answered 429 at once.

No clocks here: "not stuck behind the flood" means that while the UpdateItem waited, only
a few of the password checks sent before it finished, not most of them."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.e2e.userpool_flow import UserPoolSite, make_site, users_cli
from tests.security.signin_client import connect, loopback, sign_in_on
from tests.support.server_process import ServerProcess

POOL = "us-east-1_Flood"
TABLE = "FloodScores"
FLOOD = 96
"""Concurrent bad sign-ins, each from an address of its own (no per-address throttle)."""
BEHIND_THE_FLOOD = FLOOD // 6
"""Password checks finishing during the UpdateItem that would mean it queued behind them."""


@pytest.fixture(scope="module")
def site(server: ServerProcess, dynamodb: Any) -> Iterator[UserPoolSite]:
    made = make_site(server, POOL)
    users_cli(server, "add", POOL, "alice", "--password", "alice-password")
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "UserId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "UserId", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName=TABLE, Item={"UserId": {"S": "alice"}, "Wins": {"N": "0"}})
    yield made


class Flood:
    """FLOOD connections, opened first, then all sending one wrong password together."""

    def __init__(self, site: UserPoolSite) -> None:
        self.site = site
        self.go = threading.Barrier(FLOOD + 1)
        self.lock = threading.Lock()
        self.statuses: list[int] = []
        self.first_answer = threading.Event()

    def attack(self, n: int) -> int:
        connection: http.client.HTTPConnection = connect(self.site, loopback(n))
        try:
            connection.connect()
            self.go.wait(60)
            answer = sign_in_on(connection, self.site, "alice", f"wrong-password-{n}")
        finally:
            connection.close()
        with self.lock:
            self.statuses.append(answer.status)
        self.first_answer.set()
        return answer.status

    def checked(self) -> int:
        """Answers for which a password was actually hashed (400: incorrect)."""
        with self.lock:
            return self.statuses.count(400)

    def answered(self) -> int:
        with self.lock:
            return len(self.statuses)


def test_update_item_answers_while_a_flood_of_bad_sign_ins_is_in_flight(
    site: UserPoolSite, dynamodb: Any
) -> None:
    flood = Flood(site)
    with ThreadPoolExecutor(FLOOD) as attackers:
        sent = [attackers.submit(flood.attack, n) for n in range(FLOOD)]
        flood.go.wait(60)
        assert flood.first_answer.wait(120), "the server never answered the flood"
        checked_before = flood.checked()
        updated = dynamodb.update_item(
            TableName=TABLE,
            Key={"UserId": {"S": "alice"}},
            UpdateExpression="ADD Wins :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        checked_during = flood.checked() - checked_before
        answered_when_done = flood.answered()
        got = dynamodb.get_item(TableName=TABLE, Key={"UserId": {"S": "alice"}})
        statuses = [future.result() for future in sent]

    assert updated["Attributes"]["Wins"] == {"N": "1"}
    assert got["Item"]["Wins"] == {"N": "1"}
    assert answered_when_done < FLOOD, "the flood was over before the UpdateItem returned"
    assert checked_during < BEHIND_THE_FLOOD, (
        f"{checked_during} password checks finished while UpdateItem waited: it was queued "
        "behind the sign-ins"
    )
    # Sign-ins beyond the sign-in threads and their queue are answered at once, 429.
    assert set(statuses) <= {400, 429} and 429 in statuses
