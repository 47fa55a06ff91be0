"""`open_storage`: one string (the `--storage` / `--data-dir` value) → a storage backend.

- `memory://` → `MemoryStorage` (nothing persists).
- `sqlite://<file>` → `SqliteStorage` on that file: `sqlite:///var/lib/dynafed.db` (and
  SQLAlchemy's spelling `sqlite:////var/lib/dynafed.db`) is an absolute path,
  `sqlite://data/dynafed.db` a relative one. An existing directory means the file
  `dynafed.sqlite3` inside it.
- `postgresql://…` or `postgres://…` → `PostgresStorage`. The URL is libpq's; dynafed's own
  settings ride in its query string and are removed before connecting: `schema` (default
  `dynafed`), `isolation` (`locks` or `serializable`), `pool_min_size`, `pool_max_size`,
  and the timeouts in seconds `statement_timeout`, `idle_in_transaction_timeout`,
  `pool_timeout` (storage/postgres_timeouts.py).
- anything else is a data directory (created when missing) holding `dynafed.sqlite3`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dynafed.storage.memory import MemoryStorage
from dynafed.storage.port import Storage
from dynafed.storage.sqlite import SqliteStorage
from dynafed.storage.sqlite_schema import prepare_sqlite_file

SQLITE_FILE_NAME = "dynafed.sqlite3"
DEFAULT_POSTGRES_SCHEMA = "dynafed"

_POSTGRES_OPTIONS = {
    "schema",
    "isolation",
    "pool_min_size",
    "pool_max_size",
    "statement_timeout",
    "idle_in_transaction_timeout",
    "pool_timeout",
}
_POSTGRES_SECONDS = ("statement_timeout", "idle_in_transaction_timeout", "pool_timeout")


def open_storage(url_or_path: str) -> Storage:
    if url_or_path == "memory://":
        return MemoryStorage()
    if url_or_path.startswith("sqlite://"):
        return SqliteStorage(_sqlite_file(url_or_path.removeprefix("sqlite://")))
    if url_or_path.startswith(("postgresql://", "postgres://")):
        # Imported here: psycopg is a tenth of a second of every SQLite server's start.
        from dynafed.storage.postgres import PostgresStorage

        conninfo, options = split_postgres_url(url_or_path)
        return PostgresStorage(conninfo, **options)
    if "://" in url_or_path:
        raise ValueError(f"unsupported storage URL: {url_or_path.split('://')[0]}://")
    data_dir = Path(url_or_path)
    data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteStorage(data_dir / SQLITE_FILE_NAME)


def prepare_for_processes(url_or_path: str) -> None:
    """Ready the storage for several processes opening it at once (`serve --workers`).

    Runs in the parent before it forks, so without threads. A new SQLite file is created,
    switched to WAL and migrated here: two workers doing it at the same moment would race
    for the lock the journal-mode switch takes, which SQLite does not wait for. PostgreSQL
    needs nothing (its nodes already start side by side); memory storage cannot be shared.
    """
    if url_or_path == "memory://":
        raise ValueError("memory:// storage lives in one process; use --workers 1")
    if url_or_path.startswith(("postgresql://", "postgres://")):
        return
    if url_or_path.startswith("sqlite://"):
        path = _sqlite_file(url_or_path.removeprefix("sqlite://"))
    else:
        data_dir = Path(url_or_path)
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / SQLITE_FILE_NAME
    prepare_sqlite_file(path)


def sqlite_file_of(url: str) -> Path | None:
    """The SQLite database file a storage URL names, or None for other backends."""
    if not url.startswith("sqlite://"):
        return None
    return _sqlite_file(url.removeprefix("sqlite://"))


def _sqlite_file(path: str) -> Path:
    if not path:
        raise ValueError("sqlite:// needs a file path, e.g. sqlite:///var/lib/dynafed.db")
    file = Path("/" + path.lstrip("/")) if path.startswith("/") else Path(path)
    return file / SQLITE_FILE_NAME if file.is_dir() else file


def split_postgres_url(url: str) -> tuple[str, dict[str, Any]]:
    """(URL for libpq, PostgresStorage keyword options) from a `postgresql://` URL."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = {k: v for k, v in query if k in _POSTGRES_OPTIONS}
    libpq = [(k, v) for k, v in query if k not in _POSTGRES_OPTIONS]
    options: dict[str, Any] = {"schema": ours.get("schema", DEFAULT_POSTGRES_SCHEMA)}
    if "isolation" in ours:
        if ours["isolation"] not in ("locks", "serializable"):
            raise ValueError("isolation must be 'locks' or 'serializable'")
        options["isolation"] = ours["isolation"]
    for key, option in (("pool_min_size", "min_size"), ("pool_max_size", "max_size")):
        if key in ours:
            if not ours[key].isdigit():
                raise ValueError(f"{key} must be a whole number, not {ours[key]!r}")
            options[option] = int(ours[key])
    for key in _POSTGRES_SECONDS:
        if key in ours:
            options[key] = _seconds(key, ours[key])
    return urlunsplit(parts._replace(query=urlencode(libpq))), options


def _seconds(key: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 86400:  # also refuses nan and inf
        raise ValueError(f"{key} must be a number of seconds above 0, not {text!r}")
    return value
