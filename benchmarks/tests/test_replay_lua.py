"""replay.lua, run by the real wrk: raw latency and every status accounted for."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from loadbench.wrk_runner import REPLAY_LUA, run_wrk, write_requests_file, wrk_path

TESTS = Path(__file__).resolve().parent


@pytest.fixture(autouse=True, scope="module")
def _wrk_is_installed() -> None:
    # scripts/ensure-test-services.sh installs it; missing, these tests fail rather than skip.
    assert wrk_path() is not None, "wrk is not installed (scripts/ensure-test-services.sh)"


def test_undoes_wrks_latency_correction_exactly() -> None:
    # The check itself runs inside wrk's LuaJIT (see uncorrect_test.lua); it exits before
    # connecting anywhere.
    done = subprocess.run(
        ["wrk", "-s", str(TESTS / "uncorrect_test.lua"), "http://127.0.0.1:9"],
        env={**os.environ, "REPLAY_LUA": str(REPLAY_LUA)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS 500 histograms" in done.stdout


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 400 if b"bad" in body else 200
        reply = b'{"__type":"x#ValidationException","message":"bad"}' if status == 400 else b"{}"
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _request(host: str, body: bytes) -> bytes:
    head = f"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def test_counts_every_status_and_keeps_error_samples(endpoint: str, tmp_path: Path) -> None:
    host = endpoint.removeprefix("http://")
    raws = [_request(host, b'{"bad":1}' if i % 4 == 0 else b"{}") for i in range(8)]
    requests_file = tmp_path / "requests.bin"
    write_requests_file(raws, requests_file)

    measured = run_wrk(endpoint, requests_file, connections=1, duration_s=1, cpus=None)

    assert measured.requests > 8
    assert sum(measured.status.values()) == measured.requests
    assert measured.non2xx == measured.status.get("400", 0)
    # One request in four is refused, whatever the count reached in one second.
    assert abs(measured.non2xx - measured.requests / 4) <= 1
    assert any("ValidationException" in sample for sample in measured.error_samples)
    assert measured.latency_kind == "raw"
    assert measured.latency_samples == measured.requests
    assert 0 < measured.p50_ms <= measured.p90_ms <= measured.p99_ms <= measured.max_ms
