"""How a CLI command reaches a running server: as every AWS tool does.

The endpoint from `--endpoint-url`, else `DYNAFED_ENDPOINT_URL`, else `AWS_ENDPOINT_URL`;
the admin keys from dynafed's own variables, else the standard AWS ones (what `dynafed serve`
tells you to export), else the data directory's `admin-credentials.json`; the region from
`--region`, else `AWS_REGION` / `AWS_DEFAULT_REGION`.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import boto3

# The names `dynafed serve` reads its admin keys from (dynafed.server.admin_credentials:
# the two sides of the CLI may not import each other).
ACCESS_KEY_ENV = "DYNAFED_ADMIN_ACCESS_KEY_ID"
SECRET_KEY_ENV = "DYNAFED_ADMIN_SECRET_ACCESS_KEY"
CREDENTIALS_FILE = "admin-credentials.json"
DEFAULT_ENDPOINT = "http://127.0.0.1:8000"
DEFAULT_REGION = "us-east-1"


class NoCredentials(Exception):
    """Neither variables nor a credentials file give the server's admin keys."""


def add_server_arguments(parser: argparse.ArgumentParser, region_help: str) -> None:
    parser.add_argument(
        "--endpoint-url",
        default=os.environ.get("DYNAFED_ENDPOINT_URL")
        or os.environ.get("AWS_ENDPOINT_URL")
        or DEFAULT_ENDPOINT,
        help=f"the server (default: env DYNAFED_ENDPOINT_URL, else AWS_ENDPOINT_URL, else "
        f"{DEFAULT_ENDPOINT})",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(".dynafed"),
        help=f"where to read {CREDENTIALS_FILE} when neither {ACCESS_KEY_ENV} nor "
        "AWS_ACCESS_KEY_ID is set",
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or DEFAULT_REGION,
        help=f"{region_help} (default: env AWS_REGION, else AWS_DEFAULT_REGION, else "
        f"{DEFAULT_REGION})",
    )


def admin_credentials(data_dir: Path) -> tuple[str, str]:
    """The server's admin keys (see the module docstring for where they are looked for)."""
    for access_env, secret_env in (
        (ACCESS_KEY_ENV, SECRET_KEY_ENV),
        ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
    ):
        access_key = os.environ.get(access_env, "")
        secret_key = os.environ.get(secret_env, "")
        if access_key and secret_key:
            return access_key, secret_key
    path = data_dir / CREDENTIALS_FILE
    try:
        stored: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise NoCredentials(
            f"no admin credentials: set {ACCESS_KEY_ENV}/{SECRET_KEY_ENV} or point --data-dir "
            f"at the server's data directory ({path}: {error})"
        ) from error
    return stored["access_key_id"], stored["secret_access_key"]


def admin_session(args: argparse.Namespace) -> boto3.session.Session:
    """A boto3 session with the admin keys in the command's region."""
    access_key, secret_key = admin_credentials(args.data_dir)
    return boto3.session.Session(
        aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=args.region
    )
