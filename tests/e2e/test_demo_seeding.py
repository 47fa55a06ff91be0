"""`dynafed serve --demo` starts on any data directory: it seeds what is missing, reuses what
matches, and where something of the demo's names differs it says so in one line with what
to do, exits 2 and writes nothing. It keeps a data directory of its own by default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dynafed.storage.factory import open_storage
from tests.support.clients import client
from tests.support.server_process import REGION, ServerProcess, running_server

pytestmark = pytest.mark.e2e


def _config(server: ServerProcess) -> dict[str, Any]:
    import requests

    answer = requests.get(f"{server.endpoint}/app/config.json", timeout=30)
    assert answer.status_code == 200, answer.text
    config: dict[str, Any] = answer.json()
    return config


def _user_pool_exists(server: ServerProcess) -> bool:
    storage = open_storage(server.storage_url or str(server.data_dir))
    try:
        with storage.read() as view:
            return view.get_document("userpool", f"{REGION}_GameScores") is not None or any(
                name.startswith(f"{REGION}_GameScores")
                for name, _ in view.list_documents("userpool-pool")
            )
    finally:
        storage.close()


def test_a_matching_table_from_the_readme_is_reused(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:  # the README's create-table, as written
        client(server, "dynamodb").create_table(
            TableName="GameScores",
            AttributeDefinitions=[
                {"AttributeName": "UserId", "AttributeType": "S"},
                {"AttributeName": "GameTitle", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "UserId", "KeyType": "HASH"},
                {"AttributeName": "GameTitle", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    with running_server(tmp_path, "--demo") as server:
        players = _config(server)["players"]
        assert [p["username"] for p in players] == ["player1", "player2"]
        scanned = client(server, "dynamodb").scan(TableName="GameScores")
        assert scanned["Count"] > 0
    with running_server(tmp_path, "--demo") as again:  # and a second start changes nothing
        assert _config(again)["players"] == players


def test_a_conflicting_table_and_role_are_named_and_nothing_is_written(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        client(server, "dynamodb").create_table(
            TableName="GameScores",
            AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        trust = {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"},
            "Action": "sts:AssumeRole",
        }
        client(server, "iam").create_role(
            RoleName="GameRole",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
        )
    command = [
        sys.executable,
        "-m",
        "dynafed.cli",
        "serve",
        "--demo",
        "--port",
        "0",
        "--data-dir",
        str(tmp_path),
    ]
    env = {
        **os.environ,
        "DYNAFED_ADMIN_ACCESS_KEY_ID": server.access_key,
        "DYNAFED_ADMIN_SECRET_ACCESS_KEY": server.secret_key,
    }
    if server.storage_url:
        command += ["--storage", server.storage_url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, result.stderr
    assert any("table GameScores" in line and "delete-table" in line for line in lines)
    assert any("role GameRole" in line and "--data-dir" in line for line in lines)
    assert "Traceback" not in result.stderr
    with running_server(tmp_path) as server:  # nothing of the demo was written
        pools = client(server, "cognito-identity").list_identity_pools(MaxResults=60)
        assert pools["IdentityPools"] == []
        assert "GameScores" in client(server, "dynamodb").list_tables()["TableNames"]


def test_a_half_seeded_directory_is_completed(tmp_path: Path) -> None:
    with running_server(tmp_path, "--demo") as server:
        players = _config(server)["players"]
        storage_url = server.storage_url or str(tmp_path)
    storage = open_storage(storage_url)
    try:  # what a crash part-way through seeding leaves: no demo record, no table
        storage.write(lambda txn: txn.delete_document("demo", "gamescores"))
    finally:
        storage.close()
    with running_server(tmp_path) as server:
        client(server, "dynamodb").delete_table(TableName="GameScores")
    with running_server(tmp_path, "--demo") as server:
        assert _config(server)["players"] == players  # the same identities, reused
        assert client(server, "dynamodb").scan(TableName="GameScores")["Count"] > 0


def test_the_demo_keeps_a_data_directory_of_its_own(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DYNAFED_ADMIN_ACCESS_KEY_ID": "AKIADEMODIRTEST00000",
        "DYNAFED_ADMIN_SECRET_ACCESS_KEY": "demo-dir-test-secret",
    }
    env.pop("DYNAFED_STORAGE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "dynafed.cli", "serve", "--demo", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:  # the listening line comes once the app is built
            if "dynafed listening on" in line:
                break
        assert (tmp_path / ".dynafed-demo").is_dir()
        assert not (tmp_path / ".dynafed").exists()
    finally:
        process.terminate()
        process.wait(timeout=60)
