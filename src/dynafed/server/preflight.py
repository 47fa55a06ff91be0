"""Start-up checks of `dynafed serve` that run before anything is written to disk.

Each mistake an operator can make on the command line (a port in use or out of range, a
host that is not this machine's, a data directory that is a file or not writable, a storage
URL that is unsupported, malformed or names an unreachable PostgreSQL database) is found
here, before the data directory is created or the admin credentials are generated, and
reported as one `StartupError` line that names the problem and the fix.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from pathlib import Path

from dynafed.storage.factory import split_postgres_url, sqlite_file_of

POSTGRES_CONNECT_TIMEOUT_SECONDS = 5
_SCHEMES = ("sqlite://", "postgresql://", "postgres://", "memory://")


class StartupError(Exception):
    """A mistake in how the server was started: one line, the problem and the fix."""


def check_port(port: int) -> None:
    if not 0 <= port <= 65535:
        raise StartupError(f"--port {port} is out of range: use 1-65535, or 0 to pick a free port")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """The listening socket (inheritable, for `--workers`), or a StartupError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        raise StartupError(_bind_problem(host, port, error)) from None
    sock.set_inheritable(True)
    return sock


def _bind_problem(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use: stop the program using it, or choose "
            f"another with --port (--port 0 picks a free one)"
        )
    if error.errno == errno.EACCES:
        return f"port {port} needs privileges to listen on: choose --port 1024 or above"
    if isinstance(error, socket.gaierror):
        return (
            f"--host {host} is not an IP address or a known host name: use --host 127.0.0.1 "
            f"(this machine only) or --host 0.0.0.0 (every interface)"
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return (
            f"--host {host} is not an address of this machine: use --host 127.0.0.1 "
            f"(this machine only) or --host 0.0.0.0 (every interface)"
        )
    return f"cannot listen on {host} port {port} ({error.strerror}): check --host and --port"


def check_data_dir(data_dir: Path, option: str = "--data-dir") -> None:
    """`data_dir` is, or can be created as, a directory this user may write into."""
    if data_dir.exists():
        if not data_dir.is_dir():
            raise StartupError(f"{option} {data_dir} is a file: point {option} at a directory")
        if _read_only_file_system(data_dir):
            raise StartupError(
                f"{option} {data_dir} is on a read-only file system: remount it read-write "
                f"or choose another {option}"
            )
        if not os.access(data_dir, os.W_OK | os.X_OK):
            raise StartupError(
                f"{option} {data_dir} is not writable by this user: fix its permissions or "
                f"choose another {option}"
            )
        return
    parent = _nearest_existing(data_dir)
    if not parent.is_dir():
        raise StartupError(
            f"{option} {data_dir} cannot be created: {parent} is a file; choose another {option}"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StartupError(
            f"{option} {data_dir} cannot be created: {parent} is not writable by this user; "
            f"fix its permissions or choose another {option}"
        )


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _nearest_existing(path: Path) -> Path:
    for candidate in (path.absolute(), *path.absolute().parents):
        if candidate.exists():
            return candidate
    return Path("/")


def check_storage(url: str) -> None:
    """A storage URL dynafed supports, well formed, and (PostgreSQL) reachable."""
    if "://" in url and not url.startswith(_SCHEMES):
        scheme = url.split("://", 1)[0]
        raise StartupError(
            f"--storage {scheme}:// is not a supported storage URL: use sqlite:///path, "
            f"postgresql://user@host/database or memory://"
        )
    if url.startswith(("postgresql://", "postgres://")):
        _check_postgres(url)
    elif url.startswith("sqlite://"):
        try:
            file = sqlite_file_of(url)
        except ValueError as error:
            raise StartupError(f"--storage {url}: {error}") from None
        if file is not None:
            _check_sqlite_file(file)
    elif "://" not in url:  # a directory holding dynafed.sqlite3
        check_data_dir(Path(url), option="--storage")


def _check_sqlite_file(file: Path) -> None:
    if file.exists():
        if not os.access(file, os.R_OK | os.W_OK):
            raise StartupError(
                f"--storage {file} is not writable by this user: fix its permissions or "
                f"choose another file"
            )
        return
    check_data_dir(file.parent, option="--storage directory")


def _check_postgres(url: str) -> None:
    # Imported here: psycopg is a tenth of a second of every SQLite server's start.
    import psycopg

    from dynafed.storage.postgres_schema import isolation_mismatch, recorded_isolation

    try:
        conninfo, _options = split_postgres_url(url)
    except ValueError as error:
        raise StartupError(
            f"--storage has a bad parameter ({error}): see docs/reference/settings.md#storage-urls"
        ) from None
    try:
        with psycopg.connect(
            conninfo, connect_timeout=POSTGRES_CONNECT_TIMEOUT_SECONDS, autocommit=True
        ) as conn:
            recorded = recorded_isolation(conn, _options["schema"])
    except psycopg.ProgrammingError as error:  # libpq refused the URL itself
        raise StartupError(
            f"--storage is not a valid PostgreSQL URL ({_first_line(error)}): fix --storage"
        ) from None
    except psycopg.Error as error:
        raise StartupError(
            f"cannot use PostgreSQL at {_where(conninfo)} ({_first_line(error)}): start the "
            f"server, create the database (createdb) or fix --storage"
        ) from None
    asked = _options.get("isolation", "locks")
    if recorded is not None and recorded != asked:
        raise StartupError(isolation_mismatch(_options["schema"], recorded, asked))


def _where(conninfo: str) -> str:
    """host:port/database of a URL, without its password."""
    import psycopg

    try:
        info = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.Error:
        return "--storage"
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    return f"{host}:{port}/{info.get('dbname') or info.get('user') or ''}"


def _first_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    # libpq puts "connection to server at "...", port N failed: FATAL:" before the reason.
    reason = text.rsplit(" failed: ", 1)[-1]
    return " ".join(reason.removeprefix("FATAL:").split())
