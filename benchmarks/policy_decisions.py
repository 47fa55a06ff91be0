#!/usr/bin/env python3
"""Policy-engine decisions per second on one core (issue 3: goal >= 100,000/s for GameRole).

Scenarios (each a compiled policy set and one request, evaluated in a tight loop):

- `GameRole allow`: the seed's GameRole policy (iam-fgac.md 5.6) and a GetItem of the
  caller's own item with LeadingKeys, Attributes and Select in the context.
- `GameRole allow + Request`: the same, also building the `Request` from a plain dict each
  time (lower-casing the keys), as the authorizer does per DynamoDB call.
- `GameRole allow + prepared`: the session's fixed keys normalized once, the request's
  DynamoDB keys normalized and merged each time (`Request.prepared`).
- `GameRole deny`: GetItem without a projection (Select ALL_ATTRIBUTES): the implicit-deny
  path, which also collects the failed condition.
- `50 statements`: one identity policy of 50 statements (20 conditional Denies that do not
  apply, 29 Allows for other tables or actions, the granting Allow last).
- `parse GameRole`: parse + validate + compile of the GameRole document.

    .venv/bin/python benchmarks/policy_decisions.py [--seconds 1.0] [--repeat 5] [--cpu N]

Prints the median and best of `--repeat` runs, in calls per second of CPU time of this one
thread (so other load on the machine skews the figures less). `--cpu` pins the process to
one core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from dynafed.policy import (
    NamedPolicy,
    PolicyKind,
    PolicySet,
    Request,
    evaluate,
    normalize_context,
    parse_policy,
)

TABLE = "arn:aws:dynamodb:us-west-2:123456789012:table/GameScores"
USER = "amzn1.account.AGJZDKHJKAUUSW6C44CHPEXAMPLE"
GAME_ROLE_STATEMENT: dict[str, Any] = {
    "Sid": "AllowAccessToOnlyItemsMatchingUserID",
    "Effect": "Allow",
    "Action": [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
    ],
    "Resource": [TABLE],
    "Condition": {
        "ForAllValues:StringEquals": {
            "dynamodb:LeadingKeys": ["${www.amazon.com:user_id}"],
            "dynamodb:Attributes": [
                "UserId",
                "GameTitle",
                "Wins",
                "Losses",
                "TopScore",
                "TopScoreDateTime",
            ],
        },
        "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
    },
}
GAME_ROLE = json.dumps({"Version": "2012-10-17", "Statement": [GAME_ROLE_STATEMENT]})

SESSION_CONTEXT = {
    "aws:userid": "AROAJU4SA2VW5SZRF2YMG:web-identity-federation",
    "aws:PrincipalArn": "arn:aws:iam::123456789012:role/GameRole",
    "aws:PrincipalAccount": "123456789012",
    "aws:PrincipalType": "AssumedRole",
    "aws:FederatedProvider": "www.amazon.com",
    "aws:CurrentTime": "2025-06-01T12:00:00Z",
    "aws:EpochTime": "1748779200",
    "aws:SecureTransport": "false",
    "aws:SourceIp": "127.0.0.1",
    "www.amazon.com:user_id": USER,
    "www.amazon.com:app_id": "amzn1.application-oa2-client.5d2d48c5e5b8",
}
DYNAMODB_KEYS = {
    "dynamodb:LeadingKeys": [USER],
    "dynamodb:Attributes": ["UserId", "GameTitle", "TopScore"],
    "dynamodb:Select": "SPECIFIC_ATTRIBUTES",
}
GET_ITEM_CONTEXT = {**SESSION_CONTEXT, **DYNAMODB_KEYS}


def fifty_statements() -> str:
    statements: list[dict[str, Any]] = []
    for i in range(20):
        statements.append(
            {
                "Sid": f"Deny{i}",
                "Effect": "Deny",
                "Action": ["dynamodb:*"],
                "Resource": "*",
                "Condition": {
                    "StringNotLike": {"aws:userid": ["AROA*", f"AIDA{i}*"]},
                    "Bool": {"aws:SecureTransport": "true"},
                },
            }
        )
    for i in range(29):
        statements.append(
            {
                "Sid": f"Other{i}",
                "Effect": "Allow",
                "Action": [f"dynamodb:{op}" for op in ("GetItem", "Query", "Scan")],
                "Resource": f"arn:aws:dynamodb:us-west-2:123456789012:table/Other{i}*",
                "Condition": {
                    "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
                    "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                },
            }
        )
    statements.append(GAME_ROLE_STATEMENT)
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def policy_set(text: str) -> PolicySet:
    return PolicySet(identity=(NamedPolicy("policy", parse_policy(text, PolicyKind.IDENTITY)),))


def scenarios() -> dict[str, Callable[[], object]]:
    game_role = policy_set(GAME_ROLE)
    fifty = policy_set(fifty_statements())
    allowed = Request("dynamodb:GetItem", TABLE, GET_ITEM_CONTEXT)
    denied = Request(
        "dynamodb:GetItem", TABLE, {**GET_ITEM_CONTEXT, "dynamodb:Select": "ALL_ATTRIBUTES"}
    )
    assert evaluate(game_role, allowed).allowed
    assert not evaluate(game_role, denied).allowed
    assert evaluate(fifty, allowed).allowed
    session = normalize_context(SESSION_CONTEXT)
    return {
        "GameRole allow": lambda: evaluate(game_role, allowed),
        "GameRole allow + Request": lambda: evaluate(
            game_role, Request("dynamodb:GetItem", TABLE, GET_ITEM_CONTEXT)
        ),
        "GameRole allow + prepared": lambda: evaluate(
            game_role,
            Request.prepared(
                "dynamodb:GetItem", TABLE, {**session, **normalize_context(DYNAMODB_KEYS)}
            ),
        ),
        "GameRole deny": lambda: evaluate(game_role, denied),
        "50 statements": lambda: evaluate(fifty, allowed),
        "parse GameRole": lambda: parse_policy(GAME_ROLE, PolicyKind.IDENTITY),
    }


def rate(function: Callable[[], object], seconds: float) -> float:
    """Calls per CPU-second over about `seconds` of this process's CPU time, in batches so
    the clock is read rarely. CPU time, not wall time: on a shared machine the process is
    descheduled at times, and that is not time the engine spends."""
    batch = 1000
    calls = 0
    start = time.process_time()
    while True:
        for _ in range(batch):
            function()
        calls += batch
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return calls / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="per run (default 1.0)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per scenario (default 5)")
    parser.add_argument("--cpu", type=int, help="pin the process to this core")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    print(f"{'scenario':<26} {'median/s':>12} {'best/s':>12} {'median us':>10}")
    for name, function in scenarios().items():
        rate(function, 0.2)  # warm caches
        rates = [rate(function, args.seconds) for _ in range(args.repeat)]
        median = statistics.median(rates)
        print(f"{name:<26} {median:>12,.0f} {max(rates):>12,.0f} {1e6 / median:>10.2f}")


if __name__ == "__main__":
    main()
