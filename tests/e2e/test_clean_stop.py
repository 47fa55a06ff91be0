"""Ctrl-C and SIGTERM stop `dynafed serve` cleanly (docs/reference/cli.md): exit status 0,
no traceback, and a request in flight when the signal came is still answered. With and
without `--workers`.

The request is held in flight without a sleep: it asks `Expect: 100-continue`, so the
server says `100 Continue` once the app is waiting for the body; the signal is sent then,
and the body only once the server has said it is stopping."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dynafed.server.runner import STOPPING_LINE
from tests.security.raw_http import connect, one_response
from tests.security.raw_sigv4 import dynamodb_request
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

PATIENCE = 30.0


def wait_for(condition: Callable[[], bool], timeout: float = PATIENCE) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def hold_in_flight(server: ServerProcess) -> tuple[socket.socket, bytes]:
    """A signed ListTables whose head is sent and acknowledged (`100 Continue`) but whose
    body is not: the connection and the body still to send."""
    signed = dynamodb_request(server, "ListTables", b"{}", headers={"expect": "100-continue"})
    host = urlsplit(server.endpoint).netloc
    headers = {**signed.headers, "host": host, "content-length": str(len(signed.body))}
    head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock = connect(server, timeout=PATIENCE)
    sock.sendall(head.encode())
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(4096)
        assert chunk, f"closed before 100 Continue: {received!r}"
        received += chunk
    assert received.startswith(b"HTTP/1.1 100 Continue\r\n"), received
    return sock, signed.body


@pytest.mark.parametrize("workers", [1, 2], ids=["one-process", "workers-2"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stop_signal_finishes_the_request_in_flight_and_exits_0(
    tmp_path: Path, workers: int, sig: signal.Signals
) -> None:
    server = start_server(tmp_path / "data", "--workers", str(workers), own_process_group=True)
    try:
        if workers > 1:  # every worker serving, so each has a signal to handle
            assert wait_for(lambda: "".join(server.output).count("serving") == workers)
        sock, body = hold_in_flight(server)
        with sock:
            if sig == signal.SIGINT:  # what a terminal's Ctrl-C does: the whole group
                os.killpg(server.process.pid, sig)
            else:  # what a service manager does: the main process only
                server.process.send_signal(sig)
            assert wait_for(lambda: "".join(server.output).count(STOPPING_LINE) == workers)
            sock.sendall(body)
            status, answer = one_response(sock)
        assert status == 200, answer
        assert json.loads(answer) == {"TableNames": []}
        assert server.process.wait(PATIENCE) == 0
    finally:
        server.stop(signal.SIGKILL)
    output = "".join(server.output)
    assert "Traceback" not in output, output
    assert output.count("storage closed") == workers, output
