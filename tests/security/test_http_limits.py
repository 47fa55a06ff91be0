"""What one client can make the server hold (server/http_limits.py).

One unfinished 100 MB header grew the server by 150 MB, and slow connections stayed open
forever. Now a request head has AWS's Application Load Balancer size limits (request line
16 KiB, one header 16 KiB, the whole head 64 KiB), a head or body that does not arrive in
time and an idle keep-alive connection are closed, and connections beyond the cap are
answered 503 and closed.
"""

from __future__ import annotations

import contextlib
import resource
import select
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from tests.security.raw_http import (
    PATIENCE,
    connect,
    get,
    one_response,
    request,
    resident_kib,
    until_closed,
)
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

MIB = 1024 * 1024
SLOWLORIS = 1000
DEFAULT_MAX_CONNECTIONS = 1024


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Deadlines short enough to watch them pass."""
    process = start_server(
        tmp_path_factory.mktemp("dynafed-impatient"),
        "--read-timeout",
        "1",
        "--keep-alive-timeout",
        "1",
    )
    yield process
    process.stop()


@pytest.fixture(scope="module")
def patient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The default caps, with a read timeout long enough that slow connections stay open
    for the whole test on a loaded machine."""
    process = start_server(tmp_path_factory.mktemp("dynafed-patient"), "--read-timeout", "120")
    yield process
    process.stop()


# --- sizes --------------------------------------------------------------------------------


def test_a_request_line_over_16_kib_is_414_and_closed(impatient: ServerProcess) -> None:
    ending = request(impatient, get(b"/" + b"a" * (16 * 1024 + 1)))
    assert ending.status == 414 and not ending.reset


def test_a_header_over_16_kib_is_431_and_closed(impatient: ServerProcess) -> None:
    ending = request(impatient, get(b"/health", headers=b"X-Big: " + b"a" * 16 * 1024 + b"\r\n"))
    assert ending.status == 431


def test_a_head_over_64_kib_is_431_and_closed(impatient: ServerProcess) -> None:
    headers = b"".join(b"X-Part-%d: %s\r\n" % (n, b"a" * 1000) for n in range(70))
    assert request(impatient, get(b"/health", headers=headers)).status == 431


def test_a_head_just_under_the_limits_is_served(impatient: ServerProcess) -> None:
    headers = b"".join(b"X-Part-%d: %s\r\n" % (n, b"a" * 1000) for n in range(40))
    ending = request(impatient, get(b"/health?" + b"a" * 15000, headers=headers))
    assert ending.status == 200


def test_a_100_mb_header_is_cut_off_without_being_buffered(impatient: ServerProcess) -> None:
    pid = impatient.process.pid
    peak_before, before = resident_kib(pid, "VmHWM"), resident_kib(pid)
    chunk = b"a" * MIB
    sent = 0
    with connect(impatient) as sock:
        try:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Endless: ")
            while sent < 100 * MIB:
                sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed on us: what this test wants
        ending = until_closed(sock)
    peak_growth = resident_kib(pid, "VmHWM") - peak_before
    print(f"100 MB header: sent {sent // MIB} MiB; RSS {before} -> {resident_kib(pid)} KiB,")
    print(f"  peak RSS +{peak_growth} KiB")
    assert sent < 16 * MIB, f"the server read {sent // MIB} MiB of one header"
    assert ending.status in (431, None)  # None: the 431 was lost to the reset
    assert peak_growth < 30 * 1024
    assert request(impatient, get(b"/health")).status == 200


def test_200_unfinished_1_mib_heads_leave_memory_flat(impatient: ServerProcess) -> None:
    """Many connections each stuck in a big header: each is cut off at the cap, so the
    server's memory does not grow with them (it held every byte before)."""
    pid = impatient.process.pid
    peak_before = resident_kib(pid, "VmHWM")
    sockets = [connect(impatient) for _ in range(200)]
    try:
        for sock in sockets:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # cut off
                sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Fat: " + b"a" * MIB)
        assert request(impatient, get(b"/health")).status == 200
        peak_growth = resident_kib(pid, "VmHWM") - peak_before
        print(f"200 unfinished 1 MiB heads: peak RSS +{peak_growth} KiB")
        assert peak_growth < 30 * 1024
    finally:
        for sock in sockets:
            sock.close()


# --- deadlines ----------------------------------------------------------------------------


def test_a_head_that_does_not_arrive_in_time_is_408_and_closed(impatient: ServerProcess) -> None:
    with connect(impatient) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n")  # no blank line
        ending = until_closed(sock)
    assert ending.status == 408


def test_trickling_a_head_byte_by_byte_does_not_keep_it_open(impatient: ServerProcess) -> None:
    trickle = iter(b"X-Slow: " + b"a" * 10_000)
    with connect(impatient) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n")
        # One byte each time the server stays silent for 0.2 s: a slowloris client.
        deadline = time.monotonic() + PATIENCE
        while not select.select([sock], [], [], 0.2)[0] and time.monotonic() < deadline:
            sock.sendall(bytes([next(trickle)]))
        assert until_closed(sock).status == 408


def test_a_connection_that_says_nothing_is_closed(impatient: ServerProcess) -> None:
    with connect(impatient) as sock:
        assert until_closed(sock).data == b""


def test_an_idle_keep_alive_connection_is_closed(impatient: ServerProcess) -> None:
    with connect(impatient) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert one_response(sock)[0] == 200
        assert until_closed(sock).data == b""


def test_a_body_that_stops_arriving_is_closed(impatient: ServerProcess) -> None:
    with connect(impatient) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{}")
        until_closed(sock)


# --- many connections ---------------------------------------------------------------------


def _enough_open_files(count: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < count + 256:
        if hard != resource.RLIM_INFINITY and hard < count + 256:
            pytest.skip(f"{count} sockets need more open files than the limit {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (count + 256, hard))


@pytest.fixture(scope="module")
def slowloris(patient: ServerProcess) -> Iterator[list[socket.socket]]:
    """1,000 connections, each in the middle of a header it never finishes."""
    _enough_open_files(SLOWLORIS + 100)
    pid = patient.process.pid
    assert request(patient, get(b"/health")).status == 200
    before = resident_kib(pid)
    sockets = []
    try:
        for n in range(SLOWLORIS):
            sock = connect(patient)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow-%d: a" % n)
            sockets.append(sock)
        # Answered on a connection made after them all: the server has taken every one.
        assert request(patient, get(b"/health")).status == 200
        after = resident_kib(pid)
        print(f"{SLOWLORIS} slowloris connections: RSS {before} KiB -> {after} KiB")
        assert after - before < 30 * 1024
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def test_1000_slow_connections_leave_the_server_answering(
    patient: ServerProcess, slowloris: list[socket.socket]
) -> None:
    session = requests.Session()
    session.trust_env = False
    assert session.get(patient.endpoint + "/health", timeout=PATIENCE).status_code == 200
    session.close()
    assert "TableNames" in client(patient, "dynamodb").list_tables()
    for sock in slowloris[:10]:  # still open: the read timeout is long here
        sock.setblocking(False)
        with pytest.raises(BlockingIOError):
            sock.recv(1)
        sock.setblocking(True)


def test_connections_beyond_the_cap_are_503_and_closed(
    patient: ServerProcess, slowloris: list[socket.socket]
) -> None:
    extra: list[socket.socket] = []
    refused: list[int | None] = []
    try:
        while not refused and len(extra) < DEFAULT_MAX_CONNECTIONS - SLOWLORIS + 50:
            sock = connect(patient)
            extra.append(sock)
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            status = _first_status(sock)
            if status != 200:  # under the cap a connection is served and kept open
                refused.append(status)
                until_closed(sock)
        assert refused == [503] or refused == [None], refused  # None: lost to the reset
        assert len(extra) <= DEFAULT_MAX_CONNECTIONS - SLOWLORIS + 1
    finally:
        for sock in extra:
            sock.close()
    assert _health_once_the_server_catches_up(patient) == 200


def _first_status(sock: socket.socket) -> int | None:
    """The status of the first response on `sock`; None if the server reset it."""
    try:
        return one_response(sock)[0]
    except ConnectionResetError:
        return None


def _health_once_the_server_catches_up(server: ServerProcess) -> int | None:
    """GET /health until it is not refused (the server has seen the closes), within the
    usual patience."""
    status = None
    deadline = time.monotonic() + PATIENCE
    while status != 200 and time.monotonic() < deadline:
        status = request(server, get(b"/health")).status
    return status
