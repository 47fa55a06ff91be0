"""IAM users with access keys for end-to-end tests: create one, get a client signed with its
key, wait for an IAM change to reach the server's cache."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

CACHE_SECONDS = 1.0
"""The IAM cache bound the servers of these tests run with (`DYNAFED_IAM_CACHE_SECONDS`)."""
MARGIN = 15.0
"""Generous: a loaded machine may be slow to answer; the bound is CACHE_SECONDS."""


def short_cache_server(data_dir: Path) -> Iterator[ServerProcess]:
    """A server whose IAM changes reach its caches within `CACHE_SECONDS` (for a
    module-scoped fixture: `yield from short_cache_server(...)`)."""
    process = start_server(data_dir, env={"DYNAFED_IAM_CACHE_SECONDS": str(CACHE_SECONDS)})
    try:
        yield process
    finally:
        process.stop()


@dataclass(frozen=True)
class UserKey:
    user_name: str
    access_key_id: str
    secret_access_key: str


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def create_user_with_key(iam: Any, name: str, inline_policy: str | None = None) -> UserKey:
    iam.create_user(UserName=name)
    if inline_policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="own", PolicyDocument=inline_policy)
    created = iam.create_access_key(UserName=name)["AccessKey"]
    return UserKey(name, created["AccessKeyId"], created["SecretAccessKey"])


def user_client(server: ServerProcess, service: str, key: UserKey) -> Any:
    return client(server, service, access_key=key.access_key_id, secret_key=key.secret_access_key)


def error_code(call: Callable[[], Any]) -> str | None:
    """The error code `call` fails with, or None when it succeeds."""
    from botocore.exceptions import ClientError

    try:
        call()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return None


def wait_for(
    condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.05
) -> float:
    """Seconds until `condition()` held (asked again every `interval`); fails after
    `timeout`. For IAM changes, which servers apply within their cache bound."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(interval)
    return time.monotonic() - start
