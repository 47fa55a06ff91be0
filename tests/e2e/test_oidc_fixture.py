"""The real third-party IdP fixture yields tokens our verifier accepts, and its key rotation
is handled (unknown kid -> one JWKS re-fetch -> accepted; tokens of the retired key refused).

The IdP is npm `oidc-provider` (OpenID-certified) on loopback; our side uses the production
transport (UrllibFetcher), so discovery and JWKS travel over real HTTP.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dynafed.errors import InvalidIdentityToken
from dynafed.identity import messages
from dynafed.identity.fetch import FetchResult, UrllibFetcher
from dynafed.identity.oidc.jwks import JwksCache
from dynafed.identity.oidc.verifier import OidcProviderRecord, OidcVerifier
from tests.fixtures.oidc import OidcProvider

pytestmark = pytest.mark.e2e

ACCOUNT = "123456789012"


class MovableClock:
    """Real time plus an offset, so a test can step past the re-fetch rate limit."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset


class CountingFetcher:
    def __init__(self) -> None:
        self.urls: list[str] = []
        self._fetch = UrllibFetcher(timeout=5.0)

    def __call__(self, url: str) -> FetchResult:
        self.urls.append(url)
        return self._fetch(url)


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    provider = OidcProvider.start(Path(tmp_path_factory.mktemp("oidc-idp")))
    yield provider
    provider.stop()


@pytest.fixture
def record(idp: OidcProvider) -> OidcProviderRecord:
    key = idp.issuer.removeprefix("http://")
    return OidcProviderRecord(
        arn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/{key}",
        url=idp.issuer,
        client_ids=("dynafed-web",),
    )


@pytest.fixture
def fetcher() -> CountingFetcher:
    return CountingFetcher()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def verifier(
    record: OidcProviderRecord, fetcher: CountingFetcher, clock: MovableClock
) -> OidcVerifier:
    return OidcVerifier({record.url: record}.get, JwksCache(fetcher, clock), clock)


def header(token: str) -> dict[str, str]:
    decoded: dict[str, str] = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    return decoded


def test_a_real_rs256_token_is_verified(idp: OidcProvider, verifier: OidcVerifier) -> None:
    token = idp.id_token("alice", email="alice@example.test")
    identity = verifier.verify(token)
    prefix = idp.issuer.removeprefix("http://")
    assert prefix.startswith("127.0.0.1:") and prefix.endswith("/idp")
    assert header(token)["alg"] == "RS256" and header(token)["kid"] in idp.kids
    assert (identity.subject, identity.audience, identity.provider_key) == (
        "alice",
        "dynafed-web",
        prefix,
    )
    assert identity.session_context_keys[f"{prefix}:sub"] == ["alice"]
    assert identity.claims["email"] == "alice@example.test"


def test_session_tags_and_source_identity_from_the_idp(
    idp: OidcProvider, verifier: OidcVerifier
) -> None:
    token = idp.id_token(
        "bob", session_tags={"Team": "red"}, transitive_tag_keys=["Team"], source_identity="bob"
    )
    identity = verifier.verify(token)
    assert identity.tags is not None and identity.tags.principal_tags == {"Team": "red"}
    assert identity.tags.transitive_tag_keys == ("Team",)
    assert identity.source_identity == "bob"


def test_a_real_es256_token_is_verified(
    idp: OidcProvider, fetcher: CountingFetcher, clock: MovableClock
) -> None:
    key = idp.issuer.removeprefix("http://")
    record = OidcProviderRecord(
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/{key}", idp.issuer, ("dynafed-web-es256",)
    )
    verifier = OidcVerifier({idp.issuer: record}.get, JwksCache(fetcher, clock), clock)
    token = idp.id_token("carol", "dynafed-web-es256")
    assert header(token)["alg"] == "ES256"
    assert verifier.verify(token).audience == "dynafed-web-es256"


def test_a_token_for_an_unregistered_client_is_refused(
    idp: OidcProvider, verifier: OidcVerifier
) -> None:
    with pytest.raises(InvalidIdentityToken, match="Incorrect token audience"):
        verifier.verify(idp.id_token("dave", "dynafed-web-es256"))


def test_a_tampered_real_token_is_refused(idp: OidcProvider, verifier: OidcVerifier) -> None:
    head, payload, signature = idp.id_token("erin").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidIdentityToken) as raised:
        verifier.verify(f"{head}.{forged}.{signature}")
    assert raised.value.message == messages.NOT_VALIDATED


def test_key_rotation_refetches_once_and_retires_old_tokens(
    idp: OidcProvider, verifier: OidcVerifier, fetcher: CountingFetcher, clock: MovableClock
) -> None:
    old_token = idp.id_token("frank")
    assert verifier.verify(old_token).subject == "frank"
    jwks_fetches = len(fetcher.urls)

    idp.rotate_keys()
    new_token = idp.id_token("frank")
    assert header(new_token)["kid"] != header(old_token)["kid"]
    clock.offset = 61  # past the re-fetch rate limit (the first fetch was just now)
    assert verifier.verify(new_token).subject == "frank"
    assert len(fetcher.urls) == jwks_fetches + 2  # discovery + JWKS, once

    with pytest.raises(InvalidIdentityToken) as raised:
        verifier.verify(old_token)
    assert raised.value.message == messages.NO_VERIFICATION_KEY
    assert len(fetcher.urls) == jwks_fetches + 2  # rate-limited: no second re-fetch
