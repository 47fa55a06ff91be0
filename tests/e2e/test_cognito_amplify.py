"""The real `aws-amplify` package (npm, v6), unmodified, against a real server, in Node and
in headless Chromium (Debian's, through playwright-core; the page served by dynafed at
/app/): its `signUp`, `confirmSignUp` (with the code from the outbox), `signIn` (Amplify's
default USER_SRP_AUTH) and `fetchAuthSession` (the identity pool's credentials through
`identityPoolEndpoint`), then the AWS SDK for JavaScript v3 with those credentials reads and
writes the user's own GameScores items and is refused another's (tests/e2e/amplify/).

Reference: Amplify JavaScript v6, "Set up Amplify Auth" (`userPoolEndpoint`,
`identityPoolEndpoint`) and "Sign-up", "Sign-in", "Accessing credentials".
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dynafed.demo import gamescores
from dynafed.server.static_endpoint import WEB_DIR_ENV
from tests.e2e.userpool_flow import new_pool, outbox_code
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

AMPLIFY_DIR = Path(__file__).resolve().parent / "amplify"
CHROMIUM = Path("/usr/bin/chromium")


def ensure_node_modules() -> None:
    """`npm ci` from the committed lockfile, once, even with several test workers."""
    marker = AMPLIFY_DIR / "node_modules" / "playwright-core" / "package.json"
    if marker.exists():
        return
    with (Path(tempfile.gettempdir()) / "dynafed-e2e-amplify-npm.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            subprocess.run(
                [shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=AMPLIFY_DIR,
                check=True,
                timeout=600,
            )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The server, serving the bundled page at /app/ (same origin as the API)."""
    ensure_node_modules()
    page = tmp_path_factory.mktemp("amplify-page")
    subprocess.run(
        [shutil.which("node") or "node", str(AMPLIFY_DIR / "build_page.mjs"), str(page)],
        check=True,
        timeout=120,
    )
    process = start_server(tmp_path_factory.mktemp("amplify"), env={WEB_DIR_ENV: str(page)})
    yield process
    process.stop()


@pytest.fixture(scope="module")
def world(server: ServerProcess) -> dict[str, str]:
    return game_world(server)


def game_world(server: ServerProcess) -> dict[str, str]:
    """A user pool with an SRP client, an identity pool whose authenticated role is the
    DynamoDB guide's GameRole, and the GameScores table."""
    idp = client(server, "cognito-idp")
    pool_id, client_id, _ = new_pool(idp)
    identity = client(server, "cognito-identity")
    provider = f"cognito-idp.{server.region}.amazonaws.com/{pool_id}"
    identity_pool_id = identity.create_identity_pool(
        IdentityPoolName="amplify",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}],
    )["IdentityPoolId"]
    iam = client(server, "iam")
    role = iam.create_role(
        RoleName="AmplifyGameRole",
        AssumeRolePolicyDocument=gamescores.trust_policy(identity_pool_id),
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="AmplifyGameRole",
        PolicyName="own-items",
        PolicyDocument=gamescores.permission_policy(server.region, server.account_id),
    )
    identity.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles={"authenticated": role})
    client(server, "dynamodb").create_table(**gamescores.create_table_request())
    return {
        "userPoolId": pool_id,
        "clientId": client_id,
        "identityPoolId": identity_pool_id,
        "endpoint": server.endpoint,
        "region": server.region,
        "otherIdentityId": f"{server.region}:00000000-0000-4000-8000-000000000000",
        "password": "player-password-1",
    }


def read_step(node: subprocess.Popen[str], deadline: float) -> dict[str, Any]:
    """The script's next JSON line, waiting no later than `deadline`."""
    assert node.stdout is not None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            node.kill()
            raise AssertionError("the Amplify script did not answer in time")
        ready, _, _ = select.select([node.stdout], [], [], remaining)
        if ready:
            line = node.stdout.readline()
            if not line:
                stderr = node.stderr.read() if node.stderr else ""
                raise AssertionError(f"the Amplify script ended: {stderr}")
            step: dict[str, Any] = json.loads(line)
            assert step["step"] != "failed", step
            return step


def play(server: ServerProcess, world: dict[str, str], script: str, username: str) -> None:
    config = {**world, "username": username, "email": f"{username}@example.com"}
    node = subprocess.Popen(
        [shutil.which("node") or "node", str(AMPLIFY_DIR / script)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        env={**os.environ, "DYNAFED_AMPLIFY_CONFIG": json.dumps(config)},
    )
    try:
        deadline = time.monotonic() + 90
        signed_up = read_step(node, deadline)
        assert signed_up == {
            "step": "signed-up",
            "complete": False,
            "next": "CONFIRM_SIGN_UP",
            "destination": f"{username[0]}***@e***",
        }
        code = outbox_code(server, world["userPoolId"], username, "SignUp")
        assert node.stdin is not None
        node.stdin.write(f"{code}\n")
        node.stdin.flush()
        played = read_step(node, deadline)
        assert played["confirmed"] is True and played["signedIn"] is True
        assert played["tokenUser"] == username
        assert played["identityId"].startswith(f"{server.region}:")
        assert played["score"] == "42"
        assert played["otherRead"] == "AccessDeniedException"
        assert played["otherWrite"] == "AccessDeniedException"
        assert node.wait(timeout=30) == 0
    finally:
        if node.poll() is None:
            node.kill()
            node.wait()


def test_amplify_in_node_signs_up_confirms_signs_in_with_srp_and_plays(
    server: ServerProcess, world: dict[str, str]
) -> None:
    play(server, world, "sign_up_and_play.mjs", "amy")


def test_amplify_in_chromium_signs_up_confirms_signs_in_with_srp_and_plays(
    server: ServerProcess, world: dict[str, str]
) -> None:
    assert CHROMIUM.exists(), "run scripts/ensure-test-services.sh (Debian's chromium)"
    play(server, world, "chromium_run.mjs", "bea")
