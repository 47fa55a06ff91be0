"""Statements sent through libpq directly (`postgres_statements`): each shape is prepared
once per connection, parameters of every type the storage sends arrive intact, and the
server's errors surface as the same psycopg exceptions a cursor raises."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors

from dynafed.storage import postgres_statements
from dynafed.storage.postgres_statements import send
from dynafed.storage.postgres_timeouts import CONNECTION_OPTIONS, DeadlineConnection

POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def conn() -> Iterator[DeadlineConnection]:
    with DeadlineConnection.connect(POSTGRES_URL, **CONNECTION_OPTIONS) as connection:
        connection.wait_timeout = 10.0
        connection.execute(
            "CREATE TEMP TABLE kv (k bytea PRIMARY KEY, n bigint, f float8, t text, b boolean)"
        )
        yield connection


def prepared_names(conn: DeadlineConnection) -> list[str]:
    rows = conn.execute("SELECT name FROM pg_prepared_statements WHERE NOT from_sql").fetchall()
    return sorted(str(row[0]) for row in rows)


def test_parameters_of_every_type_round_trip(conn: DeadlineConnection) -> None:
    insert = "INSERT INTO kv VALUES (%(k)s, %(n)s, %(f)s, %(t)s, %(b)s)"
    key = bytes(range(256))  # every byte value, NUL included: sent as binary
    send(conn, [(insert, {"k": key, "n": -(2**62), "f": 1.5e-300, "t": "é'\\%s", "b": True})])
    send(conn, [(insert, {"k": b"none", "n": None, "f": None, "t": None, "b": None})])

    row = send(conn, [("SELECT k, n, f, t, b FROM kv WHERE k = %s", (key,))]).fetchone()
    assert row == (key, -(2**62), 1.5e-300, "é'\\%s", True)
    nulls = send(conn, [("SELECT n, f, t, b FROM kv WHERE k = %s", (b"none",))]).fetchall()
    assert nulls == [(None, None, None, None)]


def test_a_statement_is_prepared_once_per_connection(conn: DeadlineConnection) -> None:
    read = "SELECT n FROM kv WHERE k = %s"
    for n in range(5):
        send(conn, [("INSERT INTO kv (k, n) VALUES (%s, %s)", (bytes([n]), n))])
        assert send(conn, [(read, (bytes([n]),))]).fetchone() == (n,)
    assert len(prepared_names(conn)) == 2  # the insert and the read, each once

    # A parameter of another type is another statement to the server.
    assert send(conn, [("SELECT %s::text", ("a",))]).fetchone() == ("a",)
    assert send(conn, [("SELECT %s::text", (1,))]).fetchone() == ("1",)
    assert len(prepared_names(conn)) == 4


def test_past_the_cap_statements_run_unprepared(
    conn: DeadlineConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_statements, "MAX_PREPARED_PER_CONNECTION", 1)
    assert send(conn, [("SELECT %s::int + 1", (1,))]).fetchone() == (2,)
    assert send(conn, [("SELECT %s::int + 2", (1,))]).fetchone() == (3,)
    assert len(prepared_names(conn)) == 1


def test_rowcount_and_status_of_the_last_statement(conn: DeadlineConnection) -> None:
    rows = send(
        conn,
        [
            ("INSERT INTO kv (k) VALUES (%s), (%s)", (b"a", b"b")),
            ("UPDATE kv SET n = %s", (7,)),
        ],
    )
    assert (rows.rowcount, rows.statusmessage) == (2, "UPDATE 2")
    assert send(conn, [("DELETE FROM kv WHERE k = %s", (b"a",))]).rowcount == 1
    assert send(conn, [("SELECT n FROM kv", None)]).fetchall() == [(7,)]


def test_server_errors_are_psycopgs_own(conn: DeadlineConnection) -> None:
    insert = ("INSERT INTO kv (k) VALUES (%s)", (b"x",))
    send(conn, [insert])
    with pytest.raises(errors.UniqueViolation):
        send(conn, [insert])  # prepared
    with pytest.raises(errors.UniqueViolation):
        send(conn, [("SELECT 1", None), insert])  # in a multi-statement query
    with pytest.raises(errors.UndefinedTable):
        send(conn, [("SELECT * FROM missing WHERE k = %s", (b"x",))])
    # The connection is still usable after each.
    assert send(conn, [("SELECT count(*) FROM kv WHERE k = %s", (b"x",))]).fetchone() == (1,)


def test_an_error_stops_a_transaction_and_rolls_it_back(conn: DeadlineConnection) -> None:
    with pytest.raises(errors.UniqueViolation):
        send(
            conn,
            [
                ("BEGIN", None),
                ("INSERT INTO kv (k) VALUES (%s)", (b"y",)),
                ("INSERT INTO kv (k) VALUES (%s)", (b"y",)),
                ("COMMIT", None),
            ],
        )
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
    send(conn, [("ROLLBACK", None)])
    assert send(conn, [("SELECT count(*) FROM kv", None)]).fetchone() == (0,)


def test_a_closed_connection_raises_an_operational_error(conn: DeadlineConnection) -> None:
    conn.pgconn.finish()
    with pytest.raises(psycopg.OperationalError):
        send(conn, [("SELECT k FROM kv WHERE k = %s", (b"x",))])
    assert conn.closed


def test_mixed_placeholders_are_refused(conn: DeadlineConnection) -> None:
    with pytest.raises(ValueError, match="mixes"):
        send(conn, [("SELECT %s, %(a)s", {"a": 1})])


def test_a_failed_batch_keeps_the_statements_prepared_before_the_failure(
    conn: DeadlineConnection,
) -> None:
    first = ("INSERT INTO kv (k, n) VALUES (%s, %s)", (b"z", 1))
    after = ("SELECT n FROM kv WHERE k = %s", (b"z",))
    with pytest.raises(errors.UniqueViolation):
        send(conn, [("BEGIN", None), first, first, after, ("COMMIT", None)])
    send(conn, [("ROLLBACK", None)])
    assert prepared_names(conn) == ["dynafed_0"]  # the insert; the read never got there

    # Both run in the next batch: the insert by its name, the read prepared now.
    rows = send(conn, [("BEGIN", None), first, after])
    assert rows.fetchall() == [(1,)]
    send(conn, [("COMMIT", None)])
    assert prepared_names(conn) == ["dynafed_0", "dynafed_1"]
    assert send(conn, [after]).fetchone() == (1,)


def test_a_statement_twice_in_one_batch_is_prepared_once(conn: DeadlineConnection) -> None:
    insert = "INSERT INTO kv (k) VALUES (%s)"
    send(conn, [(insert, (b"1",)), (insert, (b"2",))])
    assert send(conn, [("SELECT count(*) FROM kv", None)]).fetchone() == (2,)
    assert prepared_names(conn) == ["dynafed_0"]


def test_a_rolled_back_transaction_keeps_the_statements_prepared(
    conn: DeadlineConnection,
) -> None:
    # psycopg prepares a statement a cursor runs often, and on every rollback deallocates
    # all prepared statements when it had any: that would take this module's with them.
    read = "SELECT n FROM kv WHERE k = %s"
    send(conn, [("INSERT INTO kv (k, n) VALUES (%s, %s)", (b"a", 1))])
    assert send(conn, [(read, (b"a",))]).fetchone() == (1,)
    for _ in range(10):
        conn.execute("SELECT count(*) FROM kv WHERE n > %s", (0,)).fetchone()
    with pytest.raises(errors.UniqueViolation), conn.transaction():
        conn.execute("INSERT INTO kv (k, n) VALUES (%s, %s)", (b"a", 2))

    assert send(conn, [(read, (b"a",))]).fetchone() == (1,)
