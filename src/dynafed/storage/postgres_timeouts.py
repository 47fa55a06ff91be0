"""How long the PostgreSQL backend waits for its database, so that no request hangs on it.

Three layers, because each catches what the others cannot:
- libpq's connection options, set unless the URL sets them (`LIBPQ_DEFAULTS`):
  `connect_timeout` bounds connecting; TCP keepalives and `tcp_user_timeout` let the kernel
  notice a peer that is gone (a half-open connection: the server's host died or a firewall
  forgot the flow).
- server settings on every session (`session_settings`): `statement_timeout` (PostgreSQL
  cancels a statement that runs or waits for a lock too long) and
  `idle_in_transaction_session_timeout` (PostgreSQL ends the session of a node that stopped
  in the middle of a transaction, which releases the row and advisory locks it held).
- the node's own deadline on every wait for an answer (`DeadlineConnection`): a frozen
  database, or a path that swallows packets while the TCP connection still looks alive,
  answers nothing at all, so neither the server's timeouts nor the kernel's end the wait.
  After `statement_timeout` plus `CLIENT_GRACE` without an answer the connection is closed
  and the request fails with a retryable error.
"""

from __future__ import annotations

from typing import Any, TypeVar

import psycopg
from psycopg.abc import PQGen
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.errors import _WaitTimeout

RV = TypeVar("RV")

LIBPQ_DEFAULTS = {
    "connect_timeout": "5",
    "keepalives": "1",
    "keepalives_idle": "10",
    "keepalives_interval": "5",
    "keepalives_count": "3",
    "tcp_user_timeout": "15000",
}
"""libpq options dynafed sets when the storage URL does not: connecting gives up after 5 s;
an idle connection whose peer vanished is found dead after about 25 s of probes, one with
unacknowledged data after 15 s."""

CLIENT_GRACE = 1.0
"""Seconds the node waits beyond `statement_timeout` before it stops waiting itself: a
healthy server that cancels a statement at `statement_timeout` gets to say so first."""

_WAIT_INTERVAL = 0.1
"""psycopg's own interval between checks for signals while it waits (its default)."""


class DatabaseTimeout(psycopg.OperationalError):
    """The database did not answer within the node's deadline; the connection was closed
    (what was sent on it may or may not have reached the server)."""


def with_libpq_defaults(conninfo: str) -> str:
    """`conninfo` with `LIBPQ_DEFAULTS` added for every option it does not set itself."""
    given = conninfo_to_dict(conninfo)
    missing = {k: v for k, v in LIBPQ_DEFAULTS.items() if k not in given}
    return make_conninfo(conninfo, **missing) if missing else conninfo


def session_settings(statement_timeout: float, idle_in_transaction_timeout: float) -> str:
    """The `SET` statements every pooled session runs once, as one round trip."""
    return (
        f"SET statement_timeout = {_milliseconds(statement_timeout)};"
        f" SET idle_in_transaction_session_timeout = {_milliseconds(idle_in_transaction_timeout)}"
    )


def apply_session_settings(conn: psycopg.Connection[Any], statements: bytes) -> Any:
    """Run a session's settings (statements in one round trip) on `conn`; the last
    statement's first row, if it has one."""
    cursor = conn.execute(statements)
    while cursor.nextset():
        pass
    return cursor.fetchone()


def _milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


CONNECTION_OPTIONS: dict[str, Any] = {"autocommit": True, "prepare_threshold": None}
"""How the storage opens every connection. psycopg's own preparing is off: it prepares a
statement a cursor runs often, and then, on every rollback, deallocates all the
connection's prepared statements, those of `postgres_statements` too."""


class DeadlineConnection(psycopg.Connection[tuple[Any, ...]]):
    """A connection whose every wait for the server ends after `wait_timeout` seconds.

    `wait` is where psycopg waits for every answer (statements, COMMIT, ROLLBACK), so
    bounding it bounds them all; it costs nothing when the answer comes in time. A wait that
    runs out closes the connection (its protocol state is unknown) and raises
    `DatabaseTimeout`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepared_statements: dict[tuple[str, tuple[int, ...]], bytes] = {}
        """(SQL, parameter types) -> the name it is prepared under on this connection
        (`postgres_statements`)."""

    wait_timeout: float | None = None
    """None (the default until the pool configures the connection): wait as long as it takes."""
    backend: tuple[int, Any] | None = None
    """(pid, backend_start) of the server process serving this connection, read when the pool
    configures it: after a lost COMMIT, the storage must know which process to wait for."""

    def wait(
        self,
        gen: PQGen[RV],
        interval: float = _WAIT_INTERVAL,
        timeout: float | None = None,
    ) -> RV:
        limit = self.wait_timeout if timeout is None else timeout
        try:
            return super().wait(gen, interval, limit)
        except _WaitTimeout:
            self.pgconn.finish()
            raise DatabaseTimeout(
                f"the database did not answer within {limit:g} s; connection closed"
            ) from None
