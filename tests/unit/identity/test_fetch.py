"""UrllibFetcher against a throwaway HTTP server on loopback (no network leaves the host)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dynafed.identity.fetch import FetchFailed, UrllibFetcher


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/jwks": (200, {"Cache-Control": "max-age=60"}, b'{"keys": []}'),
            "/missing": (404, {}, b"nope"),
            "/redirect": (302, {"Location": "http://example.com/jwks"}, b""),
            "/big": (200, {}, b"x" * 5000),
        }
        status, headers, body = routes.get(self.path, (500, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_get_returns_status_lowercased_headers_and_body(base_url: str) -> None:
    status, headers, body = UrllibFetcher()(base_url + "/jwks")
    assert (status, headers["cache-control"], body) == (200, "max-age=60", b'{"keys": []}')


def test_error_statuses_are_answers_not_failures(base_url: str) -> None:
    assert UrllibFetcher()(base_url + "/missing")[0] == 404


def test_redirects_are_not_followed(base_url: str) -> None:
    assert UrllibFetcher()(base_url + "/redirect")[0] == 302


def test_bodies_are_read_up_to_one_byte_past_the_limit(base_url: str) -> None:
    assert len(UrllibFetcher(max_bytes=100)(base_url + "/big")[2]) == 101


@pytest.mark.parametrize("url", ["http://example.com/jwks", "ftp://127.0.0.1/x", "file:///etc/x"])
def test_refused_urls_never_reach_the_network(url: str) -> None:
    with pytest.raises(FetchFailed, match="refusing"):
        UrllibFetcher()(url)


def test_loopback_http_can_be_switched_off(base_url: str) -> None:
    with pytest.raises(FetchFailed):
        UrllibFetcher(allow_loopback_http=False)(base_url + "/jwks")


def test_connection_refused_is_a_fetch_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchFailed):
        UrllibFetcher(timeout=1.0)(f"http://127.0.0.1:{port}/jwks")


def test_a_silent_server_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with pytest.raises(FetchFailed):
            UrllibFetcher(timeout=0.2)(f"http://127.0.0.1:{port}/jwks")
