"""The SQLite file: connection settings and the versioned schema.

Durability: WAL journal with `synchronous=FULL`, so COMMIT returns only after the WAL is
fsynced; an acknowledged write survives a killed process and a power cut. (`NORMAL` would
survive `kill -9` but may lose the last commits on power loss.) Group commit in the writer
amortises that fsync over many writes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dynafed.storage.sqlite_errors import open_error

MIGRATIONS: list[str] = [
    # 1: items, per-table stats, documents.
    """
    CREATE TABLE items (
        table_id TEXT NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        size INTEGER NOT NULL,
        item BLOB NOT NULL,
        PRIMARY KEY (table_id, pk, sk)
    ) WITHOUT ROWID;
    CREATE TABLE table_stats (
        table_id TEXT PRIMARY KEY,
        item_count INTEGER NOT NULL,
        size_bytes INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE documents (
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        body BLOB NOT NULL,
        PRIMARY KEY (kind, name)
    ) WITHOUT ROWID;
    """,
]
"""Schema steps in order; the database records how many it has applied."""

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer dynafed than this one."""


def connect(path: Path, *, writer: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (we issue BEGIN/COMMIT ourselves)."""
    conn = sqlite3.connect(
        path,
        isolation_level=None,
        check_same_thread=False,  # handed between threads, used by one at a time
        cached_statements=256,
    )
    conn.execute("PRAGMA busy_timeout = 10000")
    if writer:
        # Writes nothing when the file is already in WAL mode (the mode is kept in the file).
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    else:
        conn.execute("PRAGMA query_only = ON")
        # SQLite's default page cache is 2 MB: a table of a million items then reads most of
        # a lookup's B-tree pages from the file again (GetItem at 1M items ran at 0.80× its
        # speed at 1,000). Readers are reused most-recently-first, so one connection serves
        # most reads and its cache stays warm; pages are allocated only as they are used.
        conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    return conn


READER_CACHE_KIB = 64 * 1024
"""Page cache per reader connection, in KiB (SQLite's `cache_size` takes negative KiB)."""


def prepare_sqlite_file(path: Path) -> None:
    """Create (or upgrade) the file, in WAL mode, and close it again; `StorageOpenError`
    (the file and the cause in one line) when the disk or the file will not allow it."""
    conn = open_migrated(path)
    conn.close()


def open_migrated(path: Path) -> sqlite3.Connection:
    """The writer connection on `path`, its schema current; `StorageOpenError` otherwise."""
    try:
        conn = connect(path, writer=True)
    except sqlite3.Error as error:
        raise open_error(path, error) from None
    try:
        migrate(conn)
    except SchemaTooNewError:
        conn.close()
        raise
    except sqlite3.Error as error:
        conn.close()
        raise open_error(path, error) from None
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to `SCHEMA_VERSION` in one transaction (SQLite DDL is transactional).

    A file already at `SCHEMA_VERSION` is only read, so a node starts on a full disk or a
    file it may only read (issue 20: every start used to rewrite the version, and a full
    disk stopped it). Otherwise BEGIN IMMEDIATE takes the write lock first, so two processes
    opening a new file at once cannot both apply a step; the version is read again under it.
    """
    if _recorded_version(conn) == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        version = 0 if row is None else int(row[0])
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"database schema version {version} is newer than this dynafed ({SCHEMA_VERSION})"
            )
        for script in MIGRATIONS[version:]:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute("DELETE FROM schema_version")
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite rolls back by itself after some errors (disk full)
            conn.execute("ROLLBACK")
        raise


def _recorded_version(conn: sqlite3.Connection) -> int | None:
    """The schema version the file records, or None (a new file): reads only."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if exists is None:
        return None
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return None if row is None else int(row[0])
