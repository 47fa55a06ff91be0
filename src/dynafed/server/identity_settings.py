"""Identity-provider settings of `dynafed serve`: one TOML file (`--identity-config`).

Where the built-in providers are reached (Google's keys, Login with Amazon's token-info
endpoint, Facebook's Graph API), which of them are on, how long OAuth answers are cached,
what AssumeRoleWithSAML accepts, and the HTTP client all of them share. Every key is
optional; docs/identity-providers.md lists them with their defaults. An air-gapped
deployment turns the public providers off or points them at local mirrors; tests point
them at local fakes.

Unknown sections or keys and values of the wrong type are errors at start-up, so a typo
never silently leaves a provider on its public default.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from dynafed.identity.oauth.amazon import AmazonSettings
from dynafed.identity.oauth.facebook import FacebookSettings
from dynafed.identity.oauth.tokeninfo import TokenCacheSettings
from dynafed.identity.oidc.claims import TimeRules
from dynafed.identity.oidc.google import GoogleSettings
from dynafed.identity.oidc.jwks import JwksSettings
from dynafed.identity.oidc.verifier import OidcVerifierSettings
from dynafed.identity.registry import BuiltInProviderSettings
from dynafed.identity.saml.verifier import SamlSettings

JWKS_REFETCH_SECONDS = 5.0
"""A token signed with a key we have not seen makes us re-read the provider's JWKS at most
this often: an abrupt key rotation at the IdP is picked up within seconds, while tokens with
made-up key ids cost the provider at most one fetch per interval."""

T = TypeVar("T")


class IdentityConfigError(ValueError):
    """The identity configuration file cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """The one HTTP client every provider is asked through."""

    timeout: float = 5.0
    ca_file: str | None = None
    """Extra trusted CAs (PEM) for providers behind a private CA; None: the system's."""
    allow_loopback_http: bool = True
    """Accept plain `http://` to loopback hosts (local mirrors, tests)."""


def _default_web() -> BuiltInProviderSettings:
    return BuiltInProviderSettings(jwks=JwksSettings(refetch_interval=JWKS_REFETCH_SECONDS))


@dataclass(frozen=True, slots=True)
class IdentitySettings:
    web: BuiltInProviderSettings = field(default_factory=_default_web)
    saml: SamlSettings = field(default_factory=SamlSettings)
    saml_replay_protection: bool = False
    """Redeem each SAML assertion once (AWS does not; see `sts.saml_replay`)."""
    http: HttpSettings = field(default_factory=HttpSettings)


def load_identity_settings(path: Path, environ: Mapping[str, str]) -> IdentitySettings:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as failure:
        raise IdentityConfigError(f"{path}: {failure.strerror or failure}") from None
    except tomllib.TOMLDecodeError as failure:
        raise IdentityConfigError(f"{path}: not valid TOML: {failure}") from None
    try:
        return identity_settings(document, environ)
    except IdentityConfigError as failure:
        raise IdentityConfigError(f"{path}: {failure}") from None


def identity_settings(document: Mapping[str, Any], environ: Mapping[str, str]) -> IdentitySettings:
    """Settings from a parsed configuration document; absent keys keep their defaults."""
    sections = _Table(document, "")
    http = _http(sections.table("http"))
    jwks = _jwks(sections.table("jwks"))
    times = _times(sections.table("id_tokens"))
    cache = _cache(sections.table("oauth_cache"))
    web = BuiltInProviderSettings(
        google=_google(sections.table("google"), times),
        amazon=_amazon(sections.table("amazon"), cache),
        facebook=_facebook(sections.table("facebook"), cache, environ),
        oidc=OidcVerifierSettings(times=times),
        jwks=replace(jwks, allow_loopback_http=http.allow_loopback_http),
    )
    saml_table = sections.table("saml")
    replay = saml_table.get("replay_protection", bool, False)
    saml = _saml(saml_table)
    sections.done()
    return IdentitySettings(web=web, saml=saml, saml_replay_protection=replay, http=http)


# --- sections ---------------------------------------------------------------------------


def _http(table: _Table) -> HttpSettings:
    defaults = HttpSettings()
    settings = HttpSettings(
        timeout=table.get("timeout", float, defaults.timeout),
        ca_file=table.get("ca_file", str, None),
        allow_loopback_http=table.get("allow_loopback_http", bool, defaults.allow_loopback_http),
    )
    table.done()
    return settings


def _jwks(table: _Table) -> JwksSettings:
    d = _default_web().jwks
    settings = replace(
        d,
        refetch_interval=table.get("refetch_interval", float, d.refetch_interval),
        failure_backoff=table.get("failure_backoff", float, d.failure_backoff),
        default_ttl=table.get("default_ttl", float, d.default_ttl),
        min_ttl=table.get("min_ttl", float, d.min_ttl),
        max_ttl=table.get("max_ttl", float, d.max_ttl),
        max_stale=table.get("max_stale", float, d.max_stale),
    )
    table.done()
    return settings


def _cache(table: _Table) -> TokenCacheSettings:
    d = TokenCacheSettings()
    settings = TokenCacheSettings(
        ttl=table.get("ttl", float, d.ttl),
        max_entries=table.get("max_entries", int, d.max_entries),
    )
    table.done()
    return settings


def _times(table: _Table) -> TimeRules:
    defaults = TimeRules()
    max_age = table.get("max_age", float, defaults.max_age)
    rules = TimeRules(
        leeway=table.get("leeway", float, defaults.leeway),
        max_age=max_age if max_age else None,  # 0 turns the "Token too old" check off
    )
    table.done()
    return rules


def _google(table: _Table, times: TimeRules) -> GoogleSettings | None:
    defaults = GoogleSettings()
    enabled = table.get("enabled", bool, True)
    discovery = table.get("discovery", bool, False)
    jwks_url = table.get("jwks_url", str, defaults.jwks_url)
    issuer = table.get("discovery_issuer", str, defaults.discovery_issuer)
    table.done()
    if not enabled:
        return None
    return GoogleSettings(
        jwks_url=None if discovery else jwks_url, discovery_issuer=issuer, times=times
    )


def _amazon(table: _Table, cache: TokenCacheSettings) -> AmazonSettings | None:
    enabled = table.get("enabled", bool, True)
    url = table.get("tokeninfo_url", str, AmazonSettings().tokeninfo_url)
    table.done()
    return AmazonSettings(tokeninfo_url=url, cache=cache) if enabled else None


def _facebook(
    table: _Table, cache: TokenCacheSettings, environ: Mapping[str, str]
) -> FacebookSettings | None:
    enabled = table.get("enabled", bool, True)
    url = table.get("graph_url", str, FacebookSettings().graph_url)
    token = table.get("app_access_token", str, None)
    variable = table.get("app_access_token_env", str, None)
    table.done()
    if token is not None and variable is not None:
        raise IdentityConfigError(
            "[facebook]: give app_access_token or app_access_token_env, not both"
        )
    if variable is not None:
        token = environ.get(variable)
        if not token:
            raise IdentityConfigError(f"[facebook]: environment variable {variable} is not set")
    if not enabled:
        return None
    return FacebookSettings(graph_url=url, app_access_token=token, cache=cache)


def _saml(table: _Table) -> SamlSettings:
    d = SamlSettings()
    settings = SamlSettings(
        recipients=tuple(table.get_list("recipients", d.recipients)),
        accept_regional_signin=table.get("accept_regional_signin", bool, d.accept_regional_signin),
        audiences=tuple(table.get_list("audiences", d.audiences)),
        clock_skew=table.get("clock_skew", float, d.clock_skew),
        max_response_age=table.get("max_response_age", float, d.max_response_age),
        allow_sha1=table.get("allow_sha1", bool, d.allow_sha1),
    )
    table.done()
    return settings


# --- a strict reader ----------------------------------------------------------------------


class _Table:
    """One TOML table read key by key; `done()` rejects whatever was not read."""

    def __init__(self, values: Mapping[str, Any], name: str) -> None:
        self._values = values
        self._name = name
        self._read: set[str] = set()

    def table(self, key: str) -> _Table:
        value: dict[str, Any] = self.get(key, dict, {})
        return _Table(value, key)

    def get(self, key: str, kind: Callable[..., T], default: T) -> T:
        self._read.add(key)
        if key not in self._values:
            return default
        value = self._values[key]
        if not _is_a(value, kind):
            raise IdentityConfigError(f"{self._where(key)} must be {_describe(kind)}")
        result: T = kind(value)
        return result

    def get_list(self, key: str, default: tuple[str, ...]) -> list[str]:
        values = self.get(key, list, list(default))
        if not all(isinstance(v, str) and v for v in values):
            raise IdentityConfigError(f"{self._where(key)} must be a list of strings")
        return values

    def done(self) -> None:
        unknown = sorted(set(self._values) - self._read)
        if unknown:
            where = f"[{self._name}]" if self._name else "the file"
            raise IdentityConfigError(f"{where}: unknown setting {unknown[0]!r}")

    def _where(self, key: str) -> str:
        return f"[{self._name}] {key}" if self._name else f"[{key}]"


def _is_a(value: object, kind: Callable[..., Any]) -> bool:
    if kind is float:  # TOML integers are fine where seconds are expected
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, kind)  # type: ignore[arg-type]


_KIND_NAMES: dict[object, str] = {
    float: "a non-negative number",
    int: "a non-negative integer",
    bool: "true or false",
    str: "a string",
    list: "a list",
    dict: "a table",
}


def _describe(kind: Callable[..., Any]) -> str:
    return _KIND_NAMES.get(kind, "of another type")
