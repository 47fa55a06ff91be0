"""The composition root: the running server built from its settings, every service once.

`build_app(settings, admin)`: storage → the pieces every service shares (keyrings, compiled
policies, authorizers, the session-token resolver) → the identity registry (one HTTP client
from the `[http]` settings) → role sessions and `AssumeRoleWithWebIdentity` (one each,
shared by STS and the identity pools' enhanced flow) → STS, IAM, DynamoDB, the identity
endpoints → `Services` → the app. The builders take their collaborators as arguments, so
tests call them with doubles (memory storage, a fixed clock).
"""

from __future__ import annotations

import functools
import os
import secrets
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

from dynafed.auth.authenticator import AdminCredentials, Authenticator
from dynafed.cognito.identities import Identities
from dynafed.cognito.logins import LoginVerifier
from dynafed.cognito.model import classic_flow_allowed
from dynafed.cognito.openid_token import TOKEN_ALG, OpenIdTokens
from dynafed.cognito.pools import PoolAdmin
from dynafed.cognito.service import CognitoIdentityService
from dynafed.core.clock import Clock, SystemClock
from dynafed.core.node_cache import NodeCache
from dynafed.core.regions import Regions
from dynafed.demo import seed as demo_seed
from dynafed.dynamodb.background import BackgroundWorker
from dynafed.dynamodb.regional_keys import move_unregioned_tables
from dynafed.dynamodb.service import DynamoDBService, runs_inline
from dynafed.dynamodb.streams.model import StreamPolicy
from dynafed.dynamodb.streams.service import StreamsService
from dynafed.enforcement.audit import AuditSink, open_audit_log
from dynafed.enforcement.authorizer import Authorizers
from dynafed.enforcement.context import RequestFacts, UnsignedCallContext
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.enforcement.role_cache import DEFAULT_TTL_SECONDS, RoleCache
from dynafed.enforcement.user_cache import UserCache
from dynafed.iam.api.service import IamService
from dynafed.iam.key_last_use import KeyUseRecorder
from dynafed.iam.provider_records import IamOidcProviders, IamSamlProviders
from dynafed.iam.secret_seal import SecretSealer
from dynafed.iam.user_keys import UserKeys
from dynafed.identity.builtin import BuiltInIssuer
from dynafed.identity.builtin.identity_pool_tokens import IdentityPoolTokens
from dynafed.identity.fetch import UrllibFetcher
from dynafed.identity.registry import IdentityProviders, build_identity_providers
from dynafed.identity.saml.verifier import SamlSettings
from dynafed.server import cognito_endpoint, signin_pool
from dynafed.server.app import DynafedApp
from dynafed.server.executor import ContextExecutor
from dynafed.server.identity_endpoints import IdentityEndpoints
from dynafed.server.identity_settings import JWKS_REFETCH_SECONDS as JWKS_REFETCH_SECONDS
from dynafed.server.identity_settings import IdentitySettings
from dynafed.server.offset_clock import OffsetFileClock
from dynafed.server.services import Services, never_inline
from dynafed.server.settings import Settings
from dynafed.server.signin_pool import SignInPool
from dynafed.server.static_endpoint import StaticApp, default_web_dir
from dynafed.storage.factory import open_storage
from dynafed.storage.port import Storage
from dynafed.sts.assume_role import AssumeRole
from dynafed.sts.assume_role_with_saml import AssumeRoleWithSaml
from dynafed.sts.assume_role_with_web_identity import AssumeRoleWithWebIdentity
from dynafed.sts.caller_sessions import CallerSessions
from dynafed.sts.keyring_store import KeyringStore
from dynafed.sts.role_sessions import RoleSessions
from dynafed.sts.saml_replay import AssertionLedger
from dynafed.sts.service import StsService, ignoring_caller
from dynafed.sts.session_resolver import OpenedSessions, SessionTokenResolver
from dynafed.sts.trust import TrustedRoles
from dynafed.userpool.api.context import ApiContext
from dynafed.userpool.api.service import CognitoIdpService
from dynafed.userpool.issuer import Deps, PoolDirectory
from dynafed.userpool.passwords import Passwords
from dynafed.userpool.provider import UserPoolProvider
from dynafed.userpool.rate_limit import BucketRules
from dynafed.userpool.signin import Authenticator as PasswordCheck
from dynafed.userpool.signing import RotatingSigningKeys
from dynafed.userpool.throttle import DEFAULT_FAILURES_PER_MINUTE, SignInThrottle

COGNITO_KEYS_NAME = "cognito-identity"

SQLITE_FILE = "dynafed.sqlite3"
IAM_CACHE_ENV = "DYNAFED_IAM_CACHE_SECONDS"
"""How long a node keeps IAM data it read for enforcement and STS (roles, trust policies,
users, access keys): the bound on how late an IAM change (a detached policy, an inactive key,
a new trust policy) made through another node takes effect."""


def iam_cache_seconds(environ: dict[str, str] | None = None) -> float:
    raw = (environ if environ is not None else dict(os.environ)).get(IAM_CACHE_ENV)
    if not raw:
        return DEFAULT_TTL_SECONDS
    value = float(raw)
    if not 0 <= value <= 300:
        raise ValueError(f"{IAM_CACHE_ENV} must be between 0 and 300 seconds")
    return value


def storage_url(settings: Settings) -> str:
    return settings.storage_url or f"sqlite:///{settings.data_dir.resolve() / SQLITE_FILE}"


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


def build_sts(
    storage: Storage,
    clock: Clock,
    keyrings: KeyringStore,
    compiled: CompiledPolicies,
    authorizers: Authorizers,
    facts: RequestFacts,
    audit: AuditSink | None,
    identity: IdentitySettings,
    providers: IdentityProviders | None = None,
    sessions: RoleSessions | None = None,
    web_identity: AssumeRoleWithWebIdentity | None = None,
) -> StsService:
    """STS's actions on one set of role sessions. `providers`, `sessions`, `web_identity`:
    the server's own (`build_app` makes each once); None builds them here, for STS alone."""
    providers = providers or identity_providers(storage, clock, identity)
    context = UnsignedCallContext(clock, facts)
    if sessions is None:
        sessions = RoleSessions(storage, clock, keyrings.current, secrets.token_bytes, compiled.get)
    if web_identity is None:
        web_identity = AssumeRoleWithWebIdentity(providers, sessions, context)
    ledger = AssertionLedger(storage) if identity.saml_replay_protection else None
    saml = AssumeRoleWithSaml(
        providers.saml_provider, sessions, clock, context, identity.saml, ledger
    )
    assume_role = AssumeRole(sessions, authorizers)
    exchange = web_identity
    callers = CallerSessions(
        storage, clock, keyrings.current, secrets.token_bytes, compiled.get, authorizers
    )
    return StsService(
        {
            "AssumeRoleWithWebIdentity": ignoring_caller(exchange),
            "AssumeRoleWithSAML": ignoring_caller(saml),
            "AssumeRole": assume_role,
            "GetSessionToken": callers.get_session_token,
            "GetFederationToken": callers.get_federation_token,
            "GetAccessKeyInfo": callers.get_access_key_info,
        },
        audit,
    )


def build_identity_endpoints(
    storage: Storage,
    clock: Clock,
    public_url: str,
    openid_tokens: OpenIdTokens,
    providers: IdentityProviders,
    web_identity: AssumeRoleWithWebIdentity,
    demo_config: Callable[[], dict[str, Any] | None] = lambda: None,
    *,
    signin_failures_per_minute: int = DEFAULT_FAILURES_PER_MINUTE,
    signin_threads: int = signin_pool.DEFAULT_THREADS,
    signin_queue: int = signin_pool.DEFAULT_QUEUE,
    account_id: str = "000000000000",
    saml: SamlSettings | None = None,
    pools_changed: Callable[[], None] = lambda: None,
) -> IdentityEndpoints:
    """The built-in user pools, identity pools and the web app, on the server's one
    identity registry and its one `AssumeRoleWithWebIdentity` (the enhanced flow).
    `pools_changed` is told of every identity-pool write (`identity_pool_issuer`)."""
    pools = PoolDirectory(Deps(storage, clock, public_url, secrets.token_urlsafe))
    throttle = SignInThrottle(BucketRules.per_minute(signin_failures_per_minute))
    passwords = Passwords()
    check = PasswordCheck(storage, clock, passwords, throttle)
    provider = UserPoolProvider(pools, check)
    cognito_idp = CognitoIdpService(ApiContext(pools, passwords, check, account_id))
    signins = SignInPool(signin_threads, signin_queue)
    logins = LoginVerifier(pools, providers, clock, saml)
    identities = Identities(storage, clock, logins, openid_tokens, web_identity.issue)
    cognito = CognitoIdentityService(PoolAdmin(storage, on_change=pools_changed), identities)
    static_app = StaticApp(default_web_dir(), demo_config)
    return IdentityEndpoints(
        cognito,
        openid_tokens,
        provider,
        pools,
        static_app,
        demo_config,
        signins,
        providers,
        cognito_idp,
    )


def identity_pool_issuer(
    storage: Storage, clock: Clock, public_url: str, pools_kept_for: float = 0.0
) -> tuple[OpenIdTokens, IdentityPoolTokens, Callable[[], None]]:
    """The identity pools' OpenID issuer: what mints its tokens (GetOpenIdToken) and what
    verifies them for STS (the basic flow), on one set of rotating signing keys; and what to
    tell when a pool is written. Whether a pool allows the basic flow is kept for
    `pools_kept_for` seconds, as IAM data is (every STS exchange of its tokens asks)."""

    keys = RotatingSigningKeys(storage, clock, COGNITO_KEYS_NAME, TOKEN_ALG, kid_prefix="dynafed-")
    issuer = f"{public_url.rstrip('/')}{cognito_endpoint.ISSUER_PATH}"
    classic_flow = NodeCache(
        functools.partial(classic_flow_allowed, storage), clock, pools_kept_for
    )
    return (
        OpenIdTokens(keys, issuer, clock),
        IdentityPoolTokens(keys, issuer, clock, classic_flow.get),
        classic_flow.changed,
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


def read_something(storage: Storage) -> None:
    """One small read, for `/health/ready`: raises if the database does not answer it."""
    with storage.read() as view:
        view.get_document("storage", "isolation")


STREAM_LANES_ON_A_SERVER_DATABASE = 4
"""Lanes of a stream on PostgreSQL unless `--stream-lanes` says otherwise: each lane's
counter is a lock writers queue for, so four let writes to different partition keys commit
side by side (issue 14: PutItem on a streamed table 0.37x the plain table with one lane,
0.72-0.79x with four; 8 and 16 measured no better), while a reader still polls few shards."""


def stream_lanes(settings: Settings, storage: Storage) -> int:
    """How many lanes a stream enabled from now on gets (`Settings.stream_lanes`)."""
    if settings.stream_lanes is not None:
        return settings.stream_lanes
    # Local storage (SQLite, memory) commits one write at a time: lanes would buy nothing.
    return 1 if storage.local_reads else STREAM_LANES_ON_A_SERVER_DATABASE


def data_plane_clock(settings: Settings, clock: Clock) -> Clock:
    """The clock of the Streams API and the background worker: `clock`, or the test clock
    `--test-clock-file` asks for (server/offset_clock.py), announced on stderr."""
    if settings.test_clock_file is None:
        return clock
    print(
        f"dynafed: --test-clock-file {settings.test_clock_file}: the Streams API and the "
        "background worker run on a test clock; do not use this option outside tests",
        file=sys.stderr,
        flush=True,
    )
    return OffsetFileClock(settings.test_clock_file)


def iam_changed(
    trusted_roles: TrustedRoles, roles: RoleCache, users: UserCache, keys: UserKeys
) -> None:
    """An IAM write through this node takes effect on it at once, for STS and for every
    request's authentication and authorization alike; other nodes see it within the IAM
    cache bound."""
    trusted_roles.changed()
    roles.forget()
    users.forget()
    keys.forget()


def build_app(settings: Settings, admin: AdminCredentials) -> DynafedApp:
    clock = SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    storage = open_storage(storage_url(settings))
    move_unregioned_tables(storage)
    audit_log = open_audit_log(settings.audit_log, clock)
    audit = audit_log.record if audit_log is not None else None
    keyrings = KeyringStore(storage, clock, secrets.token_bytes)
    compiled = CompiledPolicies()
    facts = RequestFacts(requested_region=settings.region)
    iam_ttl = iam_cache_seconds()
    role_cache = RoleCache(storage, clock, iam_ttl)
    user_cache = UserCache(storage, clock, iam_ttl)
    authorizers = Authorizers(role_cache, compiled, clock, facts, audit, users=user_cache)
    sealer = SecretSealer(storage, admin.secret_access_key)
    user_keys = UserKeys(
        storage, sealer, clock, settings.account_id, iam_ttl, last_use=KeyUseRecorder(storage)
    )
    session_tokens = SessionTokenResolver(
        keyrings.current, keyrings.containing, OpenedSessions(), settings.account_id
    )
    identity_settings = settings.identity or IdentitySettings()

    public_url = settings.public_url or f"http://{settings.host}:{settings.port}"
    openid_tokens, pool_tokens, pools_changed = identity_pool_issuer(
        storage, clock, public_url, iam_ttl
    )
    providers = identity_providers(storage, clock, identity_settings, built_in=(pool_tokens,))
    # Roles STS is asked to assume, kept as the role cache keeps them; IAM writes through
    # this node take effect at once.
    trusted_roles = TrustedRoles(storage, clock, compiled.get, iam_ttl)
    role_sessions = RoleSessions(
        storage, clock, keyrings.current, secrets.token_bytes, compiled.get, trusted_roles
    )
    web_identity = AssumeRoleWithWebIdentity(
        providers, role_sessions, UnsignedCallContext(clock, facts)
    )
    identity = build_identity_endpoints(
        storage,
        clock,
        public_url,
        openid_tokens,
        providers,
        web_identity,
        demo_config(storage, public_url, settings.region),
        signin_failures_per_minute=settings.signin_failures_per_minute,
        signin_threads=settings.signin_threads,
        signin_queue=settings.signin_queue,
        account_id=settings.account_id,
        saml=identity_settings.saml,
        pools_changed=pools_changed,
    )

    executor = ContextExecutor(settings.worker_threads, thread_name_prefix="dynafed")
    data_clock = data_plane_clock(settings, clock)
    background = BackgroundWorker(storage, data_clock, ttl_interval=settings.ttl_sweep_interval)
    background.start()

    def close() -> None:
        background.stop()
        executor.shutdown(wait=True)
        identity.close()
        storage.close()
        if audit_log is not None:
            audit_log.close()
        print("dynafed stopped: in-flight requests finished, storage closed", flush=True)

    services = Services(
        authenticator=Authenticator(
            admin,
            settings.account_id,
            clock,
            sessions=session_tokens,
            regions=Regions.of(settings.region, settings.regions),
            users=user_keys,
        ),
        dynamodb=DynamoDBService(
            storage,
            settings.account_id,
            settings.region,
            clock,
            stream_policy=StreamPolicy(
                shard_records=settings.stream_shard_records,
                lanes=stream_lanes(settings, storage),
            ),
        ),
        streams=StreamsService(
            storage, settings.account_id, settings.region, data_clock, secrets.token_bytes
        ),
        sts=build_sts(
            storage,
            clock,
            keyrings,
            compiled,
            authorizers,
            facts,
            audit,
            identity_settings,
            providers,
            role_sessions,
            web_identity,
        ),
        iam=IamService(
            storage,
            settings.account_id,
            clock,
            sealer=sealer,
            authorizer_for=authorizers,
            on_change=partial(iam_changed, trusted_roles, role_cache, user_cache, user_keys),
        ),
        authorizer_for=authorizers,
        executor=executor,
        max_body_bytes=settings.max_body_bytes,
        on_close=close,
        identity=identity,
        # Local storage answers reads in microseconds: small ones run on the event loop
        # (server/dynamodb_endpoint.py).
        runs_inline=(runs_inline if storage.local_reads else never_inline),
        reads_on_loop=storage.reads_on_loop,
        # SQLite's group-commit writer reports commits to the loop (deferred_writes).
        write_later=storage.write_later,
        database_answers=partial(read_something, storage),
    )
    if settings.demo:
        print(seed_demo(services, storage, clock, settings, public_url), flush=True)
    return DynafedApp(services)
