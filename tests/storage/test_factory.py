"""open_storage: which backend a --storage / --data-dir string selects."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from dynafed.storage.factory import open_storage, split_postgres_url
from dynafed.storage.memory import MemoryStorage
from dynafed.storage.postgres import PostgresStorage
from dynafed.storage.postgres_timeouts import LIBPQ_DEFAULTS, with_libpq_defaults
from dynafed.storage.sqlite import SqliteStorage

POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)  # as in conftest.py


def test_memory_url() -> None:
    storage = open_storage("memory://")
    assert isinstance(storage, MemoryStorage)
    storage.close()


def test_sqlite_url_names_the_file(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite://{tmp_path}/x.db")
    assert isinstance(storage, SqliteStorage)
    assert storage.path == tmp_path / "x.db"
    storage.close()
    assert (tmp_path / "x.db").is_file()


def test_sqlalchemy_style_absolute_sqlite_url(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite:///{tmp_path}/x.db")  # four slashes: sqlite:// + /abs
    assert isinstance(storage, SqliteStorage)
    assert storage.path == tmp_path / "x.db"
    storage.close()


def test_relative_sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    storage = open_storage("sqlite://rel.db")
    assert isinstance(storage, SqliteStorage)
    storage.close()
    assert (tmp_path / "rel.db").is_file()


def test_sqlite_url_of_a_directory_uses_a_file_inside(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite://{tmp_path}")
    assert isinstance(storage, SqliteStorage)
    assert storage.path == tmp_path / "dynafed.sqlite3"
    storage.close()


def test_plain_path_is_a_data_directory_created_on_demand(tmp_path: Path) -> None:
    data_dir = tmp_path / "a" / "b"
    storage = open_storage(str(data_dir))
    assert isinstance(storage, SqliteStorage)
    assert storage.path == data_dir / "dynafed.sqlite3"
    storage.close()


@pytest.mark.parametrize("bad", ["mysql://x/y", "sqlite://"])
def test_unsupported_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        open_storage(bad)


def test_postgres_url_options_are_dynafeds_and_the_rest_is_libpq() -> None:
    url = "postgresql://u@h:5/db?sslmode=disable&schema=s1&isolation=serializable&pool_max_size=9"
    conninfo, options = split_postgres_url(url)
    assert conninfo == "postgresql://u@h:5/db?sslmode=disable"
    assert options == {"schema": "s1", "isolation": "serializable", "max_size": 9}
    assert split_postgres_url("postgres://h/db") == ("postgres://h/db", {"schema": "dynafed"})
    with pytest.raises(ValueError):
        split_postgres_url("postgresql://h/db?isolation=optimistic")


def test_postgres_timeouts_are_seconds_above_zero() -> None:
    url = "postgresql://h/db?statement_timeout=2.5&pool_timeout=1&idle_in_transaction_timeout=60"
    conninfo, options = split_postgres_url(url)
    assert conninfo == "postgresql://h/db"
    assert options["statement_timeout"] == 2.5
    assert options["pool_timeout"] == 1.0
    assert options["idle_in_transaction_timeout"] == 60.0
    for bad in ("0", "-1", "abc", "nan", "inf"):
        with pytest.raises(ValueError, match="statement_timeout"):
            split_postgres_url(f"postgresql://h/db?statement_timeout={bad}")


def test_libpq_timeouts_and_keepalives_are_set_unless_the_url_sets_them() -> None:
    opened = conninfo_to_dict(with_libpq_defaults("postgresql://u@h/db?connect_timeout=20"))
    assert opened["connect_timeout"] == "20"  # the URL's own value wins
    assert opened["keepalives"] == "1"
    assert opened["keepalives_idle"] == LIBPQ_DEFAULTS["keepalives_idle"]
    assert opened["tcp_user_timeout"] == LIBPQ_DEFAULTS["tcp_user_timeout"]
    assert opened["host"] == "h" and opened["dbname"] == "db"


def test_postgres_url_opens_postgres_in_the_named_schema() -> None:
    schema = f"dynafed_test_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        storage = open_storage(f"{POSTGRES_URL}?schema={schema}&pool_min_size=1&pool_max_size=2")
        assert isinstance(storage, PostgresStorage)
        storage.write(lambda txn: txn.put_document("k", "n", {"v": 1}))
        storage.close()
        with psycopg.connect(POSTGRES_URL) as conn:
            rows = conn.execute(
                f'SELECT name FROM "{schema}".documents WHERE kind = %s', ("k",)
            ).fetchall()
        assert rows == [("n",)]
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
