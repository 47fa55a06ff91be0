"""The `dynafed` command line."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
from dataclasses import replace
from importlib import import_module
from pathlib import Path

from dynafed.core.regions import is_region_name
from dynafed.server.settings import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Settings


def _add_serve(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser("serve", help="run the server (DynamoDB, STS, IAM endpoint)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port, 1-65535 (0 picks a free one)")
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the embedded database and generated keys live "
        "(default .dynafed; with --demo, .dynafed-demo)",
    )
    serve.add_argument(
        "--storage",
        default=os.environ.get("DYNAFED_STORAGE"),
        help="storage URL: sqlite:///path or postgresql://... "
        "(default: SQLite in the data dir; env DYNAFED_STORAGE)",
    )
    serve.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID)
    serve.add_argument(
        "--region",
        default=DEFAULT_REGION,
        help="the region of requests that name none (default us-east-1); each signed "
        "request is served in its credential scope's region",
    )
    serve.add_argument(
        "--regions",
        type=_region_list,
        default=None,
        metavar="A,B",
        help="serve only these regions; others are refused as AWS refuses an unknown "
        "region (default: every region)",
    )
    serve.add_argument(
        "--public-url",
        default=os.environ.get("DYNAFED_PUBLIC_URL"),
        help="URL clients reach the server at, the issuer of built-in identity tokens "
        "(default: the bound address; env DYNAFED_PUBLIC_URL)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="seed the GameScores demo (two players, table, role, identity pool) and serve "
        "its web app at /app/",
    )
    serve.add_argument(
        "--audit-log",
        default=None,
        help="write one JSON line per authorization decision: '-' or a path",
    )
    serve.add_argument(
        "--ttl-sweep-interval",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how often expired TTL items are deleted (default 60)",
    )
    serve.add_argument(
        "--stream-shard-records",
        type=int,
        default=None,
        metavar="N",
        help="roll a DynamoDB stream's shard over after N records, besides every 4 hours "
        "(for tests of shard lineage; default: by age only)",
    )
    serve.add_argument(
        "--test-clock-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="for end-to-end tests only: the Streams API and the background worker read the "
        "time as the system clock plus the seconds written in FILE (SigV4, STS and IAM keep "
        "the system clock)",
    )
    serve.add_argument(
        "--stream-lanes",
        type=_positive_int,
        default=None,
        metavar="N",
        help="open shards per DynamoDB stream enabled from now on, each with its own "
        "sequence counter (default: 1 on SQLite, 4 on PostgreSQL)",
    )
    serve.add_argument(
        "--identity-config",
        type=Path,
        default=os.environ.get("DYNAFED_IDENTITY_CONFIG"),
        metavar="FILE",
        help="TOML file: Google/Login with Amazon/Facebook endpoints, SAML checks "
        "(docs/identity-providers.md; env DYNAFED_IDENTITY_CONFIG)",
    )
    serve.add_argument(
        "--workers",
        type=_workers,
        default=os.environ.get("DYNAFED_WORKERS", AUTO),
        metavar="N|auto",
        help="server processes sharing the port; auto (the default): one per core this "
        "process may run on, at most 8, and 1 with --demo or memory:// storage "
        "(env DYNAFED_WORKERS)",
    )
    serve.add_argument(
        "--any-key",
        action="store_true",
        help="for test suites written for DynamoDB Local: any access key and any signature "
        "is the admin; loopback --host only (docs/migrating.md)",
    )
    _add_edge_options(serve)
    serve.add_argument(
        "--signin-failures-per-minute",
        type=_positive_int,
        default=20,
        metavar="N",
        help="wrong passwords one client address may send to the built-in user pools: "
        "N at once, then N more per minute; beyond, 429 (default 20)",
    )
    serve.set_defaults(func=_run_serve)


def _add_edge_options(serve: argparse.ArgumentParser) -> None:
    """What clients may hold of the server, and whose forwarded headers it believes."""
    serve.add_argument(
        "--trusted-proxies",
        type=_networks,
        default=os.environ.get("DYNAFED_TRUSTED_PROXIES", ""),
        metavar="LIST",
        help="comma-separated addresses/networks of proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (default none; env DYNAFED_TRUSTED_PROXIES)",
    )
    serve.add_argument(
        "--read-timeout",
        type=_positive_float,
        default=10.0,
        metavar="SECONDS",
        help="time to send a request's headers, and the longest pause in a body (default 10)",
    )
    serve.add_argument(
        "--keep-alive-timeout",
        type=_positive_int,
        default=30,
        metavar="SECONDS",
        help="how long an idle keep-alive connection stays open (default 30)",
    )
    serve.add_argument(
        "--max-connections",
        type=_positive_int,
        default=1024,
        metavar="N",
        help="open connections per server process; more are answered 503 (default 1024)",
    )


def _networks(text: str) -> tuple[str, ...]:
    """`10.0.0.1, 192.168.0.0/16` → its addresses and networks, each checked."""
    items = tuple(item.strip() for item in text.split(",") if item.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{item!r} is not an IP address or network (such as 10.0.0.0/8)"
            ) from None
    return items


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return value


def _region_list(text: str) -> tuple[str, ...]:
    regions = tuple(part.strip() for part in text.split(",") if part.strip())
    bad = [region for region in regions if not is_region_name(region)]
    if not regions or bad:
        raise argparse.ArgumentTypeError(f"not AWS region names: {text!r}")
    return regions


AUTO = "auto"


def _workers(text: str) -> int | None:
    """A number of worker processes, or None for `auto`."""
    return None if text == AUTO else _positive_int(text)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return int(text)


DEFAULT_DATA_DIR = Path(".dynafed")
DEMO_DATA_DIR = Path(".dynafed-demo")


def _run_serve(args: argparse.Namespace) -> int:
    from dynafed.demo.seed import DemoConflict
    from dynafed.server import admin_credentials
    from dynafed.server.compose import storage_url
    from dynafed.server.identity_settings import IdentityConfigError, load_identity_settings
    from dynafed.server.preflight import StartupError
    from dynafed.server.private_files import make_private, tightened_notice
    from dynafed.server.runner import ANY_KEY_WARNING, Stopped, serve
    from dynafed.server.workers import WorkersFailed, workers_for_cores
    from dynafed.storage.factory import sqlite_file_of
    from dynafed.storage.sqlite_errors import StorageOpenError, os_error_cause

    workers: int | None = args.workers  # None: auto
    if args.demo and workers is not None and workers > 1:
        message = "dynafed serve: --demo seeds its data from one process; use --workers 1"
        print(message, file=sys.stderr)
        return 2
    identity = None
    if args.identity_config is not None:
        try:
            identity = load_identity_settings(Path(args.identity_config), os.environ)
        except IdentityConfigError as error:
            print(f"dynafed serve: --identity-config {error}", file=sys.stderr)
            return 2
    # The demo keeps to a directory of its own unless told otherwise: the README's examples
    # (a GameScores table, a GameRole role) live in the default one.
    data_dir = args.data_dir or (DEMO_DATA_DIR if args.demo else DEFAULT_DATA_DIR)
    settings = Settings(
        host=args.host,
        port=args.port,
        data_dir=data_dir,
        storage_url=args.storage,
        public_url=args.public_url,
        demo=args.demo,
        account_id=args.account_id,
        region=args.region,
        regions=args.regions,
        audit_log=args.audit_log,
        ttl_sweep_interval=args.ttl_sweep_interval,
        stream_shard_records=args.stream_shard_records,
        stream_lanes=args.stream_lanes,
        test_clock_file=args.test_clock_file,
        identity=identity,
        workers=workers or 1,
        trusted_proxies=args.trusted_proxies,
        read_timeout=args.read_timeout,
        keep_alive_timeout=args.keep_alive_timeout,
        max_connections=args.max_connections,
        signin_failures_per_minute=args.signin_failures_per_minute,
    )
    if settings.regions is not None and settings.region not in settings.regions:
        print(
            f"dynafed serve: --region {settings.region} is not among --regions",
            file=sys.stderr,
        )
        return 2
    if workers is None:
        one_process = args.demo or storage_url(settings) == "memory://"
        settings = replace(settings, workers=1 if one_process else workers_for_cores())
    if settings.workers > 1 and storage_url(settings) == "memory://":
        print(
            "dynafed serve: memory:// storage lives in one process; use --workers 1",
            file=sys.stderr,
        )
        return 2
    try:
        sock = _preflight(settings, any_key=args.any_key)
    except StartupError as error:
        print(f"dynafed serve: {error}", file=sys.stderr)
        return 2
    # Only now, with the port bound and the storage checked, is anything written.
    notice = tightened_notice(
        make_private(settings.data_dir, sqlite_file_of(storage_url(settings)))
    )
    if notice is not None:
        print(notice, flush=True)
    try:
        admin, source = admin_credentials.load_or_create(settings.data_dir)
    except OSError as error:  # a full disk or a read-only file system
        where = error.filename or settings.data_dir
        print(f"dynafed serve: cannot write {where}: {os_error_cause(error)}", file=sys.stderr)
        return 2
    if args.any_key:
        admin = replace(admin, any_key=True)
        print(f"dynafed serve: {ANY_KEY_WARNING}", file=sys.stderr, flush=True)
    try:
        serve(settings, admin, source, sock)
    except WorkersFailed as error:
        print(f"dynafed serve: {error}", file=sys.stderr)
        return 1
    except StorageOpenError as error:  # a full disk, a read-only file system, permissions
        print(f"dynafed serve: {error}", file=sys.stderr)
        return 2
    except DemoConflict as conflict:
        for line in conflict.lines:
            print(f"dynafed serve --demo: {line}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Stopped):  # stopped while starting: nothing was served
        print("dynafed stopped before it was serving", flush=True)
        return 0
    return 0


def _preflight(settings: Settings, *, any_key: bool) -> socket.socket:
    """The start-up mistakes (server.preflight), then the listening socket."""
    from dynafed.server.compose import storage_url
    from dynafed.server.preflight import (
        StartupError,
        bind,
        check_data_dir,
        check_port,
        check_storage,
        is_loopback,
    )

    check_port(settings.port)
    if any_key and not is_loopback(settings.host):
        raise StartupError(
            f"--any-key accepts any signature, so it listens on loopback only, not on "
            f"{settings.host}: use --host 127.0.0.1, or real keys without --any-key"
        )
    check_data_dir(settings.data_dir)
    check_storage(storage_url(settings))
    return bind(settings.host, settings.port)


COMMAND_MODULES = {
    "policy": ("dynafed.commands.policy", "add_policy_commands"),
    "apply": ("dynafed.commands.apply", "add_apply_command"),
    "users": ("dynafed.commands.users", "add_users_command"),
    "streams": ("dynafed.commands.streams", "add_streams_command"),
    "backup": ("dynafed.commands.backup", "add_backup_commands"),
    "restore": ("dynafed.commands.backup", "add_backup_commands"),
}
"""Command name -> (its module, the function that adds it to the parser). Only the module of
the command being run is imported: `apply`, `users` and `streams` bring boto3 and `backup`
psycopg, which a `dynafed serve` on SQLite would otherwise load at every start."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command, or only `command` (the one about to run) when it is given."""
    parser = argparse.ArgumentParser(prog="dynafed", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    if command in (None, "serve"):
        _add_serve(subparsers)
    adders = [
        where for name, where in COMMAND_MODULES.items() if command is None or name == command
    ]
    for module, adder in dict.fromkeys(adders):  # backup and restore: one module, one adder
        getattr(import_module(module), adder)(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    first = given[0] if given else None
    known = first if first == "serve" or first in COMMAND_MODULES else None
    args = build_parser(known).parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
