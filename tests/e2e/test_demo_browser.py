"""The GameScores demo in a real browser: Debian's Chromium, headless, driven by
playwright-core (web/e2e/gamescores.mjs) against `dynafed serve --demo`.

A player signs in on the built-in provider's page (a wrong password first), the page gets
credentials from the identity pool with the AWS SDK for JavaScript v3, saves a score and
lists it, and is refused (AccessDeniedException, shown on the page) when reading the other
player's partition. The second player uses the other way to credentials: GetOpenIdToken,
then STS AssumeRoleWithWebIdentity. The screenshot is kept as a test artifact in
`test-artifacts/gamescores.png` (git ignores the folder; CI leaves it on the machine).

Needs /usr/bin/chromium and the built web app: scripts/ensure-test-services.sh installs both.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

WEB = Path(__file__).resolve().parents[2] / "web"
WEB_APP = Path(__file__).resolve().parents[2] / "src" / "dynafed" / "web"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    missing = [
        what
        for what, path in (
            ("Debian's chromium", CHROMIUM),
            ("web/node_modules (npm ci in web/)", WEB / "node_modules" / "playwright-core"),
            ("the built app (npm run build in web/)", WEB_APP / "app.js"),
        )
        if not path.exists()
    ]
    assert not missing, f"run scripts/ensure-test-services.sh: missing {missing}"
    server = start_server(tmp_path_factory.mktemp("demo-data"), "--demo")
    yield server
    server.stop()


def _config(server: ServerProcess) -> dict[str, Any]:
    answer = requests.get(f"{server.endpoint}/app/config.json", timeout=10)
    assert answer.status_code == 200
    config: dict[str, Any] = answer.json()
    return config


def _run_browser(server: ServerProcess, screenshot: Path) -> dict[str, Any]:
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, str(WEB / "e2e" / "gamescores.mjs"), server.endpoint, str(screenshot)],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert "error" not in report, report["error"] + "\n" + "\n".join(report["console"])
    return report


@pytest.fixture(scope="module")
def browser_run(
    demo: ServerProcess,
) -> tuple[dict[str, Any], Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "gamescores.png"
    screenshot.unlink(missing_ok=True)  # the assertions below must see this run's picture
    return _run_browser(demo, screenshot), screenshot


def test_player_signs_in_saves_a_score_and_is_refused_another_players(
    demo: ServerProcess, browser_run: tuple[dict[str, Any], Path]
) -> None:
    players = {p["username"]: p["identityId"] for p in _config(demo)["players"]}
    report, screenshot = browser_run

    assert report["wrongPassword"] == "Incorrect username or password."
    assert report["signInPage"].startswith(f"{demo.endpoint}/idp/{demo.region}_GameScores/")
    assert report["whoami"] == "player1"
    assert report["identityId"] == players["player1"]
    assert [report["game"], "4321"] in [row[:2] for row in report["scoresAfter"]]
    assert len(report["scoresAfter"]) == len(report["scoresBefore"]) + 1
    assert report["otherPlayer"] == players["player2"]
    assert report["otherResult"].startswith("Refused: AccessDeniedException: ")
    assert "dynamodb:Query" in report["otherResult"]
    # Every request the page made went to dynafed: no CDN, no other origin.
    assert report["requests"] == [demo.endpoint]
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_second_player_gets_credentials_through_sts_web_identity(
    demo: ServerProcess, browser_run: tuple[dict[str, Any], Path]
) -> None:
    players = {p["username"]: p["identityId"] for p in _config(demo)["players"]}
    basic = browser_run[0]["basic"]
    assert basic["whoami"] == "player2"
    assert basic["identityId"] == players["player2"]
    assert basic["sessionArn"].endswith(":assumed-role/GameRole/gamescores-web")
    assert {row[0] for row in basic["scores"]} >= {"Meteor Blasters", "Galaxy Invaders"}


def test_web_app_serves_only_files_inside_its_bundle(demo: ServerProcess) -> None:
    host, port = demo.endpoint.removeprefix("http://").split(":")
    cases = {  # a path that climbs out is malformed (400); a file not in the bundle, 404
        "/app/../../pyproject.toml": 400,
        "/app/%2e%2e/%2e%2e/pyproject.toml": 400,
        "/app/nope.js": 404,
    }
    for path, status in cases.items():
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", path)
        answer = connection.getresponse()
        assert answer.status == status, path
        assert b"[project]" not in answer.read()
        connection.close()
    index = requests.get(f"{demo.endpoint}/app/", timeout=10)
    assert index.status_code == 200 and '<script type="module" src="app.js">' in index.text
