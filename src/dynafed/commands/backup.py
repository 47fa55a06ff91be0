"""`dynafed backup PATH` and `dynafed restore PATH`: the whole server in one file.

    dynafed backup PATH [--data-dir DIR] [--storage URL]
    dynafed restore PATH [--data-dir DIR] [--storage URL]

`backup` takes a consistent snapshot of everything the server stores (tables and their
items, backups, IAM, STS and signing keys, identity and user pools) while it runs, plus the
data directory's generated admin keys, into a new file (`storage.snapshot`). `restore` loads
one into a storage that holds no data yet (a new data directory, a new PostgreSQL schema)
and puts the admin keys back beside it; then `dynafed serve` on it. Either says what it did
in one line; a problem is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import psycopg

from dynafed.commands.server_access import CREDENTIALS_FILE
from dynafed.storage.snapshot import (
    SnapshotError,
    restore_snapshot,
    storage_target,
    take_snapshot,
)

EXIT_OK = 0
EXIT_PROBLEM = 2
_DEFAULT_DATA_DIR = Path(".dynafed")


def add_backup_commands(subparsers: Any) -> None:
    """Register `backup` and `restore` on the main CLI's subparsers."""
    backup = subparsers.add_parser(
        "backup", help="write a consistent snapshot of the whole server to a new file"
    )
    backup.add_argument("path", type=Path, help="the file to write (must not exist)")
    _storage_options(backup)
    backup.set_defaults(func=run_backup)
    restore = subparsers.add_parser(
        "restore", help="load a snapshot from `dynafed backup` into an empty storage"
    )
    restore.add_argument("path", type=Path, help="the file `dynafed backup` wrote")
    _storage_options(restore)
    restore.set_defaults(func=run_restore)


def _storage_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=_DEFAULT_DATA_DIR,
        help="the server's data directory (default .dynafed)",
    )
    parser.add_argument(
        "--storage",
        default=os.environ.get("DYNAFED_STORAGE"),
        help="the server's storage URL, when not SQLite in the data dir (env DYNAFED_STORAGE)",
    )


def run_backup(args: argparse.Namespace) -> int:
    credentials = args.data_dir / CREDENTIALS_FILE
    try:
        files = {CREDENTIALS_FILE: credentials.read_bytes()} if credentials.is_file() else {}
        source = storage_target(args.storage or str(args.data_dir))
        contents = take_snapshot(source, args.path, files)
    except (SnapshotError, OSError, sqlite3.Error, psycopg.Error) as error:
        return _problem("backup", error)
    print(f"dynafed backup: wrote {args.path}: {contents.describe()}")
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    try:
        target = storage_target(args.storage or str(args.data_dir))
        contents, files = restore_snapshot(args.path, target)
        kept = _put_files(args.data_dir, files)
    except (SnapshotError, OSError, sqlite3.Error, psycopg.Error) as error:
        return _problem("restore", error)
    where = target if isinstance(target, Path) else "--storage"
    print(f"dynafed restore: restored {contents.describe()} from {args.path} into {where}")
    for name in kept:
        print(f"dynafed restore: kept the existing {args.data_dir / name} (not replaced)")
    return EXIT_OK


def _put_files(data_dir: Path, files: dict[str, bytes]) -> list[str]:
    """Write the snapshot's files into `data_dir` (0600, as the server makes them); a file
    already there is kept. Returns the names kept."""
    kept = []
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, body in files.items():
        path = data_dir / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            kept.append(name)
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
    return kept


def _problem(command: str, error: BaseException) -> int:
    text = " ".join(str(error).split()) or type(error).__name__
    print(f"dynafed {command}: {text}", file=sys.stderr)
    return EXIT_PROBLEM
