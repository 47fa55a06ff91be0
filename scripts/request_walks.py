#!/usr/bin/env python3
"""Which source files a request passes through: the two walks of docs/architecture.md.

Builds the real app in-process on a temporary SQLite database, sets up the GameScores flow
through the APIs (admin: table, role, identity pool; then an unauthenticated identity's
OpenID token, and the player's item, which the GetItem finds), warms each request twice and
records the dynafed files the third one enters, in the order it first enters them, on
every thread:

    .venv/bin/python scripts/request_walks.py

Steady state is what is measured: caches full, modules imported. The counts are the ones the
layout is judged by (issue: a GetItem in at most 20 files, AssumeRoleWithWebIdentity in at
most 30).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from dynafed.auth.authenticator import AdminCredentials
from dynafed.server.compose import build_app
from dynafed.server.forwarded import TrustedProxies
from dynafed.server.http_connection import HttpConnection
from dynafed.server.http_limits import HttpLimits
from dynafed.server.settings import Settings

HOST = "127.0.0.1:8000"
REGION = "us-east-1"
ADMIN = AdminCredentials("AKIAWALKADMIN0000000", "walk-admin-secret-0000000000000000000000")
SOURCE = str(Path(__file__).resolve().parent.parent / "src" / "dynafed")


def main() -> int:
    with tempfile.TemporaryDirectory() as data:
        app = build_app(Settings(data_dir=Path(data), port=8000), ADMIN)
        try:
            walks = asyncio.run(_walks(app))
        finally:
            if app.services.on_close is not None:
                app.services.on_close()
    for name, files in walks.items():
        print(f"{name}: {len(files)} files")
        for number, file in enumerate(files, 1):
            print(f"  {number:2}. {file}")
    return 0


async def _walks(app: Any) -> dict[str, list[str]]:
    client = _Client(app)
    token, role_arn = await _setup(client)
    exchange = urlencode(
        {
            "Action": "AssumeRoleWithWebIdentity",
            "Version": "2011-06-15",
            "RoleArn": role_arn,
            "RoleSessionName": "walker",
            "WebIdentityToken": token,
        }
    ).encode()

    async def assume() -> dict[str, Any]:
        return await client.form(exchange)

    answer = await assume()
    assert answer["status"] == 200, answer
    await assume()
    sts_walk = await _traced(client.app, assume)
    credentials = _credentials(answer["body"])
    key = {"UserId": {"S": credentials["subject"]}, "GameTitle": {"S": "Meteor Blasters"}}
    get = {"TableName": "GameScores", "Key": key, "ProjectionExpression": "TopScore"}
    item = {**key, "TopScore": {"N": "5842"}, "Wins": {"N": "17"}}
    admin = Credentials(ADMIN.access_key_id, ADMIN.secret_access_key)
    put = {"TableName": "GameScores", "Item": item}
    await client.json("dynamodb", "DynamoDB_20120810.PutItem", put, admin)
    session = Credentials(
        credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
    )

    async def get_item() -> dict[str, Any]:
        reply = await client.json("dynamodb", "DynamoDB_20120810.GetItem", get, session)
        assert reply["status"] == 200, reply
        assert reply["body"]["Item"] == {"TopScore": {"N": "5842"}}, reply
        return reply

    await get_item()
    await get_item()
    return {
        "GetItem (GameRole)": await _traced(client.app, get_item),
        "AssumeRoleWithWebIdentity": sts_walk,
    }


async def _setup(client: _Client) -> tuple[str, str]:
    admin = Credentials(ADMIN.access_key_id, ADMIN.secret_access_key)
    table = {
        "TableName": "GameScores",
        "AttributeDefinitions": [
            {"AttributeName": "UserId", "AttributeType": "S"},
            {"AttributeName": "GameTitle", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "UserId", "KeyType": "HASH"},
            {"AttributeName": "GameTitle", "KeyType": "RANGE"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    await client.json("dynamodb", "DynamoDB_20120810.CreateTable", table, admin)
    pool = await client.json(
        "cognito-identity",
        "AWSCognitoIdentityService.CreateIdentityPool",
        {
            "IdentityPoolName": "walk",
            "AllowUnauthenticatedIdentities": True,
            "AllowClassicFlow": True,
        },
        admin,
    )
    pool_id = pool["body"]["IdentityPoolId"]
    identity = await client.json(
        "cognito-identity", "AWSCognitoIdentityService.GetId", {"IdentityPoolId": pool_id}
    )
    token = await client.json(
        "cognito-identity",
        "AWSCognitoIdentityService.GetOpenIdToken",
        {"IdentityId": identity["body"]["IdentityId"]},
    )
    trust = {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id}},
    }
    policy = {
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem"],
        "Resource": "arn:aws:dynamodb:*:*:table/GameScores",
        "Condition": {
            "ForAllValues:StringEquals": {
                "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"],
                "dynamodb:Attributes": ["UserId", "GameTitle", "TopScore"],
            },
            "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
        },
    }
    role = await client.iam(
        {
            "Action": "CreateRole",
            "RoleName": "GameRole",
            "AssumeRolePolicyDocument": _document(trust),
        },
        admin,
    )
    await client.iam(
        {
            "Action": "PutRolePolicy",
            "RoleName": "GameRole",
            "PolicyName": "OwnItems",
            "PolicyDocument": _document(policy),
        },
        admin,
    )
    role_arn = role["text"].split("<Arn>", 1)[1].split("</Arn>", 1)[0]
    return str(token["body"]["Token"]), role_arn


def _document(statement: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _credentials(xml: str) -> dict[str, str]:
    def field(name: str) -> str:
        return xml.split(f"<{name}>", 1)[1].split(f"</{name}>", 1)[0]

    return {
        "AccessKeyId": field("AccessKeyId"),
        "SecretAccessKey": field("SecretAccessKey"),
        "SessionToken": field("SessionToken"),
        "subject": field("SubjectFromWebIdentityToken"),
    }


async def _traced(app: Any, call: Callable[[], Any]) -> list[str]:
    with _entered_files() as files:
        # Worker threads started before the profiler would escape it: start fresh ones.
        warm_pool = app.services.executor
        app.services.executor = ThreadPoolExecutor(2, thread_name_prefix="walk")
        try:
            await call()
        finally:
            app.services.executor.shutdown(wait=True)
            app.services.executor = warm_pool
    return files


@contextmanager
def _entered_files() -> Iterator[list[str]]:
    """The dynafed source files entered while the block runs, in first-entry order."""
    files: list[str] = []
    seen: set[str] = set()

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event != "call":
            return
        path = frame.f_code.co_filename
        if path.startswith(SOURCE) and path not in seen:
            seen.add(path)
            files.append(path[len(SOURCE) - len("dynafed") :])

    sys.setprofile(profile)
    threading.setprofile(profile)
    try:
        yield files
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]


class _Transport:
    """The socket side of one connection: what the protocol writes is kept."""

    def __init__(self) -> None:
        self.written = bytearray()
        self.closed = False

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 50000) if name == "peername" else None

    def write(self, data: bytes) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


class _Client:
    """Feeds each request's bytes, signed as botocore signs them, to the server's own HTTP
    protocol (server/http_connection.py) in front of the app, as a socket would."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.protocol = HttpConnection.serving(app, HttpLimits(), TrustedProxies(()))

    async def json(
        self, service: str, target: str, body: dict[str, Any], creds: Credentials | None = None
    ) -> dict[str, Any]:
        content_type = (
            "application/x-amz-json-1.0" if service == "dynamodb" else "application/x-amz-json-1.1"
        )
        headers = {"X-Amz-Target": target, "Content-Type": content_type}
        reply = await self._send(service, json.dumps(body).encode(), headers, creds)
        reply["body"] = json.loads(reply["text"]) if reply["text"] else {}
        return reply

    async def iam(self, params: dict[str, str], creds: Credentials) -> dict[str, Any]:
        body = urlencode({**params, "Version": "2010-05-08"}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return await self._send("iam", body, headers, creds)

    async def form(self, body: bytes) -> dict[str, Any]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        reply = await self._send("sts", body, headers, None)
        reply["body"] = reply["text"]
        return reply

    async def _send(
        self, service: str, body: bytes, headers: dict[str, str], creds: Credentials | None
    ) -> dict[str, Any]:
        request = AWSRequest(method="POST", url=f"http://{HOST}/", data=body, headers=headers)
        if creds is not None:
            SigV4Auth(creds, service, REGION).add_auth(request)
        head = f"POST / HTTP/1.1\r\nhost: {HOST}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in request.headers.items()
        )
        raw = (head + f"content-length: {len(body)}\r\n\r\n").encode() + body
        state = SimpleNamespace(
            total_requests=0, connections=set(), tasks=set(), default_headers=[]
        )
        connection = self.protocol(SimpleNamespace(timeout_keep_alive=5), state, {})
        transport = _Transport()
        connection.connection_made(transport)  # type: ignore[arg-type]
        connection.data_received(raw)
        await asyncio.gather(*state.tasks)
        connection.connection_lost(None)
        head_bytes, _, text = bytes(transport.written).partition(b"\r\n\r\n")
        return {"status": int(head_bytes[9:12]), "text": text.decode()}


if __name__ == "__main__":
    sys.exit(main())
