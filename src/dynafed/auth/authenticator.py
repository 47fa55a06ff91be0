"""Who signed this request: SigV4 verification plus credential lookup.

Long-term admin keys come from the server's configuration. IAM users' long-term (`AKIA…`)
keys are resolved by a `UserKeyResolver` (iam/user_keys.py: storage, kept for a short TTL).
Temporary (`ASIA…`) keys are resolved by a `SessionResolver` that opens the sealed session
token without a database read, so every node accepts credentials any other node minted.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from dynafed.auth import sigv4
from dynafed.auth.principal import Principal
from dynafed.core.clock import Clock
from dynafed.core.regions import Regions
from dynafed.errors import UnrecognizedClientException

INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class AdminCredentials:
    access_key_id: str
    secret_access_key: str
    any_key: bool = False
    """`dynafed serve --any-key` (loopback only): a request signed with any other access key
    id, and any signature, is this admin too, as DynamoDB Local accepts any key. Temporary
    (`ASIA…`) keys sent with a session token are still verified."""


class SessionResolver(Protocol):
    def resolve(
        self, access_key_id: str, session_token: str | None, now: float
    ) -> tuple[str, Principal]:
        """The secret key and principal of a temporary credential, or raise
        UnrecognizedClientException / ExpiredTokenException."""
        ...


class UserKeyResolver(Protocol):
    def resolve(self, access_key_id: str, now: float) -> tuple[str, Principal]:
        """The secret key and principal of an IAM user's active access key, or raise
        UnrecognizedClientException."""
        ...

    def note_use(self, access_key_id: str, service: str, region: str, now: float) -> None:
        """A request signed with the key was accepted (GetAccessKeyLastUsed reports it)."""
        ...


@dataclass(slots=True)  # treat as immutable; not frozen: built for every request
class Authenticated:
    principal: Principal
    scope: sigv4.CredentialScope


class Authenticator:
    def __init__(
        self,
        admin: AdminCredentials,
        account_id: str,
        clock: Clock,
        sessions: SessionResolver | None = None,
        regions: Regions | None = None,
        users: UserKeyResolver | None = None,
    ) -> None:
        self._admin = admin
        self.regions = regions or Regions(DEFAULT_REGION)
        # Clients sign for one region or a few: remember the answers (a bounded cache, since
        # the region comes from the request).
        self._serves = functools.lru_cache(maxsize=64)(self.regions.serves)
        """The regions served: a scope naming another is refused."""
        self._admin_principal = Principal(
            access_key_id=admin.access_key_id,
            account_id=account_id,
            arn=f"arn:aws:iam::{account_id}:root",
            user_id=account_id,
        )
        self._clock = clock
        self._sessions = sessions
        self._users = users
        self._any_key = admin.any_key

    def authenticate(
        self,
        request: sigv4.HttpRequest,
        query: Mapping[str, str],
        services: tuple[str, ...],
        signed_headers: tuple[str, ...] = (),
    ) -> Authenticated:
        """Who signed `request` for one of `services` (the signing names of the APIs this
        request may be for); `signed_headers` must be among the signed ones (a
        JSON-protocol API's `x-amz-target`)."""
        signed = sigv4.parse_signed_request(request, query)
        sigv4.check_service(signed, services)
        sigv4.check_region(signed, self._serves)
        for name in signed_headers:
            sigv4.check_header_signed(signed, name)
        now = self._clock.now()
        sigv4.check_time(signed, now)
        if self._any_key and not _is_session(signed):
            return self._any_key_admin(signed)
        secret, principal = self._lookup(signed, now)
        sigv4.verify_signature(secret, request, signed)
        if principal.user is not None and principal.session is None and self._users is not None:
            scope = signed.credential
            self._users.note_use(scope.access_key_id, scope.service, scope.region, now)
        return Authenticated(principal, signed.credential)

    def _any_key_admin(self, signed: sigv4.SignedRequest) -> Authenticated:
        """`--any-key`: whatever the key and signature, the admin (nothing is verified)."""
        return Authenticated(self._admin_principal, signed.credential)

    def _lookup(self, signed: sigv4.SignedRequest, now: float) -> tuple[str, Principal]:
        key_id = signed.credential.access_key_id
        if key_id == self._admin.access_key_id:
            return self._admin.secret_access_key, self._admin_principal
        if self._sessions is not None and key_id.startswith("ASIA"):
            return self._sessions.resolve(key_id, signed.security_token, now)
        if self._users is not None and key_id.startswith("AKIA"):
            return self._users.resolve(key_id, now)
        raise UnrecognizedClientException(INVALID_TOKEN_MESSAGE)


def _is_session(signed: sigv4.SignedRequest) -> bool:
    """Temporary credentials: an `ASIA…` key sent with its session token."""
    key_id = signed.credential.access_key_id
    return key_id.startswith("ASIA") and bool(signed.security_token)
