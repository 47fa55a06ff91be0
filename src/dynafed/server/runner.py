"""Runs the app under uvicorn on a socket bound beforehand (so `--port 0` works, and a port
in use is reported before anything is written: server/preflight.py).

Ctrl-C and SIGTERM stop the server cleanly: it stops accepting, finishes the requests in
flight, closes the storage and exits with status 0 (uvicorn would re-raise the signal
afterwards, which ends the process with a traceback and status 130 or 143)."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import resource
import shlex
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import FrameType

import uvicorn

from dynafed import metrics
from dynafed.auth.authenticator import AdminCredentials
from dynafed.server.admin_credentials import ENVIRONMENT, SECRET_KEY_ENV
from dynafed.server.app import DynafedApp
from dynafed.server.compose import build_app, storage_url
from dynafed.server.forwarded import TrustedProxies
from dynafed.server.http_connection import HttpConnection
from dynafed.server.http_limits import HttpLimits
from dynafed.server.settings import Settings
from dynafed.server.workers import run_workers
from dynafed.storage.factory import prepare_for_processes
from dynafed.userpool.api.delivery import OUTBOX_LOGGER

ANY_KEY_WARNING = (
    "WARNING: --any-key: every request signed with any access key and any signature is "
    "the admin (allowed everything). For test suites on this machine only."
)
STOPPING_LINE = "dynafed stopping: finishing the requests in flight"


class Stopped(Exception):
    """SIGTERM arrived before the server was serving: it stops without serving."""


def _stop_while_starting(signum: int, _frame: FrameType | None) -> None:
    raise Stopped


def _client_command(name: str) -> str:
    """`name` as the banner should print it: the copy beside this interpreter (a
    virtualenv's `bin/`) when there is one, so the line runs as printed."""
    beside = Path(sys.executable).parent / name
    return shlex.quote(str(beside)) if beside.is_file() else name


def banner(settings: Settings, endpoint: str, admin: AdminCredentials, source: str) -> str:
    # A secret from the environment is the operator's own: never echo it into logs. One
    # the server generated is shown, since nobody else knows it.
    if source == ENVIRONMENT:
        secret_line = f"admin secret: from ${SECRET_KEY_ENV}"
        secret_value = f'"${SECRET_KEY_ENV}"'
    else:
        secret_line = f"admin secret: {admin.secret_access_key}   (from {source})"
        secret_value = f"'{admin.secret_access_key}'"
    aws, python = _client_command("aws"), shlex.quote(sys.executable)
    any_key = f"\n  {ANY_KEY_WARNING}\n" if admin.any_key else ""
    return f"""dynafed listening on {endpoint}
  storage:    {storage_url(settings)}
  region:     {settings.region}   account: {settings.account_id}
  workers:    {settings.workers}
  admin key:  {admin.access_key_id}
  {secret_line}

  export AWS_ENDPOINT_URL={endpoint} \\
         AWS_REGION={settings.region} AWS_DEFAULT_REGION={settings.region} \\
         AWS_ACCESS_KEY_ID={admin.access_key_id} AWS_SECRET_ACCESS_KEY={secret_value}
  {aws} dynamodb list-tables
  {python} -c "import boto3; print(boto3.client('dynamodb').list_tables())"
{any_key}"""


def _show_outbox() -> None:
    """The user pools' outbox (confirmation and reset codes) as lines on standard output:
    the server's log is where a developer looks for a code first."""
    outbox = logging.getLogger(OUTBOX_LOGGER)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    outbox.addHandler(handler)
    outbox.setLevel(logging.INFO)
    outbox.propagate = False


def serve(settings: Settings, admin: AdminCredentials, source: str, sock: socket.socket) -> None:
    """Serve on `sock` (bound by server.preflight) until Ctrl-C or SIGTERM."""
    signal.signal(signal.SIGTERM, _stop_while_starting)
    _show_outbox()
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host
    endpoint = f"http://{shown_host}:{port}"
    if settings.public_url is None:  # now that `--port 0` has become a real port
        settings = replace(settings, public_url=endpoint)
    if settings.workers > 1:
        # The workers build their apps after the fork: no thread may exist before it.
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        prepare_for_processes(storage_url(settings))
        print(banner(settings, endpoint, admin, source), flush=True)
        with _metrics_shared_by_workers():
            run_workers(
                settings.workers,
                lambda: _serve_on(sock, build_app(settings, admin), settings, True),
                on_exit=metrics.process_exited,
            )
        return
    app = build_app(settings, admin)
    print(banner(settings, endpoint, admin, source), flush=True)
    _serve_on(sock, app, settings)


@contextlib.contextmanager
def _metrics_shared_by_workers() -> Iterator[None]:
    """The workers keep their metrics in files of one directory, and `/metrics` on any of
    them sums all (prometheus-client's multiprocess mode): a fresh temporary directory,
    removed at the end, unless the environment names one (`PROMETHEUS_MULTIPROC_DIR`)."""
    given = os.environ.get(metrics.MULTIPROCESS_DIRECTORY)
    directory = Path(given) if given else Path(tempfile.mkdtemp(prefix="dynafed-metrics-"))
    metrics.use_multiprocess_mode(directory)
    try:
        yield
    finally:
        if not given:
            shutil.rmtree(directory, ignore_errors=True)


class _Server(uvicorn.Server):
    """uvicorn's server, stopping for good on Ctrl-C/SIGTERM: it says so, and does not
    re-raise the signal once it has stopped (uvicorn does, to end the process)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self._stop) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: FrameType | None) -> None:
        if not self.should_exit:
            # os.write, not print: the handler may interrupt a print of the main thread.
            with contextlib.suppress(OSError):
                os.write(sys.stdout.fileno(), f"{STOPPING_LINE}\n".encode())
        self.handle_exit(sig, frame)


class _AnnouncingServer(_Server):
    """Says when this worker process accepts connections (the banner is printed once)."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        # One write of the whole line: workers share the terminal, and print's separate
        # write of the newline let two workers' lines run together.
        sys.stdout.flush()
        os.write(sys.stdout.fileno(), f"dynafed worker {os.getpid()} serving\n".encode())


def _serve_on(
    sock: socket.socket, app: DynafedApp, settings: Settings, is_worker: bool = False
) -> None:
    # Everything built so far (modules, the app, its caches) lives as long as the server:
    # move it out of the collector's generations so a full collection never walks it again.
    gc.collect()
    gc.freeze()
    _allow_open_files(settings.max_connections)
    config = uvicorn_config(app, settings)
    # On SIGINT/SIGTERM uvicorn stops accepting, finishes in-flight requests, then runs
    # lifespan shutdown, which drains the storage writer. Every acknowledged write was
    # committed before its response was sent.
    server = _AnnouncingServer(config) if is_worker else _Server(config)
    server.run(sockets=[sock])


def uvicorn_config(app: DynafedApp, settings: Settings) -> uvicorn.Config:
    """uvicorn running the server around our own HTTP protocol (server/http_connection.py)
    and the edge's limits (server/http_limits.py); the same in every `--workers` process."""
    limits = HttpLimits(
        max_request_line_bytes=settings.max_request_line_bytes,
        max_header_bytes=settings.max_header_bytes,
        max_head_bytes=settings.max_head_bytes,
        read_timeout=settings.read_timeout,
        max_connections=settings.max_connections,
    )
    # Forwarded headers are believed only from the proxies named in the settings
    # (server/forwarded.py); uvicorn's own middleware, which would believe 127.0.0.1, is off.
    proxies = TrustedProxies(settings.trusted_proxies)
    return uvicorn.Config(
        app,
        loop="uvloop",
        http=HttpConnection.serving(app, limits, proxies),
        lifespan="on",
        access_log=False,
        log_level="warning",
        timeout_keep_alive=settings.keep_alive_timeout,
        proxy_headers=False,
    )


def _allow_open_files(connections: int) -> None:
    """Raise this process's open-file limit so `connections` sockets fit, if allowed."""
    wanted = connections + 256  # storage files, the listening socket, a margin
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
