"""The PostgreSQL schema: versioned steps applied on start, one node at a time.

Everything lives in one PostgreSQL schema (default `dynafed`), so tests and several
deployments can share a database. Text keys use `COLLATE "C"` (byte order, as SQLite and
Python compare them); items and documents are `json`, which keeps the exact text (unlike
`jsonb`, it accepts the `\\u0000` escape a DynamoDB string may need) and stays readable
in psql.

Table stats are append-only delta rows, summed on read and compacted now and then: writers
never update a shared counter row, so concurrent writes to one table do not queue on (or,
under SERIALIZABLE, conflict over) a stats row.

`counter_due()` is how a write's deferred `append_numbered` fails when its counter is due
(postgres_txn.py): an error of its own SQLSTATE, `COUNTER_DUE`. `expect_document()` is how a
deferred `expect_document` fails: `DOCUMENT_CHANGED`.

`committed_writes` holds the id of each write transaction, inserted by the transaction
itself, for a few minutes (`postgres.py` trims it): after a connection lost during COMMIT,
whether the id is there says whether the write committed.
"""

from __future__ import annotations

import hashlib
import json
import re

import psycopg

COUNTER_DUE = "DY001"
"""The SQLSTATE of `counter_due()`'s error: an append (deferred to the transaction's next
round trip) found its counter missing or due; the storage runs the write again."""

DOCUMENT_CHANGED = "DY002"
"""The SQLSTATE of `expect_document()`'s error: the document is not the one expected."""

MIGRATIONS: list[list[str]] = [
    [  # 1: items, stats deltas, documents
        """
        CREATE TABLE items (
            table_id text COLLATE "C" NOT NULL,
            pk bytea NOT NULL,
            sk bytea NOT NULL,
            size integer NOT NULL,
            item json NOT NULL,
            PRIMARY KEY (table_id, pk, sk)
        )
        """,
        """
        CREATE TABLE table_stats (
            table_id text COLLATE "C" NOT NULL,
            item_count bigint NOT NULL,
            size_bytes bigint NOT NULL
        )
        """,
        "CREATE INDEX table_stats_by_table ON table_stats (table_id)",
        """
        CREATE TABLE documents (
            kind text COLLATE "C" NOT NULL,
            name text COLLATE "C" NOT NULL,
            body json NOT NULL,
            PRIMARY KEY (kind, name)
        )
        """,
    ],
    [  # 2: the id of every committed write, to settle a COMMIT whose connection was lost
        """
        CREATE TABLE committed_writes (
            id text COLLATE "C" PRIMARY KEY,
            committed_at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ],
    [  # 3: how a write appending under a due counter fails (postgres_txn._APPEND_NUMBERED)
        f"""
        CREATE FUNCTION counter_due(kind text, name text) RETURNS bytea LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING ERRCODE = '{COUNTER_DUE}',
                MESSAGE = format('counter %s/%s is due for renewal', kind, name);
        END $$
        """,
    ],
    [  # 4: how a write fails whose document is not the one expected (PgWriteTxn)
        f"""
        CREATE FUNCTION expect_document(want_kind text, want_name text, expected text)
        RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT body::text FROM documents WHERE kind = want_kind AND name = want_name)
                IS DISTINCT FROM expected THEN
                RAISE EXCEPTION USING ERRCODE = '{DOCUMENT_CHANGED}',
                    MESSAGE = format(
                        'document %s/%s is not the one expected', want_kind, want_name);
            END IF;
        END $$
        """,
    ],
]
"""Schema steps in order; `schema_version` records how many have been applied."""

SCHEMA_VERSION = len(MIGRATIONS)

_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer dynafed than this one."""


class IsolationMismatchError(RuntimeError):
    """This node asks for another `isolation=` than the one the schema's nodes use: two
    nodes isolating writes differently do not exclude each other, and lose updates."""


ISOLATION_DOCUMENT = ("storage", "isolation")
"""Where the schema records the `isolation=` its nodes use (a row of `documents`)."""


def isolation_mismatch(schema: str, recorded: str, asked: str) -> str:
    return (
        f"PostgreSQL schema {schema} is used with isolation={recorded}, this node asks for "
        f"isolation={asked}: start every node with the same isolation= in --storage"
    )


def check_schema_name(schema: str) -> str:
    """`schema` if it is a plain identifier (it is spliced into SQL, double-quoted)."""
    if not _SCHEMA_NAME.fullmatch(schema):
        raise ValueError(f"invalid PostgreSQL schema name: {schema!r}")
    return schema


def migrate(
    conn: psycopg.Connection[tuple[object, ...]], schema: str, isolation: str = "locks"
) -> None:
    """Create or upgrade `schema` on an autocommit connection, and record (or check) the
    `isolation` its nodes use.

    A session advisory lock makes nodes that start together take turns; the steps and the
    version update commit together, so a failed step leaves the previous version intact.
    """
    lock_key = _lock_key(schema)
    conn.execute("SELECT pg_advisory_lock(%s)", (lock_key,))
    try:
        with conn.transaction():
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            conn.execute(f'SET LOCAL search_path TO "{schema}"')
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            version = 0 if row is None else int(str(row[0]))
            if version > SCHEMA_VERSION:
                raise SchemaTooNewError(
                    f"schema {schema} is at version {version}, newer than this dynafed "
                    f"({SCHEMA_VERSION})"
                )
            for step in MIGRATIONS[version:]:
                for statement in step:
                    conn.execute(statement)
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))
            _record_isolation(conn, schema, isolation)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (lock_key,))


def recorded_isolation(conn: psycopg.Connection[tuple[object, ...]], schema: str) -> str | None:
    """The `isolation=` recorded in `schema`, or None (a new or older schema)."""
    found = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".documents',)).fetchone()
    if found is None or found[0] is None:
        return None
    row = conn.execute(
        f'SELECT body::text FROM "{schema}".documents WHERE kind = %s AND name = %s',
        ISOLATION_DOCUMENT,
    ).fetchone()
    return None if row is None else str(json.loads(str(row[0]))["isolation"])


def _record_isolation(
    conn: psycopg.Connection[tuple[object, ...]], schema: str, isolation: str
) -> None:
    recorded = recorded_isolation(conn, schema)
    if recorded is None:
        conn.execute(
            "INSERT INTO documents (kind, name, body) VALUES (%s, %s, %s)",
            (*ISOLATION_DOCUMENT, json.dumps({"isolation": isolation})),
        )
    elif recorded != isolation:
        raise IsolationMismatchError(isolation_mismatch(schema, recorded, isolation))


def _lock_key(schema: str) -> int:
    digest = hashlib.blake2b(f"dynafed-migrate:{schema}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
