"""Statements sent through libpq directly, beside psycopg's cursors.

A cursor's `execute` adapts every parameter, tracks prepared statements and builds result
sets; for the storage's short statements that bookkeeping costs more client CPU than the
round trip. Measured here, one thread, a prepared point read of one row: 87 µs of CPU per
statement through `Connection.execute` and `fetchone`, 42–46 µs sent with
`PGconn.send_query_prepared` and read with psycopg's own row loader (`Transformer`). So the
storage sends its statements here:
- a statement alone is prepared on its connection the first time that connection runs it
  (one extra round trip, once), then executed by name;
- several statements go as one query of the simple protocol, their parameters bound on the
  client by psycopg (`ClientCursor.mogrify`), as before.
Every wait for an answer is still `DeadlineConnection.wait`, so it keeps its deadline; an
error the server reports is raised as the same `psycopg.Error` subclass a cursor raises.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg import errors
from psycopg.adapt import Transformer
from psycopg.generators import execute
from psycopg.pq import ExecStatus
from psycopg.pq.abc import PGresult

from dynafed.storage.postgres_timeouts import DeadlineConnection

Statement = tuple[str, Any]
"""(SQL with `%s` or `%(name)s` placeholders, its parameters or None)."""

MAX_PREPARED_PER_CONNECTION = 200
"""The storage's statements are a few dozen shapes; past this many on one connection (a
caller building SQL it never repeats) statements go unprepared instead of piling up."""

_ENCODING = "utf-8"
_OK = (ExecStatus.TUPLES_OK, ExecStatus.COMMAND_OK, ExecStatus.EMPTY_QUERY)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")

# Parameter types as psycopg's default dumpers send them: `str` as unknown (the server
# infers the type from the context), `bytes` as bytea in binary.
_BYTEA, _INT8, _FLOAT8, _BOOL, _UNKNOWN = 17, 20, 701, 16, 0


class Rows:
    """The answer of the last statement sent: what the storage reads of a cursor."""

    __slots__ = ("_rows", "rowcount", "statusmessage")

    def __init__(self, conn: DeadlineConnection, result: PGresult) -> None:
        if result.ntuples:
            loader = Transformer(conn)
            loader.set_pgresult(result)
            self._rows: list[tuple[Any, ...]] = loader.load_rows(0, result.ntuples, tuple)
        else:
            self._rows = []
        affected = result.command_tuples
        self.rowcount = affected if affected is not None else -1
        status = result.command_status
        self.statusmessage = None if status is None else status.decode()

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows


def send(conn: DeadlineConnection, batch: list[Statement]) -> Rows:
    """Run `batch`'s statements in order, in one round trip; the last one's answer.

    Several statements are one multi-statement query: an error stops it there, and the
    statements after the error do not run (after an explicit BEGIN the transaction is then
    left failed, for the caller to roll back)."""
    if len(batch) == 1:
        sql, params = batch[0]
        if params is not None:
            return _send_prepared(conn, sql, params)
        query = sql
    else:
        binder = psycopg.ClientCursor(conn)
        query = ";\n".join(
            sql if params is None else binder.mogrify(sql, params) for sql, params in batch
        )
    conn.pgconn.send_query(query.encode())
    return _answer(conn)


def _send_prepared(conn: DeadlineConnection, sql: str, params: Any) -> Rows:
    numbered, names = _numbered(sql)
    values = params if names is None else [params[name] for name in names]
    types = tuple(_type_of(value) for value in values)
    prepared = conn.prepared_statements
    name = prepared.get((sql, types))
    if name is None:
        if len(prepared) >= MAX_PREPARED_PER_CONNECTION:
            return _send_unprepared(conn, sql, params)
        name = f"dynafed_{len(prepared)}".encode()
        conn.pgconn.send_prepare(name, numbered, list(types))
        _answer(conn)
        prepared[(sql, types)] = name
    conn.pgconn.send_query_prepared(
        name,
        [_dump(value) for value in values],
        [1 if type_oid == _BYTEA else 0 for type_oid in types],
    )
    return _answer(conn)


def _send_unprepared(conn: DeadlineConnection, sql: str, params: Any) -> Rows:
    query = psycopg.ClientCursor(conn).mogrify(sql, params)
    conn.pgconn.send_query(query.encode())
    return _answer(conn)


def _answer(conn: DeadlineConnection) -> Rows:
    results = conn.wait(execute(conn.pgconn))
    if not results:
        raise errors.InternalError("got no result from the query")
    for result in results:
        if result.status not in _OK:
            if result.status == ExecStatus.FATAL_ERROR:
                raise errors.error_from_result(result, encoding=_ENCODING)
            raise errors.InternalError(f"unexpected result status {result.status}")
    return Rows(conn, results[-1])


_numbered_cache: dict[str, tuple[bytes, list[str] | None]] = {}


def _numbered(sql: str) -> tuple[bytes, list[str] | None]:
    """`sql` with `$1, $2, …` for its placeholders, and the parameter names in that order
    (None for positional `%s` placeholders)."""
    cached = _numbered_cache.get(sql)
    if cached is not None:
        return cached
    names: list[str] = []
    positional = 0

    def number(match: re.Match[str]) -> str:
        nonlocal positional
        if match.group(0) == "%%":
            return "%"
        name = match.group(1)
        if name is None:
            positional += 1
            return f"${positional}"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    text = _PLACEHOLDER.sub(number, sql)
    if names and positional:
        raise ValueError("a statement mixes named and positional placeholders")
    numbered = (text.encode(), names or None)
    _numbered_cache[sql] = numbered
    return numbered


def _type_of(value: Any) -> int:
    if isinstance(value, bytes):
        return _BYTEA
    if isinstance(value, bool):  # before int: a bool is an int
        return _BOOL
    if isinstance(value, int):
        return _INT8
    if isinstance(value, float):
        return _FLOAT8
    if value is None or isinstance(value, str):
        return _UNKNOWN
    raise TypeError(f"cannot send a {type(value).__name__} as a statement parameter")


def _dump(value: Any) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, bool):
        return b"t" if value else b"f"
    if isinstance(value, float):
        return repr(value).encode()
    return str(value).encode()
