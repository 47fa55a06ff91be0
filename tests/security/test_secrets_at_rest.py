"""What `dynafed serve` leaves on disk and prints is its owner's alone.

Attacks 6-7 of the outside review: the database and its WAL (session keyring, signing keys,
password hashes) were readable by every local user, and the admin secret was printed on
every start, even when the operator had given it in the environment."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.support import server_process
from tests.support.clients import client
from tests.support.server_process import ADMIN_SECRET_KEY, running_server

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        server_process.test_storage() != "sqlite", reason="checks the SQLite files on disk"
    ),
]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _everything_in(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*"))


def test_a_new_data_directory_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    audit = data / "audit.jsonl"
    old_umask = os.umask(0o022)  # the usual default: what the server must not rely on
    try:
        with running_server(data, "--audit-log", str(audit)) as server:
            client(server, "dynamodb").list_tables()
            client(server, "iam").list_roles()
            files = _everything_in(data)
            names = {path.name for path in files}
            assert {"dynafed.sqlite3", "dynafed.sqlite3-wal", "audit.jsonl"} <= names, names
            assert _mode(data) == 0o700
            exposed = {str(path): oct(_mode(path)) for path in files if _mode(path) & 0o077}
            assert exposed == {}
    finally:
        os.umask(old_umask)


def test_files_left_readable_are_tightened_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_server(data):
        pass
    data.chmod(0o755)
    for path in _everything_in(data):
        path.chmod(0o644)
    with running_server(data) as server:
        output = "".join(server.output)
        assert _mode(data) == 0o700
        assert all(_mode(path) & 0o077 == 0 for path in _everything_in(data))
    notice = [line for line in output.splitlines() if "private" in line]
    assert len(notice) == 1, output
    assert "dynafed.sqlite3" in notice[0]


def test_a_secret_from_the_environment_is_never_printed(tmp_path: Path) -> None:
    with running_server(tmp_path / "data") as server:
        output = "".join(server.output)
    assert ADMIN_SECRET_KEY not in output
    assert "DYNAFED_ADMIN_SECRET_ACCESS_KEY" in output  # where the secret is, instead


def test_a_generated_secret_is_printed_once_it_exists(tmp_path: Path) -> None:
    env = {"DYNAFED_ADMIN_ACCESS_KEY_ID": "", "DYNAFED_ADMIN_SECRET_ACCESS_KEY": ""}
    with running_server(tmp_path / "data", env=env) as server:
        output = "".join(server.output)
    stored = (tmp_path / "data" / "admin-credentials.json").read_text()
    secret = stored.split('"secret_access_key": "', 1)[1].split('"', 1)[0]
    assert secret in output
    assert _mode(tmp_path / "data" / "admin-credentials.json") == 0o600
