"""Builds the running server from its settings: storage, services, authentication."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

from dynafed.auth.authenticator import AdminCredentials, Authenticator
from dynafed.core.clock import Clock, SystemClock
from dynafed.core.regions import Regions
from dynafed.dynamodb.background import BackgroundWorker
from dynafed.dynamodb.regional_keys import move_unregioned_tables
from dynafed.dynamodb.service import DynamoDBService
from dynafed.enforcement.audit import AuditSink, open_audit_log
from dynafed.enforcement.authorizer import Authorizers
from dynafed.enforcement.context import RequestFacts, time_keys
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.enforcement.role_cache import RoleCache
from dynafed.iam.service import IamService
from dynafed.identity.registry import IdentityProviders
from dynafed.server.app import DynafedApp, Services
from dynafed.server.identity_settings import JWKS_REFETCH_SECONDS as JWKS_REFETCH_SECONDS
from dynafed.server.identity_settings import IdentitySettings
from dynafed.server.identity_wiring import (
    build_identity,
    demo_config,
    identity_providers,
    seed_demo,
)
from dynafed.server.inline_reads import never_inline, runs_inline
from dynafed.server.settings import Settings
from dynafed.storage.factory import open_storage
from dynafed.storage.port import Storage
from dynafed.sts.assume_role import AssumeRole
from dynafed.sts.assume_role_with_saml import AssumeRoleWithSaml
from dynafed.sts.assume_role_with_web_identity import AssumeRoleWithWebIdentity
from dynafed.sts.credentials import SessionTokenResolver
from dynafed.sts.keyring_store import KeyringStore
from dynafed.sts.opened_sessions import OpenedSessions
from dynafed.sts.role_sessions import RoleSessions
from dynafed.sts.saml_replay import AssertionLedger
from dynafed.sts.service import StsService

SQLITE_FILE = "dynafed.sqlite3"


def storage_url(settings: Settings) -> str:
    return settings.storage_url or f"sqlite:///{settings.data_dir.resolve() / SQLITE_FILE}"


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
) -> StsService:
    """`providers`: the server's one identity registry (`build_identity` makes it); None
    builds one from `identity` (STS alone, without the identity pools' issuer)."""
    providers = providers or identity_providers(storage, clock, identity)
    sessions = RoleSessions(storage, clock, keyrings.current, secrets.token_bytes, compiled.get)

    def request_context() -> dict[str, list[str]]:
        return {
            **time_keys(clock.now()),
            "aws:RequestedRegion": [facts.requested_region],
            "aws:SecureTransport": ["true" if facts.secure_transport else "false"],
        }

    web_identity = AssumeRoleWithWebIdentity(providers, sessions, request_context)
    ledger = AssertionLedger(storage) if identity.saml_replay_protection else None
    saml = AssumeRoleWithSaml(
        providers.saml_provider, sessions, clock, request_context, identity.saml, ledger
    )
    assume_role = AssumeRole(sessions, authorizers)
    return StsService(
        {
            "AssumeRoleWithWebIdentity": lambda params, _caller: web_identity(params),
            "AssumeRoleWithSAML": lambda params, _caller: saml(params),
            "AssumeRole": assume_role,
        },
        audit,
    )


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
    authorizers = Authorizers(RoleCache(storage, clock), compiled, clock, facts, audit)
    sessions = SessionTokenResolver(keyrings.current, keyrings.containing, OpenedSessions())

    public_url = settings.public_url or f"http://{settings.host}:{settings.port}"
    identity = build_identity(
        storage,
        clock,
        public_url,
        keyrings,
        compiled,
        facts,
        demo_config(storage, public_url, settings.region),
        settings=settings.identity,
        signin_failures_per_minute=settings.signin_failures_per_minute,
        signin_threads=settings.signin_threads,
        signin_queue=settings.signin_queue,
    )

    executor = ThreadPoolExecutor(settings.worker_threads, thread_name_prefix="dynafed")
    background = BackgroundWorker(storage, clock, ttl_interval=settings.ttl_sweep_interval)
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
            sessions=sessions,
            regions=Regions.of(settings.region, settings.regions),
        ),
        dynamodb=DynamoDBService(storage, settings.account_id, settings.region, clock),
        sts=build_sts(
            storage,
            clock,
            keyrings,
            compiled,
            authorizers,
            facts,
            audit,
            settings.identity or IdentitySettings(),
            identity.providers,
        ),
        iam=IamService(storage, settings.account_id, clock),
        authorizer_for=authorizers,
        executor=executor,
        max_body_bytes=settings.max_body_bytes,
        on_close=close,
        identity=identity,
        # Local storage answers reads in microseconds: run them on the loop (inline_reads).
        runs_inline=(runs_inline if storage.local_reads else never_inline),
        # SQLite's group-commit writer reports commits to the loop (deferred_writes).
        write_later=storage.write_later,
    )
    if settings.demo:
        print(seed_demo(services, storage, clock, settings, public_url), flush=True)
    return DynafedApp(services)
