"""Statements sent through libpq directly, beside psycopg's cursors.

A cursor's `execute` adapts every parameter, tracks prepared statements and builds result
sets; for the storage's short statements that bookkeeping costs more client CPU than the
round trip. Measured here, one thread, a prepared point read of one row: 87 µs of CPU per
statement through `Connection.execute` and `fetchone`, 42–46 µs sent with
`PGconn.send_query_prepared` and read with psycopg's own row loader (`Transformer`).

Every statement with parameters is prepared on its connection the first time that
connection runs it, then executed by name. Several statements go out together in libpq's
pipeline mode: one round trip, and the server neither parses nor plans them again. For a
PutItem's seven statements, against one multi-statement query with its parameters bound on
the client (how they went before): 84–88 against 111–120 µs of client CPU, 170–180 against
290 µs of the server's, 352–359 against 490–514 µs of wall time. psycopg's own pipeline
costs about four times the client CPU of either.

Every wait for an answer is `DeadlineConnection.wait`, so it keeps its deadline; an error
the server reports is raised as the same `psycopg.Error` subclass a cursor raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

import psycopg
from psycopg import errors, generators
from psycopg.abc import PQGen
from psycopg.adapt import Transformer
from psycopg.generators import execute
from psycopg.pq import ExecStatus, PipelineStatus
from psycopg.pq.abc import PGconn, PGresult

from dynafed.storage.postgres_timeouts import DeadlineConnection

Statement = tuple[str, Any]
"""(SQL with `%s` or `%(name)s` placeholders, its parameters or None)."""

MAX_PREPARED_PER_CONNECTION = 200
"""The storage's statements are a few dozen shapes; past this many on one connection (a
caller building SQL it never repeats) statements go unprepared instead of piling up."""

_ENCODING = "utf-8"
_OK = frozenset((ExecStatus.TUPLES_OK, ExecStatus.COMMAND_OK, ExecStatus.EMPTY_QUERY))
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")

# Parameter types as psycopg's default dumpers send them: `str` as unknown (the server
# infers the type from the context), `bytes` as bytea in binary.
_BYTEA, _INT8, _FLOAT8, _BOOL, _UNKNOWN = 17, 20, 701, 16, 0


class Rows:
    """The answer of the last statement sent: what the storage reads of a cursor."""

    __slots__ = ("_rows", "rowcount", "statusmessage")

    def __init__(self, conn: DeadlineConnection, result: PGresult) -> None:
        self._rows = loaded_rows(result, conn)
        affected = result.command_tuples
        self.rowcount = affected if affected is not None else -1
        status = result.command_status
        self.statusmessage = None if status is None else status.decode()

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows


def loaded_rows(result: PGresult, context: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    """`result`'s rows as Python values, by psycopg's loaders for `context`."""
    if not result.ntuples:
        return []
    loader = Transformer(context)
    loader.set_pgresult(result)
    return loader.load_rows(0, result.ntuples, tuple)


def send(conn: DeadlineConnection, batch: list[Statement]) -> Rows:
    """Run `batch`'s statements in order, in one round trip; the last one's answer.

    An error stops the batch there: the statements after it do not run (after an explicit
    BEGIN the transaction is then left failed, for the caller to roll back)."""
    if len(batch) == 1:
        sql, params = batch[0]
        pgconn = conn.pgconn
        if params is None:
            pgconn.send_query_params(sql.encode(), None)
            return Rows(conn, _checked(conn.wait(execute(pgconn)))[-1])
        _, values, types, formats = bound(sql, params)
        name = conn.prepared_statements.get((sql, tuple(types)))
        if name is not None:  # else it is prepared first, in the same round trip
            pgconn.send_query_prepared(name, values, formats)
            return Rows(conn, _checked(conn.wait(execute(pgconn)))[-1])
    return _send_pipelined(conn, batch)


_Key = tuple[str, tuple[int, ...]]
"""A prepared statement's SQL and parameter types."""


def _send_pipelined(conn: DeadlineConnection, batch: list[Statement]) -> Rows:
    """`batch` in pipeline mode, preparing the statements this connection has not yet."""
    pgconn = conn.pgconn
    pgconn.enter_pipeline_mode()
    try:
        preparing = send_in_pipeline(conn, batch)
        answers = conn.wait(_pipeline_answers(pgconn))
    finally:
        _leave_pipeline_mode(conn)
    keep_prepared(conn, preparing, answers)
    for group in answers:
        _checked(group)
    return Rows(conn, answers[-1][-1])


class Preparing(Protocol):
    """A connection that prepares statements as this module does."""

    @property
    def pgconn(self) -> PGconn: ...

    @property
    def prepared_statements(self) -> dict[_Key, bytes]: ...


Prepares = dict[_Key, tuple[bytes, int]]
"""Statements prepared by one batch: key -> (name, the place of its answer)."""


def send_in_pipeline(conn: Preparing, batch: list[Statement]) -> Prepares:
    """Send `batch`'s statements and a sync on `conn`, in pipeline mode already, each
    prepared first if the connection has not prepared it yet; the statements it prepares
    (`keep_prepared` records them once their answers are in)."""
    preparing: Prepares = {}
    sent = 0
    for statement in batch:
        sent += _send_statement(conn, statement, preparing, sent)
    conn.pgconn.pipeline_sync()
    return preparing


def keep_prepared(conn: Preparing, preparing: Prepares, answers: list[list[PGresult]]) -> None:
    """Record the statements of `preparing` whose preparing succeeded: after a failure the
    server skipped the rest of the batch."""
    if not preparing:
        return
    failed = first_failure(answers)
    for key, (name, place) in preparing.items():
        if place < failed:
            conn.prepared_statements[key] = name


def _send_statement(conn: Preparing, statement: Statement, preparing: Prepares, sent: int) -> int:
    """Send one statement without waiting for its answer, first preparing it if this
    connection has not and has room; how many commands that sent. `preparing` collects the
    statements prepared so, with the place of their answer (`sent`: commands sent before)."""
    pgconn = conn.pgconn
    sql, params = statement
    if params is None:
        pgconn.send_query_params(sql.encode(), None)
        return 1
    numbered, values, types, formats = bound(sql, params)
    key = (sql, tuple(types))
    prepared = conn.prepared_statements
    name = prepared.get(key) or preparing.get(key, (None, 0))[0]
    if name is not None:
        pgconn.send_query_prepared(name, values, formats)
        return 1
    if len(prepared) + len(preparing) >= MAX_PREPARED_PER_CONNECTION:
        pgconn.send_query_params(numbered, values, types, formats)
        return 1
    name = f"dynafed_{len(prepared) + len(preparing)}".encode()
    preparing[key] = (name, sent)
    pgconn.send_prepare(name, numbered, types)
    pgconn.send_query_prepared(name, values, formats)
    return 2


def _pipeline_answers(pgconn: PGconn) -> PQGen[list[list[PGresult]]]:
    """The answers of the commands sent in pipeline mode, up to its sync: one list of
    results per command."""
    yield from generators.send(pgconn)
    answers: list[list[PGresult]] = []
    while True:
        group = yield from generators.fetch_many(pgconn)
        if group and group[0].status == ExecStatus.PIPELINE_SYNC:
            return answers
        answers.append(group)


def _leave_pipeline_mode(conn: DeadlineConnection) -> None:
    if conn.closed or conn.pgconn.pipeline_status == PipelineStatus.OFF:
        return
    try:
        conn.pgconn.exit_pipeline_mode()
    except psycopg.OperationalError:
        # Answers were left unread (the wait failed on the way): the protocol state is
        # unknown, so the connection is closed and the pool discards it.
        conn.pgconn.finish()


def succeeded(group: list[PGresult]) -> bool:
    """Whether a command's results hold no error (and there are some)."""
    return bool(group) and all(result.status in _OK for result in group)


def first_failure(answers: list[list[PGresult]]) -> int:
    """The place of the first command of a pipeline that failed; `len(answers)` if none."""
    for place, group in enumerate(answers):
        if not succeeded(group):
            return place
    return len(answers)


def _checked(results: list[PGresult]) -> list[PGresult]:
    """`results`, if none of them is an error; else the error, as psycopg raises it."""
    if not results:
        raise errors.InternalError("got no result from the query")
    for result in results:
        if result.status == ExecStatus.FATAL_ERROR:
            raise errors.error_from_result(result, encoding=_ENCODING)
        if result.status not in _OK:
            raise errors.InternalError(f"unexpected result status {result.status}")
    return results


def bound(sql: str, params: Any) -> tuple[bytes, list[bytes | None], list[int], list[int]]:
    """`sql` with numbered placeholders, and its parameters as libpq takes them: values,
    type oids, formats."""
    numbered, names = _numbered(sql)
    values = params if names is None else [params[name] for name in names]
    dumped: list[bytes | None] = []
    types: list[int] = []
    formats: list[int] = []
    for value in values:
        type_oid, dump = _PARAMETER_TYPES.get(type(value)) or _parameter_type(value)
        dumped.append(dump(value))
        types.append(type_oid)
        formats.append(1 if type_oid == _BYTEA else 0)
    return numbered, dumped, types, formats


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


_Dump = Callable[[Any], "bytes | None"]

_PARAMETER_TYPES: dict[type, tuple[int, _Dump]] = {
    bytes: (_BYTEA, lambda value: value),
    str: (_UNKNOWN, str.encode),
    bool: (_BOOL, lambda value: b"t" if value else b"f"),
    int: (_INT8, lambda value: str(value).encode()),
    float: (_FLOAT8, lambda value: repr(value).encode()),
    type(None): (_UNKNOWN, lambda value: None),
}
"""Each parameter type's oid and text (binary for bytes), by the value's exact type."""


def _parameter_type(value: Any) -> tuple[int, _Dump]:
    """A subclass's entry in `_PARAMETER_TYPES` (a `bool` is an `int`: checked first)."""
    for kind, entry in _PARAMETER_TYPES.items():
        if isinstance(value, kind):
            return entry
    raise TypeError(f"cannot send a {type(value).__name__} as a statement parameter")
