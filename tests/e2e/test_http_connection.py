"""The server's HTTP/1.1 connections (server/http_connection.py) as a client meets them on
the wire: keep-alive, pipelining in order, HTTP/1.0, HEAD, `Expect: 100-continue`, bodies
over the limit, the `date` header. Raw sockets, so each byte the server sends is seen."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

from tests.security.raw_http import connect, get, one_response, until_closed
from tests.security.raw_sigv4 import dynamodb_request
from tests.support.server_process import ServerProcess

MAX_BODY_BYTES = 16 * 1024 * 1024 + 64 * 1024
"""The default `--max-body-bytes`."""


def _keep_alive_get(path: bytes, method: bytes = b"GET") -> bytes:
    return method + b" " + path + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"


def _signed_list_tables_head(server: ServerProcess, extra: dict[str, str]) -> tuple[bytes, bytes]:
    """A signed ListTables: its head (with `extra` headers) and its body."""
    signed = dynamodb_request(server, "ListTables", b"{}", headers=extra)
    headers = {
        **signed.headers,
        "host": urlsplit(server.endpoint).netloc,
        "content-length": str(len(signed.body)),
        **extra,
    }
    head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (head + "\r\n").encode(), signed.body


def _responses(sock: socket.socket, count: int) -> list[tuple[int, bytes]]:
    """The next `count` responses (each with a Content-Length body), however the bytes of
    several happen to be split over reads."""
    received = b""
    answers: list[tuple[int, bytes]] = []
    while len(answers) < count:
        head, separator, rest = received.partition(b"\r\n\r\n")
        if separator:
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")[1:]
                if line.lower().startswith(b"content-length:")
            )
            if len(rest) >= length:
                answers.append((int(head[9:12]), rest[:length]))
                received = rest[length:]
                continue
        chunk = sock.recv(65536)
        assert chunk, f"closed after {len(answers)} of {count} responses: {received!r}"
        received += chunk
    return answers


def _read_head(sock: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(4096)
        assert chunk, f"closed before a whole head: {received!r}"
        received += chunk
    return received


def test_pipelined_requests_are_answered_in_order_on_one_connection(
    server: ServerProcess,
) -> None:
    paths = [b"/health/ready", b"/health/live", b"/health/ready", b"/health/live"]
    with connect(server) as sock:
        sock.sendall(b"".join(_keep_alive_get(path) for path in paths))
        answers = _responses(sock, len(paths))
    statuses = [json.loads(body)["status"] for _, body in answers]
    assert statuses == ["ready", "ok", "ready", "ok"]
    assert {status for status, _ in answers} == {200}


def test_an_http_1_0_request_is_answered_and_the_connection_closed(
    server: ServerProcess,
) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n")
        ending = until_closed(sock)
    assert ending.status == 200
    assert b"\r\nconnection: close\r\n" in ending.data.lower()
    assert ending.data.endswith(b'{"status":"ok"}')


def test_connection_close_closes_after_the_answer(server: ServerProcess) -> None:
    with connect(server) as sock:
        sock.sendall(get(b"/health"))
        ending = until_closed(sock)
    assert ending.status == 200 and not ending.reset
    assert ending.data.endswith(b'{"status":"ok"}')


def test_a_head_answer_carries_the_length_of_the_body_it_leaves_out(
    server: ServerProcess,
) -> None:
    with connect(server) as sock:
        sock.sendall(get(b"/", method=b"GET"))
        whole = until_closed(sock)
    with connect(server) as sock:
        sock.sendall(get(b"/", method=b"HEAD"))
        head_only = until_closed(sock)
    head, _, rest = head_only.data.partition(b"\r\n\r\n")
    assert rest == b""
    body = whole.data.partition(b"\r\n\r\n")[2]
    assert body and b"\r\ncontent-length: %d\r\n" % len(body) in head.lower()


def test_every_answer_has_a_date(server: ServerProcess) -> None:
    with connect(server) as sock:
        sock.sendall(get(b"/health"))
        ending = until_closed(sock)
    assert b"\r\ndate: " in ending.data.lower()


def test_expect_100_continue_gets_continue_then_the_answer(server: ServerProcess) -> None:
    head, body = _signed_list_tables_head(server, {"expect": "100-continue"})
    with connect(server) as sock:
        sock.sendall(head)
        assert _read_head(sock).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        status, answer = one_response(sock)
    assert status == 200 and "TableNames" in json.loads(answer)


def test_a_body_over_the_limit_that_waits_for_continue_is_refused_at_once(
    server: ServerProcess,
) -> None:
    head = (
        b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\n"
        b"Content-Type: application/x-amz-json-1.0\r\nExpect: 100-continue\r\n"
        b"Content-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1)
    )
    with connect(server) as sock:
        sock.sendall(head)
        # Closed at once: the client sends no body before 100 Continue, and the server's
        # wait for one (the read timeout, 10 s) would hold the connection for nothing.
        ending = until_closed(sock, timeout=5.0)
    assert ending.status == 413
    assert b"100 Continue" not in ending.data
    assert b"RequestEntityTooLarge" in ending.data or b"too large" in ending.data.lower()


def test_a_chunked_body_over_the_limit_is_refused_and_the_connection_stays_usable(
    server: ServerProcess,
) -> None:
    """The answer comes once the body passes the limit; the rest of the body is skipped, so
    the next request on the connection is read as a request."""
    chunk = b"x" * (1024 * 1024)
    chunks = MAX_BODY_BYTES // len(chunk) + 2
    head = (
        b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\n"
        b"Content-Type: application/x-amz-json-1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    with connect(server) as sock:
        sock.sendall(head)
        for _ in range(chunks):
            sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        sock.sendall(b"0\r\n\r\n" + _keep_alive_get(b"/health/live"))
        (refused_status, _), (next_status, next_body) = _responses(sock, 2)
    assert refused_status == 413
    assert next_status == 200 and json.loads(next_body) == {"status": "ok"}
