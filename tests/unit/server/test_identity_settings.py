"""`dynafed serve --identity-config`: the TOML file that points the built-in identity
providers somewhere else, turns them off, and tunes AssumeRoleWithSAML
(docs/identity-providers.md)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from tests.fixtures.fake_providers import FakeFacebook, FakeLoginWithAmazon

from dynafed.cli import main
from dynafed.core.clock import FixedClock
from dynafed.errors import InvalidIdentityToken
from dynafed.identity.oidc.google import GOOGLE_JWKS_URL
from dynafed.identity.registry import build_identity_providers
from dynafed.server.identity_settings import (
    IdentityConfigError,
    IdentitySettings,
    identity_settings,
    load_identity_settings,
)

FULL = """
[http]
timeout = 2
ca_file = "/etc/ssl/corp-ca.pem"
allow_loopback_http = false

[jwks]
refetch_interval = 30

[id_tokens]
leeway = 120
max_age = 0

[google]
jwks_url = "https://mirror.example.test/google/certs"

[amazon]
tokeninfo_url = "https://mirror.example.test/amazon/tokeninfo"

[facebook]
graph_url = "https://mirror.example.test/graph/v19.0"
app_access_token_env = "FB_APP_TOKEN"

[oauth_cache]
ttl = 60
max_entries = 10

[saml]
recipients = ["https://dynafed.example.test/saml"]
accept_regional_signin = false
audiences = ["urn:dynafed:example"]
clock_skew = 30
max_response_age = 120
allow_sha1 = false
replay_protection = true
"""


def parse(text: str, **environ: str) -> IdentitySettings:
    return identity_settings(tomllib.loads(text), environ)


def test_an_empty_file_keeps_every_default() -> None:
    settings = parse("")
    assert settings == IdentitySettings()
    web = settings.web
    assert web.google is not None and web.google.jwks_url == GOOGLE_JWKS_URL
    assert web.amazon is not None and web.amazon.tokeninfo_url.startswith("https://api.amazon")
    assert web.facebook is not None and web.facebook.app_access_token is None
    assert web.jwks.refetch_interval == 5.0
    assert not settings.saml_replay_protection


def test_every_setting_reaches_its_component() -> None:
    settings = parse(FULL, FB_APP_TOKEN="111|secret")
    web = settings.web
    assert (settings.http.timeout, settings.http.ca_file) == (2.0, "/etc/ssl/corp-ca.pem")
    assert not settings.http.allow_loopback_http and not web.jwks.allow_loopback_http
    assert web.jwks.refetch_interval == 30.0
    assert web.oidc.times.leeway == 120.0 and web.oidc.times.max_age is None
    assert web.google is not None
    assert web.google.jwks_url == "https://mirror.example.test/google/certs"
    assert web.google.times.leeway == 120.0
    assert web.amazon is not None
    assert web.amazon.tokeninfo_url == "https://mirror.example.test/amazon/tokeninfo"
    assert (web.amazon.cache.ttl, web.amazon.cache.max_entries) == (60.0, 10)
    assert web.facebook is not None
    assert web.facebook.graph_url == "https://mirror.example.test/graph/v19.0"
    assert web.facebook.app_access_token == "111|secret"
    saml = settings.saml
    assert saml.recipients == ("https://dynafed.example.test/saml",)
    assert saml.audiences == ("urn:dynafed:example",)
    assert not saml.accept_regional_signin and not saml.allow_sha1
    assert (saml.clock_skew, saml.max_response_age) == (30.0, 120.0)
    assert settings.saml_replay_protection


def test_providers_can_be_turned_off() -> None:
    off = "[google]\nenabled = false\n[amazon]\nenabled = false\n[facebook]\nenabled = false\n"
    web = parse(off).web
    assert (web.google, web.amazon, web.facebook) == (None, None, None)


def test_google_keys_through_discovery() -> None:
    google = parse('[google]\ndiscovery = true\ndiscovery_issuer = "https://m.test"\n').web.google
    assert google is not None
    assert (google.jwks_url, google.discovery_issuer) == (None, "https://m.test")


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        ("[gogle]\n", {}, "the file: unknown setting 'gogle'"),
        ("[amazon]\ntoken_info_url = 'x'\n", {}, "[amazon]: unknown setting 'token_info_url'"),
        ("[http]\ntimeout = '5'\n", {}, "[http] timeout must be a non-negative number"),
        ("[http]\ntimeout = -1\n", {}, "[http] timeout must be a non-negative number"),
        ("[saml]\nallow_sha1 = 1\n", {}, "[saml] allow_sha1 must be true or false"),
        ("[saml]\nrecipients = [1]\n", {}, "[saml] recipients must be a list of strings"),
        ("google = 1\n", {}, "[google] must be a table"),
        (
            "[facebook]\napp_access_token_env = 'NOPE'\n",
            {},
            "[facebook]: environment variable NOPE is not set",
        ),
        (
            "[facebook]\napp_access_token = 'a|b'\napp_access_token_env = 'T'\n",
            {"T": "a|b"},
            "[facebook]: give app_access_token or app_access_token_env, not both",
        ),
    ],
)
def test_mistakes_are_reported_not_ignored(
    text: str, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(IdentityConfigError) as raised:
        parse(text, **environ)
    assert str(raised.value) == message


def test_the_file_is_named_in_errors(tmp_path: Path) -> None:
    broken = tmp_path / "identity.toml"
    broken.write_text("[google\n")
    with pytest.raises(IdentityConfigError, match=f"^{re.escape(str(broken))}: not valid TOML"):
        load_identity_settings(broken, {})
    missing = tmp_path / "identity-missing.toml"
    with pytest.raises(IdentityConfigError, match=f"^{re.escape(str(missing))}: "):
        load_identity_settings(missing, {})


def test_serve_refuses_to_start_with_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "identity.toml"
    config.write_text("[amazon]\nurl = 'https://x.test'\n")
    code = main(["serve", "--data-dir", str(tmp_path), "--identity-config", str(config)])
    assert code == 2
    assert "unknown setting 'url'" in capsys.readouterr().err


def test_the_verifiers_ask_the_configured_endpoints() -> None:
    """The loaded settings drive the real verifiers: LWA and Facebook are asked at the
    mirror URLs the file names (the fakes answer only for those origins)."""
    amazon = FakeLoginWithAmazon(now=lambda: 1_800_000_000.0)
    amazon.origins = ["https://lwa.mirror.test"]
    facebook = FakeFacebook(now=lambda: 1_800_000_000.0)
    facebook.origins = ["https://graph.mirror.test"]
    settings = parse(
        '[amazon]\ntokeninfo_url = "https://lwa.mirror.test/auth/o2/tokeninfo"\n'
        '[facebook]\ngraph_url = "https://graph.mirror.test"\n[google]\nenabled = false\n'
    )

    def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
        service = amazon if url.startswith("https://lwa.") else facebook
        return service.fetch(url)

    providers = build_identity_providers(
        fetch, FixedClock(1_800_000_000.0), lambda issuer: None, settings.web
    )
    lwa = providers.verify_web_identity(amazon.issue("amzn1.account.ALICE"), "www.amazon.com")
    assert lwa.subject == "amzn1.account.ALICE"
    fb = providers.verify_web_identity(facebook.issue("1234567890"), "graph.facebook.com")
    assert fb.subject == "1234567890"
    assert amazon.requests[0].startswith("/auth/o2/tokeninfo?access_token=")
    assert facebook.requests[0].startswith("/me?")
    with pytest.raises(InvalidIdentityToken, match="not enabled"):
        providers.verify_web_identity(
            "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJhY2NvdW50cy5nb29nbGUuY29tIn0.c2ln"
        )


def test_the_documented_file_shows_the_real_defaults() -> None:
    docs = Path(__file__).parents[3] / "docs" / "identity-providers.md"
    blocks = re.findall(r"```toml\n(.*?)```", docs.read_text(), re.DOTALL)
    reference, air_gapped = blocks
    assert parse(reference) == IdentitySettings()
    web = parse(air_gapped).web
    assert web.google is None and web.facebook is None
    assert web.amazon is not None and web.amazon.tokeninfo_url.startswith("https://lwa-mirror")
