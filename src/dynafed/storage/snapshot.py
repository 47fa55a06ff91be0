"""Whole-server snapshots: every item and document of a storage, in one SQLite file.

`dynafed backup` writes one; `dynafed restore` loads one into an empty storage. The file is
an SQLite database in dynafed's own SQLite schema (items, table stats, documents), whatever
the backend it came from, plus two tables of its own: `snapshot_files` (files of the data
directory that belong with the data, the generated admin keys) and `snapshot_info` (when and
from what it was taken). So a snapshot can be opened with the `sqlite3` shell, and a server
moved between SQLite and PostgreSQL by a backup and a restore.

Consistency: the snapshot is one committed state of the whole storage, taken while the
server runs. From SQLite, the online backup API copies the file inside one read transaction
(WAL readers see one state and never block the writer). From PostgreSQL, every row is read
in one REPEATABLE READ READ ONLY transaction, so one snapshot of the database.

What is not copied: PostgreSQL's own bookkeeping (the ids of recent writes, the isolation
setting the nodes agreed on) belongs to the database, not to the data, and the target
records its own.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from dynafed.storage.factory import SQLITE_FILE_NAME, split_postgres_url, sqlite_file_of
from dynafed.storage.postgres import PostgresStorage
from dynafed.storage.postgres_schema import ISOLATION_DOCUMENT, check_schema_name
from dynafed.storage.postgres_timeouts import with_libpq_defaults
from dynafed.storage.sqlite_schema import SCHEMA_VERSION, migrate

_EXTRA_TABLES = """
CREATE TABLE snapshot_files (name TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE snapshot_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_BATCH = 1000


class SnapshotError(RuntimeError):
    """A snapshot cannot be taken or restored: one line saying why and what to do."""


@dataclass
class SnapshotContents:
    """What a snapshot holds, as counted in it."""

    items: int = 0
    documents: Counter[str] = field(default_factory=Counter)
    """Documents by kind (`table`, IAM's kinds, user pools, keys …)."""
    files: list[str] = field(default_factory=list)

    @property
    def tables(self) -> int:
        return self.documents["table"]

    def describe(self) -> str:
        return (
            f"{self.tables} tables, {self.items} items and index entries, "
            f"{sum(self.documents.values())} documents"
            + (f", {', '.join(self.files)}" if self.files else "")
        )


def storage_target(url_or_data_dir: str) -> Path | str:
    """The SQLite file (a Path) or the PostgreSQL URL (a str) a `--storage` value or data
    directory names, as `storage.factory.open_storage` reads it."""
    if url_or_data_dir.startswith(("postgresql://", "postgres://")):
        return url_or_data_dir
    if url_or_data_dir == "memory://":
        raise SnapshotError("memory:// storage lives inside the server process: nothing to copy")
    if "://" in url_or_data_dir and not url_or_data_dir.startswith("sqlite://"):
        raise SnapshotError(f"unsupported storage URL: {url_or_data_dir.split('://')[0]}://")
    file = sqlite_file_of(url_or_data_dir)
    return file if file is not None else Path(url_or_data_dir) / SQLITE_FILE_NAME


# --- taking one -----------------------------------------------------------------------------


def take_snapshot(
    source: Path | str, destination: Path, files: dict[str, bytes]
) -> SnapshotContents:
    """Write a snapshot of `source` (an SQLite file or a PostgreSQL URL) to `destination`,
    which must not exist; written beside it first and renamed, so a failed backup leaves no
    half a file under the name."""
    if destination.exists():
        raise SnapshotError(f"{destination} already exists: choose a new file name")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # it holds secrets
    try:
        if isinstance(source, Path):
            origin = _copy_sqlite(source, partial)
        else:
            origin = _copy_postgres(source, partial)
        contents = _finish(partial, files, origin)
        _fsync(partial)
        os.replace(partial, destination)
        _fsync(destination.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return contents


def _copy_sqlite(source: Path, destination: Path) -> str:
    if not source.is_file():
        raise SnapshotError(f"no database at {source}: check --data-dir or --storage")
    reader = sqlite3.connect(source)
    try:
        reader.execute("PRAGMA query_only = ON")
        writer = sqlite3.connect(destination)
        try:
            reader.backup(writer)  # every page, in one read transaction: one state
            writer.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            writer.close()
    finally:
        reader.close()
    return f"sqlite:{source}"


def _copy_postgres(url: str, destination: Path) -> str:
    conninfo, options = split_postgres_url(url)
    schema = check_schema_name(options["schema"])
    writer = sqlite3.connect(destination, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode = DELETE")
        migrate(writer)
        writer.execute("BEGIN")
        with psycopg.connect(with_libpq_defaults(conninfo)) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if not _postgres_has_schema(conn, schema):
                raise SnapshotError(f"PostgreSQL has no dynafed schema {schema}: check --storage")
            conn.execute(f'SET LOCAL search_path TO "{schema}"')
            _copy_rows(
                conn,
                "SELECT table_id, pk, sk, size, item::text FROM items",
                writer,
                "INSERT INTO items VALUES (?, ?, ?, ?, ?)",
            )
            _copy_rows(
                conn,
                "SELECT table_id, sum(item_count), sum(size_bytes) FROM table_stats "
                "GROUP BY table_id",
                writer,
                "INSERT INTO table_stats VALUES (?, ?, ?)",
            )
            _copy_rows(
                conn,
                "SELECT kind, name, body::text FROM documents WHERE (kind, name) <> (%s, %s)",
                writer,
                "INSERT INTO documents VALUES (?, ?, ?)",
                ISOLATION_DOCUMENT,
            )
        writer.execute("COMMIT")
    finally:
        writer.close()
    return f"postgresql:{schema}"


def _postgres_has_schema(conn: psycopg.Connection[Any], schema: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
        "AND table_name = 'documents'",
        (schema,),
    ).fetchone()
    return row is not None


def _copy_rows(
    conn: psycopg.Connection[Any],
    select: str,
    writer: sqlite3.Connection,
    insert: str,
    params: tuple[str, ...] = (),
) -> None:
    with conn.cursor(name="dynafed_snapshot") as cursor:  # server-side: rows in batches
        cursor.execute(select, params)
        while rows := cursor.fetchmany(_BATCH):
            writer.executemany(insert, [tuple(_sqlite_value(v) for v in row) for row in rows])


def _sqlite_value(value: object) -> object:
    """Text JSON is stored as bytes (the SQLite backend keeps JSON in BLOBs), counts as ints."""
    if isinstance(value, str):
        return value
    if isinstance(value, memoryview):
        return bytes(value)
    if value is not None and not isinstance(value, int | bytes):
        return int(value)  # type: ignore[call-overload]  # Decimal sums
    return value


def _finish(path: Path, files: dict[str, bytes], origin: str) -> SnapshotContents:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # JSON read from PostgreSQL arrives as text; the SQLite backend reads BLOBs.
        conn.execute("BEGIN")
        conn.execute("UPDATE items SET item = CAST(item AS BLOB) WHERE typeof(item) = 'text'")
        conn.execute("UPDATE documents SET body = CAST(body AS BLOB) WHERE typeof(body) = 'text'")
        for statement in _EXTRA_TABLES.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.executemany("INSERT INTO snapshot_files VALUES (?, ?)", sorted(files.items()))
        info = {"taken_at": f"{time.time():.3f}", "origin": origin}
        conn.executemany("INSERT INTO snapshot_info VALUES (?, ?)", sorted(info.items()))
        conn.execute("COMMIT")
        return _contents(conn)
    finally:
        conn.close()


def _contents(conn: sqlite3.Connection) -> SnapshotContents:
    contents = SnapshotContents()
    contents.items = int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
    for kind, count in conn.execute("SELECT kind, count(*) FROM documents GROUP BY kind"):
        contents.documents[kind] = count
    contents.files = [row[0] for row in conn.execute("SELECT name FROM snapshot_files")]
    return contents


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- restoring one --------------------------------------------------------------------------


def open_snapshot(path: Path) -> tuple[sqlite3.Connection, SnapshotContents, dict[str, bytes]]:
    """The snapshot read-only, what it holds, and its files; `SnapshotError` if it is not one."""
    if not path.is_file():
        raise SnapshotError(f"{path} is not a file: give the path `dynafed backup` wrote")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("SELECT version FROM schema_version").fetchone()
        conn.execute("SELECT count(*) FROM snapshot_info").fetchone()
        files = dict(conn.execute("SELECT name, body FROM snapshot_files"))
        contents = _contents(conn)
    except sqlite3.Error:
        conn.close()
        raise SnapshotError(f"{path} is not a dynafed backup") from None
    if version is None or int(version[0]) > SCHEMA_VERSION:
        conn.close()
        raise SnapshotError(f"{path} was written by a newer dynafed: restore it with that one")
    return conn, contents, files


def restore_snapshot(path: Path, target: Path | str) -> tuple[SnapshotContents, dict[str, bytes]]:
    """Load the snapshot at `path` into `target` (an SQLite file or a PostgreSQL URL), which
    must hold no data yet; in one transaction, so a failed restore leaves it empty."""
    snapshot, contents, files = open_snapshot(path)
    try:
        if isinstance(target, Path):
            _restore_sqlite(path, target)
        else:
            _restore_postgres(snapshot, target)
    finally:
        snapshot.close()
    return contents, files


def _restore_sqlite(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn)
        conn.execute("ATTACH DATABASE ? AS snapshot", (f"file:{path}?mode=ro",))
        conn.execute("BEGIN IMMEDIATE")
        try:
            if _sqlite_has_data(conn):
                raise SnapshotError(
                    f"{target} already holds data: restore into a new --data-dir or --storage"
                )
            for table in ("items", "table_stats", "documents"):
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM snapshot.{table}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("DETACH DATABASE snapshot")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _sqlite_has_data(conn: sqlite3.Connection) -> bool:
    return any(
        conn.execute(f"SELECT 1 FROM main.{table} LIMIT 1").fetchone() is not None
        for table in ("items", "documents")
    )


def _restore_postgres(snapshot: sqlite3.Connection, url: str) -> None:
    conninfo, options = split_postgres_url(url)
    PostgresStorage(conninfo, **options, min_size=1, max_size=1).close()  # schema, migrated
    schema = check_schema_name(options["schema"])
    with psycopg.connect(with_libpq_defaults(conninfo)) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        has_data = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM items) OR EXISTS (SELECT 1 FROM documents "
            "WHERE (kind, name) <> (%s, %s))",
            ISOLATION_DOCUMENT,
        ).fetchone()
        if has_data is not None and has_data[0]:
            raise SnapshotError(
                f"PostgreSQL schema {schema} already holds data: restore into a new schema"
            )
        with conn.cursor() as cursor:
            _copy_into_postgres(
                cursor,
                snapshot,
                "items (table_id, pk, sk, size, item)",
                "SELECT table_id, pk, sk, size, CAST(item AS TEXT) FROM items",
            )
            _copy_into_postgres(
                cursor,
                snapshot,
                "table_stats (table_id, item_count, size_bytes)",
                "SELECT table_id, item_count, size_bytes FROM table_stats",
            )
            _copy_into_postgres(
                cursor,
                snapshot,
                "documents (kind, name, body)",
                "SELECT kind, name, CAST(body AS TEXT) FROM documents",
            )
        conn.commit()


def _copy_into_postgres(
    cursor: psycopg.Cursor[Any], snapshot: sqlite3.Connection, into: str, select: str
) -> None:
    with cursor.copy(f"COPY {into} FROM STDIN") as copy:
        for row in snapshot.execute(select):
            copy.write_row(row)
