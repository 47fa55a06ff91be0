"""What enforcement costs: authorized GetItem throughput as a GameRole web-identity session
versus the same requests signed with admin credentials (issue 4's goal: ≤ 15 % overhead).

A real `dynafed serve` (embedded SQLite) holds the GameScores table with 100 of alice's
items. alice signs in at a tiny in-process OpenID Provider and trades her ID token for
GameRole credentials (the seed's policy: LeadingKeys = her `sub`, six listed attributes,
Select = SPECIFIC_ATTRIBUTES if present). The same 100 GetItem requests (projection
`UserId, TopScore`) are signed once per identity and replayed over keep-alive connections;
admin and session runs alternate, and the medians are compared. A session request pays for
opening its session token (remembered after the first time), building or reusing its
authorizer and one policy evaluation; an admin request skips all three.

Throughput depends on whatever else the machine runs, so the benchmark also reports the
server process's own CPU time per request (from /proc), which competing processes barely
move, and the in-process cost of the enforcement work per request.

    .venv/bin/python benchmarks/enforcement_overhead.py [--seconds 3] [--rounds 7] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from dataclasses import dataclass
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from sts_exchanges import (
    ACCESS_KEY,
    REGION,
    REPO,
    SECRET_KEY,
    Dynafed,
    MiniIdp,
    rate,
    register_game_role,
    replay,
    running_dynafed,
    server_cpu_seconds,
)

from dynafed.sts.credentials import issue_credentials
from dynafed.sts.keyring_store import KeyringStore
from dynafed.sts.session_resolver import OpenedSessions, SessionTokenResolver

ACCOUNT = "123456789012"
TABLE = "GameScores"
ITEMS = 100
ATTRIBUTES = ["UserId", "GameTitle", "Wins", "Losses", "TopScore", "TopScoreDateTime"]
Signed = tuple[str, bytes, dict[str, str]]


def game_role_policy(provider_key: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowAccessToOnlyItemsMatchingUserID",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
                "Resource": [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}"],
                "Condition": {
                    "ForAllValues:StringEquals": {
                        "dynamodb:LeadingKeys": [f"${{{provider_key}:sub}}"],
                        "dynamodb:Attributes": ATTRIBUTES,
                    },
                    "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
                },
            }
        ],
    }


def load_table(dynafed: Dynafed, user: str) -> None:
    dynamodb = dynafed.client("dynamodb")
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[
            {"AttributeName": "UserId", "AttributeType": "S"},
            {"AttributeName": "GameTitle", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "UserId", "KeyType": "HASH"},
            {"AttributeName": "GameTitle", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for n in range(ITEMS):
        dynamodb.put_item(
            TableName=TABLE,
            Item={
                "UserId": {"S": user},
                "GameTitle": {"S": f"Game-{n:03d}"},
                "TopScore": {"N": str(n * 37)},
                "Wins": {"N": str(n)},
            },
        )


def signed_get_items(dynafed: Dynafed, user: str, credentials: Credentials) -> list[Signed]:
    signed: list[Signed] = []
    for n in range(ITEMS):
        body = json.dumps(
            {
                "TableName": TABLE,
                "Key": {"UserId": {"S": user}, "GameTitle": {"S": f"Game-{n:03d}"}},
                "ProjectionExpression": "UserId, TopScore",
            }
        ).encode()
        request = AWSRequest(
            method="POST",
            url=dynafed.endpoint + "/",
            data=body,
            headers={
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "DynamoDB_20120810.GetItem",
            },
        )
        SigV4Auth(credentials, "dynamodb", REGION).add_auth(request)
        signed.append(("/", body, dict(request.headers.items())))
    return signed


def session_credentials(dynafed: Dynafed, idp: MiniIdp, role_arn: str, user: str) -> Credentials:
    sts = boto3.session.Session().client(
        "sts",
        endpoint_url=dynafed.endpoint,
        region_name=REGION,
        config=Config(signature_version=UNSIGNED),
    )
    answer = sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName=user, WebIdentityToken=idp.token(user)
    )["Credentials"]
    return Credentials(answer["AccessKeyId"], answer["SecretAccessKey"], answer["SessionToken"])


def in_process_cost(seconds: float) -> tuple[float, float]:
    """µs per GetItem request for what differs between the identities: resolve the session's
    credentials (its token is remembered after the first request) and authorize the request,
    versus authorizing it for admin credentials. Audit log off, as in the HTTP runs."""
    # enforcement_support imports `tests.support`: the repository root must be importable.
    sys.path[:0] = [str(REPO / "tests" / "unit" / "enforcement"), str(REPO)]
    from enforcement_support import ADMIN, World, game_role_statement, get_item

    world = World(audit=False)
    principal = world.session(world.create_role("GameRole", game_role_statement()), "alice")
    assert principal.session is not None
    keyrings = KeyringStore(world.storage, world.clock, random.Random(1).randbytes)
    minted = issue_credentials(principal.session, keyrings.current(), random.Random(2).randbytes)
    resolver = SessionTokenResolver(keyrings.current, keyrings.containing, OpenedSessions())
    request = [get_item("alice", "UserId", "TopScore")]

    def session_request() -> None:
        _, caller = resolver.resolve(minted.access_key_id, minted.session_token, world.clock.now())
        world.authorizers(caller).authorize(request)

    def admin_request() -> None:
        world.authorizers(ADMIN).authorize(request)

    return 1e6 / rate(seconds, session_request), 1e6 / rate(seconds, admin_request)


@dataclass
class Run:
    per_second: float
    cpu_us_per_request: float


def measure(dynafed: Dynafed, requests: list[Signed], seconds: float, threads: int) -> Run:
    cpu_before = server_cpu_seconds(dynafed.process.pid)
    per_second, failures = replay(dynafed.host_port, requests, seconds, threads)
    cpu = server_cpu_seconds(dynafed.process.pid) - cpu_before
    assert failures == 0, f"{failures} requests failed"
    return Run(per_second, 1e6 * cpu / (per_second * seconds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    idp = MiniIdp()
    try:
        with running_dynafed() as dynafed:
            role_arn = register_game_role(dynafed, idp, game_role_policy(idp.provider_key))
            load_table(dynafed, "alice")
            runs = {
                "admin": signed_get_items(dynafed, "alice", Credentials(ACCESS_KEY, SECRET_KEY)),
                "GameRole session": signed_get_items(
                    dynafed, "alice", session_credentials(dynafed, idp, role_arn, "alice")
                ),
            }
            for requests in runs.values():  # warm up, and prove every request succeeds
                measure(dynafed, requests, 1.0, args.threads)
            figures: dict[str, list[Run]] = {name: [] for name in runs}
            for _ in range(args.rounds):  # alternate, so drifting machine load hits both
                for name, requests in runs.items():
                    figures[name].append(measure(dynafed, requests, args.seconds, args.threads))
    finally:
        idp.stop()
    report(figures, args)
    return 0


def report(figures: dict[str, list[Run]], args: argparse.Namespace) -> None:
    print(f"GetItem over HTTP, {args.threads} client threads, median of {args.rounds} runs:")
    medians = {}
    for name, runs in figures.items():
        rates = [r.per_second for r in runs]
        cpu = statistics.median(r.cpu_us_per_request for r in runs)
        medians[name] = (statistics.median(rates), cpu)
        shown = ", ".join(f"{v:.0f}" for v in rates)
        print(
            f"  {name:17} {medians[name][0]:7.0f} req/s   server CPU {cpu:6.0f} µs/request"
            f"   (req/s per run: {shown})"
        )
    (admin_rate, admin_cpu), (session_rate, session_cpu) = medians.values()
    print(
        f"  throughput: session / admin {session_rate / admin_rate:.2f} "
        f"(overhead {100 * (1 - session_rate / admin_rate):.1f} %)"
    )
    print(
        f"  server CPU per request: session / admin {session_cpu / admin_cpu:.2f} "
        f"(overhead {100 * (session_cpu / admin_cpu - 1):.1f} %)   goal: ≤ 15 %"
    )
    session_us, admin_us = in_process_cost(min(args.seconds, 2.0))
    extra_us = session_us - admin_us
    print(
        f"in-process share per request: session {session_us:.1f} µs, admin {admin_us:.1f} µs; "
        f"the {extra_us:.1f} µs difference is {100 * extra_us / admin_cpu:.1f} % of an admin "
        "request's server CPU time"
    )


if __name__ == "__main__":
    sys.exit(main())
