"""Runs the app under uvicorn on a socket we bind ourselves (so `--port 0` works)."""

from __future__ import annotations

import gc
import os
import resource
import socket
from dataclasses import replace

import uvicorn

from dynafed.auth.authenticator import AdminCredentials
from dynafed.server.admin_credentials import ENVIRONMENT, SECRET_KEY_ENV
from dynafed.server.app import DynafedApp
from dynafed.server.http_limits import HttpLimits, LimitedHttpToolsProtocol
from dynafed.server.settings import Settings
from dynafed.server.wiring import build_app, storage_url
from dynafed.server.workers import run_workers
from dynafed.storage.factory import prepare_for_processes


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def banner(settings: Settings, endpoint: str, admin: AdminCredentials, source: str) -> str:
    # A secret from the environment is the operator's own: never echo it into logs. One
    # the server generated is shown, since nobody else knows it.
    if source == ENVIRONMENT:
        secret_line = f"admin secret: from ${SECRET_KEY_ENV}"
        secret_value = f'"${SECRET_KEY_ENV}"'
    else:
        secret_line = f"admin secret: {admin.secret_access_key}   (from {source})"
        secret_value = f"'{admin.secret_access_key}'"
    return f"""dynafed listening on {endpoint}
  storage:    {storage_url(settings)}
  region:     {settings.region}   account: {settings.account_id}
  admin key:  {admin.access_key_id}
  {secret_line}

  export AWS_ENDPOINT_URL={endpoint} \\
         AWS_REGION={settings.region} AWS_DEFAULT_REGION={settings.region} \\
         AWS_ACCESS_KEY_ID={admin.access_key_id} AWS_SECRET_ACCESS_KEY={secret_value}
  aws dynamodb list-tables
  python -c "import boto3; print(boto3.client('dynamodb').list_tables())"
"""


def serve(settings: Settings, admin: AdminCredentials, source: str) -> None:
    sock = bind(settings.host, settings.port)
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
        run_workers(
            settings.workers, lambda: _serve_on(sock, build_app(settings, admin), settings, True)
        )
        return
    app = build_app(settings, admin)
    print(banner(settings, endpoint, admin, source), flush=True)
    _serve_on(sock, app, settings)


class _AnnouncingServer(uvicorn.Server):
    """Says when this worker process accepts connections (the banner is printed once)."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        print(f"dynafed worker {os.getpid()} serving", flush=True)


def _serve_on(
    sock: socket.socket, app: DynafedApp, settings: Settings, is_worker: bool = False
) -> None:
    # Everything built so far (modules, the app, its caches) lives as long as the server:
    # move it out of the collector's generations so a full collection never walks it again.
    gc.collect()
    gc.freeze()
    _allow_open_files(settings.max_connections)
    config = uvicorn_config(app, settings)
    # uvicorn handles SIGINT/SIGTERM: it stops accepting, finishes in-flight requests, then
    # runs lifespan shutdown, which drains the storage writer. Every acknowledged write was
    # committed before its response was sent.
    server = _AnnouncingServer(config) if is_worker else uvicorn.Server(config)
    server.run(sockets=[sock])


def uvicorn_config(app: DynafedApp, settings: Settings) -> uvicorn.Config:
    """uvicorn with httptools, one send() per response and the edge's limits
    (server/http_limits.py); the same in every `--workers` process."""
    trusted = list(settings.trusted_proxies)
    limits = HttpLimits(
        max_request_line_bytes=settings.max_request_line_bytes,
        max_header_bytes=settings.max_header_bytes,
        max_head_bytes=settings.max_head_bytes,
        read_timeout=settings.read_timeout,
        max_connections=settings.max_connections,
    )
    return uvicorn.Config(
        app,
        loop="uvloop",
        http=LimitedHttpToolsProtocol.with_limits(limits),
        lifespan="on",
        access_log=False,
        log_level="warning",
        timeout_keep_alive=settings.keep_alive_timeout,
        # uvicorn would believe X-Forwarded-For/-Proto from 127.0.0.1 (or
        # $FORWARDED_ALLOW_IPS): any local process could then claim any aws:SourceIp and
        # aws:SecureTransport. Only the proxies named in the settings are believed.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,
    )


def _allow_open_files(connections: int) -> None:
    """Raise this process's open-file limit so `connections` sockets fit, if allowed."""
    wanted = connections + 256  # storage files, the listening socket, a margin
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
