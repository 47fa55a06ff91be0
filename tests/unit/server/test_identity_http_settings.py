"""The `[http]` section of `--identity-config` (timeout, CA file, loopback HTTP) is the one
HTTP client every identity provider is asked through: STS's AssumeRoleWithWebIdentity and
identity-pool logins from an IAM OIDC provider alike.

Built through `build_app`, as `dynafed serve` builds it, against an OpenID provider served
over loopback HTTP that answers slowly and counts what it is asked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tests.unit.identity.idp_double import CLIENT_ID, FakeIdp, generate_key, mint

from dynafed.auth.authenticator import AdminCredentials
from dynafed.auth.principal import Principal
from dynafed.errors import AwsError, ExternalServiceException, IDPCommunicationError
from dynafed.server.compose import build_app
from dynafed.server.identity_settings import HttpSettings, IdentitySettings
from dynafed.server.services import Services
from dynafed.server.settings import Settings

ACCOUNT = "123456789012"
REGION = "us-east-1"
ADMIN = Principal("AKIAADMIN", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)
ANSWER_DELAY = 1.0
"""How long the provider takes to answer: longer than the configured timeout below, far
shorter than the 5-second default."""


class SlowIdp:
    """Discovery and JWKS over loopback HTTP, each answer `ANSWER_DELAY` seconds late."""

    def __init__(self) -> None:
        idp_double = FakeIdp(published=[generate_key("RS256", "slow-1")])
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}/idp"
        idp_double.issuer, idp_double.jwks_uri = self.issuer, self.issuer + "/jwks"
        self.double = idp_double
        self.requests: list[str] = []
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def token(self) -> str:
        now = int(time.time())
        return mint(self.double.published[0], iss=self.issuer, iat=now, exp=now + 600)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                idp.requests.append(self.path)
                time.sleep(ANSWER_DELAY)
                url = idp.issuer.split("/idp", 1)[0] + self.path
                status, headers, body = idp.double.fetch(url)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def idp() -> Iterator[SlowIdp]:
    server = SlowIdp()
    yield server
    server.close()


def served(tmp_path: Path, http: HttpSettings) -> Services:
    settings = Settings(data_dir=tmp_path, identity=IdentitySettings(http=http))
    return build_app(settings, AdminCredentials("AKIAADMIN", "secret")).services


def identity_pool_for(services: Services, issuer: str) -> str:
    arn = services.iam.handle(
        "CreateOpenIDConnectProvider",
        {"Url": issuer, "ClientIDList.member.1": CLIENT_ID},
        ADMIN,
    )["OpenIDConnectProviderArn"]
    assert services.identity is not None
    created = services.identity.cognito.handle(
        "CreateIdentityPool",
        {
            "IdentityPoolName": "slow logins",
            "AllowUnauthenticatedIdentities": False,
            "OpenIdConnectProviderARNs": [arn],
        },
        ADMIN,
        REGION,
    )
    pool_id: str = created["IdentityPoolId"]
    return pool_id


def login(services: Services, pool_id: str, idp: SlowIdp) -> AwsError:
    assert services.identity is not None
    logins = {idp.issuer.split("://", 1)[1]: idp.token()}
    with pytest.raises(AwsError) as refused:
        services.identity.cognito.handle(
            "GetId", {"IdentityPoolId": pool_id, "Logins": logins}, None, REGION
        )
    return refused.value


def exchange(services: Services, idp: SlowIdp) -> AwsError:
    params = {
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/Players",
        "RoleSessionName": "app1",
        "WebIdentityToken": idp.token(),
    }
    with pytest.raises(AwsError) as refused:
        services.sts.handle("AssumeRoleWithWebIdentity", params, None)
    return refused.value


def test_identity_pool_logins_give_up_after_the_configured_timeout(
    tmp_path: Path, idp: SlowIdp
) -> None:
    services = served(tmp_path, HttpSettings(timeout=0.2))
    try:
        pool_id = identity_pool_for(services, idp.issuer)
        assert isinstance(exchange(services, idp), IDPCommunicationError)
        started = time.monotonic()
        assert isinstance(login(services, pool_id, idp), ExternalServiceException)
        assert time.monotonic() - started < ANSWER_DELAY
    finally:
        assert services.on_close is not None
        services.on_close()


def test_identity_pool_logins_obey_loopback_http_switched_off(tmp_path: Path, idp: SlowIdp) -> None:
    services = served(tmp_path, HttpSettings(allow_loopback_http=False))
    try:
        pool_id = identity_pool_for(services, idp.issuer)
        exchange(services, idp)
        login(services, pool_id, idp)
        assert idp.requests == []
    finally:
        assert services.on_close is not None
        services.on_close()
