"""A TCP proxy in front of PostgreSQL that a test can freeze or make cut a connection.

- `freeze()`: stop forwarding in both directions without closing anything, as a database
  that hangs (or a path that swallows packets) looks to its clients; `thaw()` resumes,
  and what was held is delivered.
- `cut_at(marker, deliver=…)`: the next time a client sends bytes containing `marker`,
  lose that connection. `deliver=True`: the bytes reach the server and its answer is
  dropped (the server did the work, the client never hears of it); `deliver=False`: the
  bytes are dropped too.
- `freeze_at(marker)`: the next time a client sends bytes containing `marker`, freeze
  before forwarding them (a database that stops answering at that very moment).

One thread accepts; each connection has one thread per direction.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class _Cut:
    marker: bytes
    deliver: bool
    freeze: bool = False


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self._lock = threading.Lock()
        self._cut: _Cut | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._closed = False
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def url_for(self, url: str) -> str:
        """`url` (a PostgreSQL URL to the proxied server) with this proxy as its address."""
        target = urlsplit(url)
        return target._replace(
            netloc=f"{target.username or 'postgres'}@127.0.0.1:{self.port}"
        ).geturl()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def cut_at(self, marker: bytes, *, deliver: bool) -> None:
        with self._lock:
            self._cut = _Cut(marker, deliver)

    def freeze_at(self, marker: bytes) -> None:
        with self._lock:
            self._cut = _Cut(marker, deliver=True, freeze=True)

    def close(self) -> None:
        self._closed = True
        self._flowing.set()
        with suppress(OSError):
            self._listener.close()
        with self._lock:
            for pair in self._pairs:
                _close(*pair)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self._target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            swallow = threading.Event()  # set: drop the server's next answer, then cut
            threading.Thread(
                target=self._upstream, args=(client, server, swallow), daemon=True
            ).start()
            threading.Thread(
                target=self._downstream, args=(server, client, swallow), daemon=True
            ).start()

    def _upstream(
        self, client: socket.socket, server: socket.socket, swallow: threading.Event
    ) -> None:
        with suppress(OSError):
            while chunk := client.recv(65536):
                self._flowing.wait()
                cut = self._take_cut(chunk)
                if cut is not None and cut.freeze:
                    self.freeze()
                    self._flowing.wait()
                    cut = None
                if cut is not None and not cut.deliver:
                    break
                if cut is not None:
                    swallow.set()  # before sending: the answer may come back at once
                server.sendall(chunk)
        _close(client, server)

    def _downstream(
        self, server: socket.socket, client: socket.socket, swallow: threading.Event
    ) -> None:
        with suppress(OSError):
            while chunk := server.recv(65536):
                self._flowing.wait()
                if swallow.is_set():
                    break
                client.sendall(chunk)
        _close(client, server)

    def _take_cut(self, chunk: bytes) -> _Cut | None:
        with self._lock:
            cut = self._cut
            if cut is None or cut.marker not in chunk:
                return None
            self._cut = None
            self.cuts += 1
            return cut


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with suppress(OSError):
            sock.close()


@contextmanager
def tcp_proxy(target_host: str = "127.0.0.1", target_port: int = 5432) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target_host, target_port)
    try:
        yield proxy
    finally:
        proxy.close()
