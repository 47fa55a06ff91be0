"""Unmodified AWS clients pointed at a dynafed endpoint."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from tests.support.server_process import ServerProcess

_CONFIG = Config(
    retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30
)


def client(
    server: ServerProcess,
    service: str,
    *,
    access_key: str | None = None,
    secret_key: str | None = None,
    session_token: str | None = None,
    region: str | None = None,
) -> Any:
    session = boto3.session.Session(
        aws_access_key_id=access_key or server.access_key,
        aws_secret_access_key=secret_key or server.secret_key,
        aws_session_token=session_token,
        region_name=region or server.region,
    )
    return session.client(service, endpoint_url=server.endpoint, config=_CONFIG)


def aws_cli_env(server: ServerProcess) -> dict[str, str]:
    """Environment for running the real AWS CLI against the server."""
    import os

    return {
        **os.environ,
        "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key,
        "AWS_DEFAULT_REGION": server.region,
        "AWS_REGION": server.region,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_PAGER": "",
    }
