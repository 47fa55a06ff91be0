"""`dynafed backup` and `dynafed restore`: the whole server in one file (issue 20, item 7).

A server is given tables, items, a table backup, IAM users, keys and roles, a user pool with
a user and an identity pool; `dynafed backup` runs while a client keeps writing; the file is
restored into a fresh data directory (on PostgreSQL, a fresh schema) and a server started on
it. Checked as a user would: the restored server holds everything, its admin keys and the
IAM user's key still sign, a user of the pool still signs in; and row by row: a snapshot of
the restored storage equals the backup, and the backup is one consistent state (the items
written during it form an unbroken prefix including every write acknowledged before it
began).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import server_process
from tests.support.clients import client
from tests.support.dynamodb_tables import create_table, index
from tests.support.iam_users import allow, create_user_with_key, policy, unique
from tests.support.server_process import (
    ServerProcess,
    new_postgres_schema,
    postgres_storage_url,
    start_server,
)

pytestmark = pytest.mark.e2e

NO_ENV_KEYS = {"DYNAFED_ADMIN_ACCESS_KEY_ID": "", "DYNAFED_ADMIN_SECRET_ACCESS_KEY": ""}
"""The server generates its admin keys into the data directory, as a real one does."""


def dynafed(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dynafed.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def storage_args(server_or_url: ServerProcess | str | None, data_dir: Path) -> list[str]:
    url = server_or_url.storage_url if isinstance(server_or_url, ServerProcess) else server_or_url
    return ["--data-dir", str(data_dir), *(["--storage", url] if url else [])]


def serve_with_generated_keys(data_dir: Path, *args: str) -> ServerProcess:
    server = start_server(data_dir, *args, env=NO_ENV_KEYS)
    keys = json.loads((data_dir / "admin-credentials.json").read_text())
    server.access_key, server.secret_key = keys["access_key_id"], keys["secret_access_key"]
    return server


def rows(snapshot: Path) -> dict[str, set[tuple[Any, ...]]]:
    conn = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        return {
            table: set(conn.execute(f"SELECT * FROM {table}"))
            for table in ("items", "table_stats", "documents", "snapshot_files")
        }
    finally:
        conn.close()


class Writer(threading.Thread):
    """Puts items n = 0, 1, 2 … one after another, counting those acknowledged."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        super().__init__(daemon=True)
        self.dynamodb, self.table = dynamodb, table
        self.acknowledged = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            item = {"pk": {"S": f"n{self.acknowledged:06d}"}, "n": {"N": str(self.acknowledged)}}
            self.dynamodb.put_item(TableName=self.table, Item=item)
            self.acknowledged += 1


@pytest.fixture
def source(tmp_path: Path) -> Iterator[ServerProcess]:
    server = serve_with_generated_keys(tmp_path / "source")
    yield server
    server.stop()


def populate(server: ServerProcess) -> dict[str, Any]:
    dynamodb, iam = client(server, "dynamodb"), client(server, "iam")
    table = create_table(
        dynamodb,
        "Scores",
        ("pk", "S"),
        attributes={"team": "S"},
        GlobalSecondaryIndexes=[index("ByTeam", "team")],
    )
    for n in range(25):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"p{n}"}, "team": {"S": f"t{n % 3}"}})
    backup_arn = dynamodb.create_backup(TableName=table, BackupName="before")["BackupDetails"][
        "BackupArn"
    ]
    user = create_user_with_key(iam, unique("reader"), policy(allow("dynamodb:ListTables")))
    iam.create_role(
        RoleName=unique("Role"),
        AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
        ),
    )
    idp = client(server, "cognito-idp")
    pool_id = idp.create_user_pool(PoolName="players")["UserPool"]["Id"]
    app = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="alice",
        TemporaryPassword="Temporary-1",
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="alice", Password="Correct-Horse-9", Permanent=True
    )
    identity_pool = client(server, "cognito-identity").create_identity_pool(
        IdentityPoolName="game", AllowUnauthenticatedIdentities=True
    )["IdentityPoolId"]
    return {
        "table": table,
        "backup_arn": backup_arn,
        "user": user,
        "pool_id": pool_id,
        "app": app,
        "identity_pool": identity_pool,
    }


def test_a_server_backed_up_while_written_restores_whole_and_consistent(
    source: ServerProcess, tmp_path: Path
) -> None:
    made = populate(source)
    dynamodb = client(source, "dynamodb")
    counter = create_table(dynamodb, "Counter", ("pk", "S"))
    writer = Writer(dynamodb, counter)
    writer.start()
    while writer.acknowledged < 20:  # under way before the backup starts
        writer.join(0.01)
    acknowledged_before = writer.acknowledged
    backup = tmp_path / "server.dynafed-backup"
    taken = dynafed("backup", str(backup), *storage_args(source, source.data_dir))
    writer.stop.set()
    writer.join(30)
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout.startswith(f"dynafed backup: wrote {backup}: 2 tables, ")
    assert backup.stat().st_mode & 0o777 == 0o600  # it holds the server's secrets

    # One consistent state: the counter items in it are 0 … k-1, nothing missing, and every
    # write acknowledged before the backup began is among them.
    backed_up = rows(backup)
    counter_id = next(
        json.loads(body)["table_id"]
        for kind, _, body in backed_up["documents"]
        if kind == "table" and json.loads(body)["name"] == counter
    )
    numbers = sorted(
        int(row[4] and json.loads(row[4])["n"]["N"])
        for row in backed_up["items"]
        if row[0] == counter_id
    )
    assert numbers == list(range(len(numbers)))
    assert acknowledged_before <= len(numbers) <= writer.acknowledged
    assert {name for name, _ in backed_up["snapshot_files"]} == {"admin-credentials.json"}

    # Restore into a fresh place; a snapshot of it equals the backup, row for row.
    fresh = tmp_path / "restored"
    target_url = (
        postgres_storage_url(new_postgres_schema("restored"))
        if server_process.test_storage() == "postgres"
        else None
    )
    restored = dynafed("restore", str(backup), *storage_args(target_url, fresh))
    assert restored.returncode == 0, restored.stderr
    again = tmp_path / "again.dynafed-backup"
    assert dynafed("backup", str(again), *storage_args(target_url, fresh)).returncode == 0
    assert rows(again) == backed_up

    # A second restore into the same place is refused: it holds data now.
    refused = dynafed("restore", str(backup), *storage_args(target_url, fresh))
    assert refused.returncode == 2
    assert "already holds data" in refused.stderr

    server = serve_with_generated_keys(fresh, *(["--storage", target_url] if target_url else []))
    try:
        assert (server.access_key, server.secret_key) == (source.access_key, source.secret_key)
        check_restored_server(server, source, made, counter, len(numbers))
    finally:
        server.stop()


def check_restored_server(
    server: ServerProcess, source: ServerProcess, made: dict[str, Any], counter: str, count: int
) -> None:
    dynamodb = client(server, "dynamodb")
    table = made["table"]
    assert set(dynamodb.list_tables()["TableNames"]) >= {table, counter}
    scan = dynamodb.scan(TableName=table)
    assert scan["Count"] == 25
    assert scan["Items"] == client(source, "dynamodb").scan(TableName=table)["Items"]
    by_team = dynamodb.query(
        TableName=table,
        IndexName="ByTeam",
        KeyConditionExpression="team = :t",
        ExpressionAttributeValues={":t": {"S": "t1"}},
    )
    assert by_team["Count"] == 8
    assert dynamodb.scan(TableName=counter, Select="COUNT")["Count"] == count
    described = dynamodb.describe_backup(BackupArn=made["backup_arn"])["BackupDescription"]
    assert described["SourceTableDetails"]["ItemCount"] == 25

    user = made["user"]
    as_user = client(
        server, "sts", access_key=user.access_key_id, secret_key=user.secret_access_key
    )
    assert as_user.get_caller_identity()["Arn"].endswith(f":user/{user.user_name}")

    idp = client(server, "cognito-idp")
    signed_in = idp.admin_initiate_auth(
        UserPoolId=made["pool_id"],
        ClientId=made["app"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Correct-Horse-9"},
    )
    assert signed_in["AuthenticationResult"]["IdToken"]
    identity = client(server, "cognito-identity")
    pool = identity.describe_identity_pool(IdentityPoolId=made["identity_pool"])
    assert pool["IdentityPoolName"] == "game"


def test_backup_and_restore_say_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    missing = dynafed("backup", str(tmp_path / "b"), "--data-dir", str(tmp_path / "nothing"))
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [
        f"dynafed backup: no database at {tmp_path / 'nothing' / 'dynafed.sqlite3'}: "
        "check --data-dir or --storage"
    ]
    not_backup = tmp_path / "notes.txt"
    not_backup.write_text("hello")
    wrong = dynafed("restore", str(not_backup), "--data-dir", str(tmp_path / "new"))
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines() == [f"dynafed restore: {not_backup} is not a dynafed backup"]
