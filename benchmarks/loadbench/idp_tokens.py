"""The default web-identity token source: the project's test identity provider.

tests/fixtures/oidc/provider.py runs npm `oidc-provider` (a certified OpenID Provider) on
loopback and signs players in through the real authorization-code flow, so each GameRole session
starts from a genuine ID token whose `sub` is the player's id. Another source can be plugged in
with DYNAFED_BENCH_TOKEN_SOURCE (see sessions.py).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from loadbench.targets import REPO_DIR


class TestIdpTokens:
    """A running test IdP; `token_for(subject)` signs that subject in and returns its ID token."""

    def __init__(self) -> None:
        if str(REPO_DIR) not in sys.path:
            sys.path.insert(0, str(REPO_DIR))
        from tests.fixtures.oidc.provider import OidcProvider

        self._workdir = Path(tempfile.mkdtemp(prefix="bench-idp-"))
        self._provider: Any = OidcProvider.start(self._workdir)
        self.issuer: str = self._provider.issuer
        self.audience: str = self._provider.client_id
        self.server_env: dict[str, str] = {}

    def token_for(self, subject: str) -> str:
        token: str = self._provider.id_token(subject)
        return token

    def close(self) -> None:
        self._provider.stop()
        shutil.rmtree(self._workdir, ignore_errors=True)


def start() -> TestIdpTokens:
    return TestIdpTokens()
