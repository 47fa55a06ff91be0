"""`dynafed users …`: manage the built-in user pools of a running server, through its
Cognito user-pools API (`cognito-idp`), as any AWS tool would.

    dynafed users create-pool us-east-1_MyPool --name "My app"
    dynafed users add-client us-east-1_MyPool web --callback-url http://127.0.0.1:8000/app/
    dynafed users add us-east-1_MyPool alice [--password …] [--email alice@example.com]
    dynafed users list us-east-1_MyPool
    dynafed users set-password us-east-1_MyPool alice
    dynafed users delete us-east-1_MyPool alice
    dynafed users pools
    dynafed users outbox us-east-1_MyPool          # confirmation and reset codes

The server is found as every AWS tool finds it (`commands.server_access`: `--endpoint-url`
or `AWS_ENDPOINT_URL`, the admin keys from the environment or the data directory), so the
commands change the running server, never a database behind its back. A pool's id and
lockout are dynafed's extensions to CreateUserPool (`UserPoolTags`, `userpool.api.pools`).
`outbox` only reads: the codes a pool would have sent have no AWS API, so it reads them
from the server's storage (`--storage`, else the data directory), as the server's log also
shows them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from dynafed.commands.server_access import NoCredentials, add_server_arguments, admin_session
from dynafed.core.clock import SystemClock
from dynafed.storage.factory import SQLITE_FILE_NAME, open_storage, sqlite_file_of
from dynafed.userpool.admin import UserPoolAdmin
from dynafed.userpool.api.pools import LOCKOUT_AFTER_TAG, LOCKOUT_SECONDS_TAG, POOL_ID_TAG
from dynafed.userpool.passwords import Passwords

Command = Callable[[Any, argparse.Namespace], None]
"""A subcommand: (the server's cognito-idp client, the arguments)."""

HOSTED_UI_SCOPES = ["openid", "email", "profile"]


def add_users_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = subparsers.add_parser("users", help="manage users of the built-in user pools")
    add_server_arguments(users, "the pools' region, when no pool id names it")
    users.add_argument(
        "--storage",
        default=os.environ.get("DYNAFED_STORAGE"),
        help="the server's storage, for `outbox` only (default: the data directory's)",
    )
    commands = users.add_subparsers(dest="users_command", required=True)

    add = commands.add_parser("add", help="add a user")
    _pool_user(add)
    add.add_argument("--password", help="the password (prompted for when omitted)")
    add.add_argument("--email")
    add.set_defaults(func=_through_api(_add))

    listing = commands.add_parser("list", help="list a pool's users")
    listing.add_argument("pool")
    listing.set_defaults(func=_through_api(_list))

    delete = commands.add_parser("delete", help="delete a user")
    _pool_user(delete)
    delete.set_defaults(func=_through_api(_delete))

    password = commands.add_parser("set-password", help="set a user's password (unlocks)")
    _pool_user(password)
    password.add_argument("--password", help="the new password (prompted for when omitted)")
    password.set_defaults(func=_through_api(_set_password))

    pool = commands.add_parser("create-pool", help="create a user pool (again: no change)")
    pool.add_argument("pool", help="pool id, e.g. us-east-1_MyPool")
    pool.add_argument("--name", default=None)
    pool.add_argument(
        "--lockout-after", type=int, default=5, metavar="N", help="wrong passwords before a lock"
    )
    pool.add_argument(
        "--lockout-seconds",
        type=float,
        default=1.0,
        metavar="S",
        help="first lock's length; doubles with each further failure, up to 15 minutes",
    )
    pool.set_defaults(func=_through_api(_create_pool))

    client = commands.add_parser("add-client", help="add an app client to a pool")
    client.add_argument("pool")
    client.add_argument("name")
    client.add_argument("--callback-url", action="append", required=True)
    client.add_argument(
        "--confidential", action="store_true", help="give the client a secret (server apps)"
    )
    client.add_argument(
        "--refresh-token-seconds",
        type=int,
        default=30 * 86_400,
        metavar="S",
        help="how long refresh tokens stay valid, 3600 to 10 years (default 30 days)",
    )
    client.set_defaults(func=_through_api(_add_client))

    pools = commands.add_parser("pools", help="list user pools and their app clients")
    pools.set_defaults(func=_through_api(_pools))

    outbox = commands.add_parser(
        "outbox", help="the codes a pool would have sent (sign-up confirmation, password reset)"
    )
    outbox.add_argument("pool")
    outbox.set_defaults(func=_outbox)


def _pool_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pool")
    parser.add_argument("username")


def _through_api(command: Command) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        pool = getattr(args, "pool", None)
        if isinstance(pool, str) and "_" in pool:
            args.region = pool.split("_", 1)[0]  # a pool lives in the region its id names
        try:
            session = admin_session(args)
            idp = session.client(
                "cognito-idp",
                endpoint_url=args.endpoint_url,
                config=Config(retries={"max_attempts": 3, "mode": "standard"}),
            )
            command(idp, args)
        except NoCredentials as error:
            print(f"dynafed users: {error}", file=sys.stderr)
            return 2
        except ClientError as error:
            print(f"dynafed users: {error.response['Error'].get('Message')}", file=sys.stderr)
            return 1
        except BotoCoreError as error:
            print(f"dynafed users: {error}", file=sys.stderr)
            return 2
        return 0

    return run


def _password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return str(args.password)
    return getpass.getpass(f"password for {args.username}: ")


def _add(idp: Any, args: argparse.Namespace) -> None:
    attributes = [] if args.email is None else [{"Name": "email", "Value": args.email}]
    created = idp.admin_create_user(
        UserPoolId=args.pool,
        Username=args.username,
        UserAttributes=attributes,
        MessageAction="SUPPRESS",
    )["User"]
    idp.admin_set_user_password(
        UserPoolId=args.pool, Username=args.username, Password=_password(args), Permanent=True
    )
    sub = _attribute(created["Attributes"], "sub")
    print(f"added {created['Username']} (sub {sub}) to {args.pool}")


def _list(idp: Any, args: argparse.Namespace) -> None:
    for user in _pages(idp, "list_users", "Users", UserPoolId=args.pool):
        state = "enabled" if user["Enabled"] else "disabled"
        sub = _attribute(user["Attributes"], "sub")
        email = _attribute(user["Attributes"], "email") or "-"
        print(f"{user['Username']}\t{sub}\t{email}\t{state}")


def _delete(idp: Any, args: argparse.Namespace) -> None:
    idp.admin_delete_user(UserPoolId=args.pool, Username=args.username)
    print(f"deleted {args.username} from {args.pool}")


def _set_password(idp: Any, args: argparse.Namespace) -> None:
    idp.admin_set_user_password(
        UserPoolId=args.pool, Username=args.username, Password=_password(args), Permanent=True
    )
    print(f"password of {args.username} set")


def _create_pool(idp: Any, args: argparse.Namespace) -> None:
    pool = idp.create_user_pool(
        PoolName=args.name or args.pool,
        AutoVerifiedAttributes=["email"],  # sign-up codes go to the email and verify it
        UserPoolTags={
            POOL_ID_TAG: args.pool,
            LOCKOUT_AFTER_TAG: str(args.lockout_after),
            LOCKOUT_SECONDS_TAG: repr(args.lockout_seconds),
        },
    )["UserPool"]
    print(f"user pool {pool['Id']} ({pool['Name']})")


def _add_client(idp: Any, args: argparse.Namespace) -> None:
    """A client for the hosted UI (authorization code flow) and the API's password and
    refresh flows; it never tells whether a user exists."""
    client = idp.create_user_pool_client(
        UserPoolId=args.pool,
        ClientName=args.name,
        GenerateSecret=args.confidential,
        CallbackURLs=args.callback_url,
        AllowedOAuthFlows=["code"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=HOSTED_UI_SCOPES,
        SupportedIdentityProviders=["COGNITO"],
        RefreshTokenValidity=args.refresh_token_seconds,
        TokenValidityUnits={"RefreshToken": "seconds"},
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    print(f"client_id {client['ClientId']}")
    if client.get("ClientSecret"):
        print(f"client_secret {client['ClientSecret']}")


def _pools(idp: Any, args: argparse.Namespace) -> None:
    for pool in _pages(idp, "list_user_pools", "UserPools", MaxResults=60):
        print(f"{pool['Id']}\t{pool['Name']}")
        for listed in _pages(
            idp, "list_user_pool_clients", "UserPoolClients", UserPoolId=pool["Id"]
        ):
            described = idp.describe_user_pool_client(
                UserPoolId=pool["Id"], ClientId=listed["ClientId"]
            )["UserPoolClient"]
            kind = "confidential" if described.get("ClientSecret") else "public"
            print(f"  client {listed['ClientId']}\t{listed['ClientName']}\t{kind}")


def _outbox(args: argparse.Namespace) -> int:
    file = sqlite_file_of(args.storage) if args.storage else Path(args.data_dir) / SQLITE_FILE_NAME
    if not args.storage and (file is None or not file.exists()):
        print(
            f"dynafed users: no dynafed database at {file}: run from the directory `dynafed "
            "serve` uses, or pass its --data-dir (or --storage)",
            file=sys.stderr,
        )
        return 2
    storage = open_storage(args.storage or str(args.data_dir))
    try:
        messages = UserPoolAdmin(storage, SystemClock(), Passwords()).outbox(args.pool)
    finally:
        storage.close()
    for message in messages:
        sent = datetime.fromtimestamp(message.created_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        to = message.destination or "-"
        print(f"{sent}\t{message.username}\t{message.purpose}\t{message.code}\t{to}")
    return 0


def _pages(idp: Any, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    token_name = "PaginationToken" if operation == "list_users" else "NextToken"
    while True:
        page = getattr(idp, operation)(**params)
        yield from page[key]
        token = page.get(token_name)
        if not token:
            return
        params[token_name] = token


def _attribute(attributes: list[dict[str, str]], name: str) -> str | None:
    return next((a["Value"] for a in attributes if a["Name"] == name), None)
