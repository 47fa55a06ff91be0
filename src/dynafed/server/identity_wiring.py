"""Builds and routes the identity features: the identity registry (`identity.registry`,
built once, on one HTTP client from the `[http]` settings, and shared by STS and identity
pools), the built-in OpenID provider (`/idp/…`), identity pools
(`AWSCognitoIdentityService.*` and `/cognito-identity/…`) and the web app (`/app/…`).
`build_app` calls `build_identity` once and gives the edge its `IdentityRoutes`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynafed.auth.authenticator import Authenticator
from dynafed.cognito.identities import Identities
from dynafed.cognito.logins import LoginVerifier
from dynafed.cognito.model import get_pool
from dynafed.cognito.openid_token import TOKEN_ALG, OpenIdTokens
from dynafed.cognito.pools import PoolAdmin
from dynafed.cognito.service import TARGET_PREFIX, CognitoIdentityService
from dynafed.core.clock import Clock
from dynafed.demo import seed as demo_seed
from dynafed.enforcement.context import RequestFacts, time_keys
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.iam.provider_records import IamOidcProviders, IamSamlProviders
from dynafed.identity.builtin import BuiltInIssuer
from dynafed.identity.builtin.identity_pool_tokens import IdentityPoolTokens
from dynafed.identity.fetch import UrllibFetcher
from dynafed.identity.registry import IdentityProviders, build_identity_providers
from dynafed.server import cognito_endpoint, idp_endpoint, signin_pool
from dynafed.server.asgi import Request
from dynafed.server.identity_settings import IdentitySettings
from dynafed.server.signin_pool import SignInPool
from dynafed.server.static_endpoint import APP_PATH, StaticApp, default_web_dir
from dynafed.storage.port import Storage
from dynafed.sts.assume_role_with_web_identity import AssumeRoleWithWebIdentity
from dynafed.sts.keyring_store import KeyringStore
from dynafed.sts.role_sessions import RoleSessions
from dynafed.userpool.issuer import PATH_PREFIX, Deps, PoolDirectory
from dynafed.userpool.passwords import Passwords
from dynafed.userpool.provider import UserPoolProvider
from dynafed.userpool.rate_limit import BucketRules
from dynafed.userpool.signin import Authenticator as PasswordCheck
from dynafed.userpool.signing import RotatingSigningKeys
from dynafed.userpool.throttle import DEFAULT_FAILURES_PER_MINUTE, SignInThrottle

if TYPE_CHECKING:
    from dynafed.server.app import Services
    from dynafed.server.settings import Settings

Response = tuple[int, bytes, list[tuple[str, str]]]
COGNITO_KEYS_NAME = "cognito-identity"


@dataclass
class IdentityRoutes:
    cognito: CognitoIdentityService
    openid_tokens: OpenIdTokens
    provider: UserPoolProvider
    pools: PoolDirectory
    web_app: StaticApp
    demo_config: Callable[[], dict[str, Any] | None]
    signins: SignInPool
    """The threads that check passwords (server/signin_pool.py)."""
    providers: IdentityProviders
    """The identity registry, for STS too: identity-pool OpenID tokens are among its
    built-in issuers (the basic flow)."""

    async def dispatch(
        self, services: Services, request: Request, target: str, request_id: str
    ) -> Response | None:
        """The answer if the request is ours; None lets the edge route it elsewhere."""
        if target.startswith(TARGET_PREFIX):
            return await cognito_endpoint.handle(
                self.cognito,
                services.authenticator,
                services.executor,
                request,
                target,
                request_id,
            )
        if target:
            return None
        if request.path.startswith(PATH_PREFIX):
            return await idp_endpoint.handle(
                self.provider, services.executor, self.signins, request
            )
        if request.method == "GET" and request.path.startswith(cognito_endpoint.ISSUER_PATH):
            return cognito_endpoint.well_known(self.openid_tokens, request.path)
        if request.method == "GET" and (request.path + "/").startswith(APP_PATH):
            if request.path == APP_PATH.rstrip("/"):
                return 308, b"", [("location", APP_PATH)]
            return self.web_app.handle(request.path)
        return None

    def close(self) -> None:
        self.signins.close()


def identity_providers(
    storage: Storage,
    clock: Clock,
    settings: IdentitySettings,
    built_in: tuple[BuiltInIssuer, ...] = (),
) -> IdentityProviders:
    """The identity registry on IAM's providers in `storage`, every provider asked through
    one HTTP client made from the `[http]` settings."""
    http = settings.http
    fetch = UrllibFetcher(
        http.timeout, ca_file=http.ca_file, allow_loopback_http=http.allow_loopback_http
    )
    return build_identity_providers(
        fetch,
        clock,
        IamOidcProviders(storage),
        settings.web,
        saml_providers=IamSamlProviders(storage),
        built_in=built_in,
    )


def build_identity(
    storage: Storage,
    clock: Clock,
    public_url: str,
    keyrings: KeyringStore,
    compiled: CompiledPolicies,
    facts: RequestFacts,
    demo_config: Callable[[], dict[str, Any] | None] = lambda: None,
    *,
    settings: IdentitySettings | None = None,
    signin_failures_per_minute: int = DEFAULT_FAILURES_PER_MINUTE,
    signin_threads: int = signin_pool.DEFAULT_THREADS,
    signin_queue: int = signin_pool.DEFAULT_QUEUE,
) -> IdentityRoutes:
    pools = PoolDirectory(Deps(storage, clock, public_url, secrets.token_urlsafe))
    throttle = SignInThrottle(BucketRules.per_minute(signin_failures_per_minute))
    check = PasswordCheck(storage, clock, Passwords(), throttle)
    provider = UserPoolProvider(pools, check)
    signins = SignInPool(signin_threads, signin_queue)

    def classic_flow_allowed(pool_id: str) -> bool:
        with storage.read() as view:
            pool = get_pool(view, pool_id)
        return pool is not None and pool.allow_classic_flow

    keys = RotatingSigningKeys(storage, clock, COGNITO_KEYS_NAME, TOKEN_ALG, kid_prefix="dynafed-")
    issuer = f"{public_url.rstrip('/')}{cognito_endpoint.ISSUER_PATH}"
    tokens = OpenIdTokens(keys, issuer, clock)
    pool_tokens = IdentityPoolTokens(keys, issuer, clock, classic_flow_allowed)
    providers = identity_providers(
        storage, clock, settings or IdentitySettings(), built_in=(pool_tokens,)
    )
    logins = LoginVerifier(pools, providers)
    sessions = RoleSessions(storage, clock, keyrings.current, secrets.token_bytes, compiled.get)

    def request_context() -> dict[str, list[str]]:
        return {
            **time_keys(clock.now()),
            "aws:RequestedRegion": [facts.requested_region],
            "aws:SecureTransport": ["true" if facts.secure_transport else "false"],
        }

    enhanced = AssumeRoleWithWebIdentity(providers, sessions, request_context)
    identities = Identities(storage, clock, logins, tokens, enhanced.issue)
    cognito = CognitoIdentityService(PoolAdmin(storage), identities)
    web_app = StaticApp(default_web_dir(), demo_config)
    return IdentityRoutes(
        cognito, tokens, provider, pools, web_app, demo_config, signins, providers
    )


def demo_config(
    storage: Storage, public_url: str, region: str
) -> Callable[[], dict[str, Any] | None]:
    """The web app's `/app/config.json`, if the demo was ever seeded into this storage."""

    def config() -> dict[str, Any] | None:
        state = demo_seed.load(storage)
        return demo_seed.web_config(state, public_url, region) if state is not None else None

    return config


def seed_demo(
    services: Services, storage: Storage, clock: Clock, settings: Settings, public_url: str
) -> str:
    """Seed `--demo` (idempotent) and return the lines to print at start-up."""
    demo_services = demo_seed.DemoServices(
        storage,
        clock,
        services.iam,
        services.dynamodb,
        settings.account_id,
        settings.region,
        public_url,
    )
    return demo_seed.banner(demo_seed.seed(demo_services), public_url)


__all__ = [
    "Authenticator",
    "IdentityRoutes",
    "build_identity",
    "demo_config",
    "identity_providers",
    "seed_demo",
]
