"""`dynafed users …`: manage the built-in user pools in a server's storage.

    dynafed users create-pool us-east-1_MyPool --name "My app"
    dynafed users add-client us-east-1_MyPool web --callback-url http://127.0.0.1:8000/app/
    dynafed users add us-east-1_MyPool alice [--password …] [--email alice@example.com]
    dynafed users list us-east-1_MyPool
    dynafed users set-password us-east-1_MyPool alice
    dynafed users delete us-east-1_MyPool alice
    dynafed users pools
    dynafed users outbox us-east-1_MyPool          # confirmation and reset codes

The commands write the same storage `dynafed serve` reads (`--data-dir` / `--storage`);
a running server sees the change on its next request.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from dynafed.core.clock import SystemClock
from dynafed.storage.factory import SQLITE_FILE_NAME, open_storage, sqlite_file_of
from dynafed.userpool.admin import AdminError, UserPoolAdmin
from dynafed.userpool.model import LockoutRules
from dynafed.userpool.passwords import Passwords, WeakPassword

Command = Callable[[UserPoolAdmin, argparse.Namespace], None]


def add_users_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = subparsers.add_parser("users", help="manage users of the built-in user pools")
    users.add_argument("--data-dir", type=Path, default=Path(".dynafed"))
    users.add_argument("--storage", default=os.environ.get("DYNAFED_STORAGE"))
    commands = users.add_subparsers(dest="users_command", required=True)

    add = commands.add_parser("add", help="add a user")
    _pool_user(add)
    add.add_argument("--password", help="the password (prompted for when omitted)")
    add.add_argument("--email")
    add.set_defaults(func=_runner(_add))

    listing = commands.add_parser("list", help="list a pool's users")
    listing.add_argument("pool")
    listing.set_defaults(func=_runner(_list))

    delete = commands.add_parser("delete", help="delete a user")
    _pool_user(delete)
    delete.set_defaults(func=_runner(_delete))

    password = commands.add_parser("set-password", help="set a user's password (unlocks)")
    _pool_user(password)
    password.add_argument("--password", help="the new password (prompted for when omitted)")
    password.set_defaults(func=_runner(_set_password))

    pool = commands.add_parser("create-pool", help="create a user pool")
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
    pool.set_defaults(func=_runner(_create_pool))

    client = commands.add_parser("add-client", help="add an app client to a pool")
    client.add_argument("pool")
    client.add_argument("name")
    client.add_argument("--callback-url", action="append", required=True)
    client.add_argument("--client-id", help="default: 26 random letters and digits")
    client.add_argument(
        "--confidential", action="store_true", help="give the client a secret (server apps)"
    )
    client.add_argument(
        "--refresh-token-seconds",
        type=int,
        default=30 * 86_400,
        metavar="S",
        help="how long refresh tokens stay valid (default 30 days)",
    )
    client.set_defaults(func=_runner(_add_client))

    pools = commands.add_parser("pools", help="list user pools and their app clients")
    pools.set_defaults(func=_runner(_pools))

    outbox = commands.add_parser(
        "outbox", help="the codes a pool would have sent (sign-up confirmation, password reset)"
    )
    outbox.add_argument("pool")
    outbox.set_defaults(func=_runner(_outbox))


def _pool_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pool")
    parser.add_argument("username")


def _runner(command: Command) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        missing = _missing_database(args)
        if missing is not None:
            print(f"dynafed users: {missing}", file=sys.stderr)
            return 2
        storage = open_storage(args.storage or str(args.data_dir))
        try:
            command(UserPoolAdmin(storage, SystemClock(), Passwords()), args)
        except (AdminError, WeakPassword) as refused:
            print(f"dynafed users: {refused}", file=sys.stderr)
            return 1
        finally:
            storage.close()
        return 0

    return run


def _missing_database(args: argparse.Namespace) -> str | None:
    """Why there is no server database to work on, if there is none: run from another
    directory, `dynafed users` must not quietly make an empty one."""
    if args.storage and not args.storage.startswith("sqlite://"):
        return None  # PostgreSQL or memory: the server's own connection string
    file = sqlite_file_of(args.storage) if args.storage else Path(args.data_dir) / SQLITE_FILE_NAME
    if file is None or file.exists():
        return None
    return (
        f"no dynafed database at {file}: run from the directory `dynafed serve` uses, or "
        "pass its --data-dir (or --storage)"
    )


def _password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return str(args.password)
    return getpass.getpass(f"password for {args.username}: ")


def _add(admin: UserPoolAdmin, args: argparse.Namespace) -> None:
    user = admin.add_user(args.pool, args.username, _password(args), args.email)
    print(f"added {user.username} (sub {user.sub}) to {args.pool}")


def _list(admin: UserPoolAdmin, args: argparse.Namespace) -> None:
    for user in admin.list_users(args.pool):
        state = "enabled" if user.enabled else "disabled"
        print(f"{user.username}\t{user.sub}\t{user.email or '-'}\t{state}")


def _delete(admin: UserPoolAdmin, args: argparse.Namespace) -> None:
    admin.delete_user(args.pool, args.username)
    print(f"deleted {args.username} from {args.pool}")


def _set_password(admin: UserPoolAdmin, args: argparse.Namespace) -> None:
    admin.set_password(args.pool, args.username, _password(args))
    print(f"password of {args.username} set")


def _create_pool(admin: UserPoolAdmin, args: argparse.Namespace) -> None:
    lockout = LockoutRules(args.lockout_after, args.lockout_seconds)
    pool = admin.create_pool(args.pool, args.name or args.pool, lockout)
    print(f"user pool {pool.pool_id} ({pool.name})")


def _add_client(admin: UserPoolAdmin, args: argparse.Namespace) -> None:
    created = admin.create_client(
        args.pool,
        args.name,
        args.callback_url,
        confidential=args.confidential,
        client_id=args.client_id,
        refresh_token_seconds=args.refresh_token_seconds,
    )
    print(f"client_id {created.client.client_id}")
    if created.secret is not None:
        print(f"client_secret {created.secret}")


def _pools(admin: UserPoolAdmin, args: argparse.Namespace) -> None:
    for pool in admin.list_pools():
        print(f"{pool.pool_id}\t{pool.name}")
        for client in admin.list_clients(pool.pool_id):
            kind = "public" if client.is_public else "confidential"
            print(f"  client {client.client_id}\t{client.name}\t{kind}")


def _outbox(admin: UserPoolAdmin, args: argparse.Namespace) -> None:
    for message in admin.outbox(args.pool):
        sent = datetime.fromtimestamp(message.created_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        to = message.destination or "-"
        print(f"{sent}\t{message.username}\t{message.purpose}\t{message.code}\t{to}")
