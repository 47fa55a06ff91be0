"""The GameScores scenario with the AWS SDK for JavaScript v3 in Node (@aws-sdk/client-sts and
@aws-sdk/client-dynamodb, pinned in tests/e2e/js/package.json): the same federation and
policy as the boto3 tests, seen through the other SDK users judge us with. The Node script
(tests/e2e/js/game_scores.mjs) reports each step; this test checks what a JS developer
would: the error `name`, the HTTP status, and that denied writes changed nothing."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.js.federation import Federation, federation
from tests.support.game_role import GAME, create_game_scores_table
from tests.support.game_role import GAME_TABLE as TABLE

pytestmark = pytest.mark.e2e

JS_DIR = Path(__file__).resolve().parent / "js"


def ensure_node_modules() -> None:
    """`npm ci` from the committed lockfile, once, even with several test workers."""
    packages = json.loads((JS_DIR / "package.json").read_text())["dependencies"]
    markers = [JS_DIR / "node_modules" / name / "package.json" for name in packages]
    if all(marker.exists() for marker in markers):
        return
    with (Path(tempfile.gettempdir()) / "dynafed-e2e-js-npm.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all(marker.exists() for marker in markers):
            subprocess.run(
                [shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=JS_DIR,
                check=True,
                timeout=600,
            )


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    ensure_node_modules()
    with federation(tmp_path_factory.mktemp("js-sdk")) as running:
        create_game_scores_table(running.admin("dynamodb"))
        yield running


@pytest.fixture(scope="module")
def results(fed: Federation) -> dict[str, Any]:
    partiql = {
        **fed.game_role_statement(),
        "Sid": "PartiQLOnOwnItems",
        "Action": ["dynamodb:PartiQLSelect"],
    }
    role = fed.create_role("GameRole", fed.game_role_statement(), partiql)
    scenario = {
        "endpoint": fed.server.endpoint,
        "region": fed.server.region,
        "roleArn": role,
        "table": TABLE,
        "game": GAME,
        "users": {login: fed.idp.id_token(login) for login in ("alice", "bob")},
        "badToken": fed.idp.id_token("mallory", "dynafed-web-es256"),  # unregistered client
    }
    completed = subprocess.run(
        [shutil.which("node") or "node", str(JS_DIR / "game_scores.mjs")],
        input=json.dumps(scenario),
        capture_output=True,
        text=True,
        cwd=JS_DIR,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    parsed: dict[str, Any] = json.loads(completed.stdout)
    return parsed


def denied(result: dict[str, Any], name: str = "AccessDeniedException", status: int = 400) -> str:
    assert not result["ok"], result
    assert (result["name"], result["status"]) == (name, status)
    message: str = result["message"]
    return message


def test_each_user_gets_credentials_and_uses_their_own_items(
    fed: Federation, results: dict[str, Any]
) -> None:
    for login in ("alice", "bob"):
        assumed = results[f"{login}.assume"]
        assert assumed["arn"] == f"arn:aws:sts::{fed.account}:assumed-role/GameRole/{login}"
        assert assumed["subject"] == login and assumed["provider"] == fed.provider_arn
        assert assumed["accessKeyId"].startswith("ASIA") and assumed["expirationIsDate"]
        assert results[f"{login}.putOwn"]["ok"]
        assert results[f"{login}.getOwn"] == {
            "ok": True,
            "value": {"UserId": {"S": login}, "TopScore": {"N": str(len(login) * 1000)}},
        }
    assert results["queryOwn"]["ok"] and len(results["queryOwn"]["value"]) == 1


def test_everything_outside_the_policy_is_access_denied(
    fed: Federation, results: dict[str, Any]
) -> None:
    alice = f"arn:aws:sts::{fed.account}:assumed-role/GameRole/alice"
    table = fed.table_arn(TABLE)
    assert denied(results["getOther"]) == (
        f"User: {alice} is not authorized to perform: dynamodb:GetItem on resource: {table} "
        "because no identity-based policy allows the dynamodb:GetItem action"
    )
    for step in ("putOther", "putUnlisted", "getAllAttributes", "queryOther", "scan"):
        assert denied(results[step]).startswith(f"User: {alice} is not authorized"), step
    denied(results["describeTable"])


def test_denied_and_doctored_writes_changed_nothing(
    fed: Federation, results: dict[str, Any]
) -> None:
    assert denied(results["tamperedSessionToken"], "UnrecognizedClientException") == (
        "The security token included in the request is invalid."
    )
    dynamodb = fed.admin("dynamodb")
    bob = dynamodb.get_item(
        TableName=TABLE, Key={"UserId": {"S": "bob"}, "GameTitle": {"S": GAME}}
    )["Item"]
    assert bob["TopScore"] == {"N": "3000"}
    alice = dynamodb.get_item(
        TableName=TABLE, Key={"UserId": {"S": "alice"}, "GameTitle": {"S": GAME}}
    )["Item"]
    assert alice["Wins"] == {"N": "1"} and "Email" not in alice


def test_a_token_for_another_audience_is_refused(results: dict[str, Any]) -> None:
    assert denied(results["badIdToken"], "InvalidIdentityTokenException") == (
        "Incorrect token audience"
    )


def test_a_partiql_statement_runs_in_the_own_partition_only(
    fed: Federation, results: dict[str, Any]
) -> None:
    assert results["partiqlOwn"] == {"ok": True, "value": [{"TopScore": {"N": "5000"}}]}
    alice = f"arn:aws:sts::{fed.account}:assumed-role/GameRole/alice"
    assert denied(results["partiqlOther"]).startswith(
        f"User: {alice} is not authorized to perform: dynamodb:PartiQLSelect"
    )
