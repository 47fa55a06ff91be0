"""GetSessionToken and GetFederationToken: temporary credentials an IAM user (or the
account) mints for itself with its long-term key
(https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html,
API_GetFederationToken.html).

A GetSessionToken session is the user itself with temporary credentials: the same
permissions, `aws:MultiFactorAuthPresent` false (dynafed has no MFA devices, so a
`SerialNumber` is refused as an unknown device). A GetFederationToken session is a federated
user, `arn:aws:sts::ACCT:federated-user/NAME`, allowed what both the calling user's policies
and the session policies passed allow (nothing when none is passed); calling it needs
`sts:GetFederationToken` on that ARN (and `sts:TagSession` to pass tags). The account's own
credentials get at most one-hour sessions with the account's permissions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynafed.auth.principal import Principal, SessionContext, SessionKind
from dynafed.core.authorization import AuthorizationRequest, Authorizer
from dynafed.core.clock import Clock
from dynafed.errors import AccessDenied, AccessDeniedException, MissingAuthenticationTokenException
from dynafed.iam import repository
from dynafed.storage.port import Storage
from dynafed.sts.credentials import federated_user_arn, issue_credentials
from dynafed.sts.parameters import (
    DEFAULT_USER_SESSION_SECONDS,
    MAX_ROOT_SESSION_SECONDS,
    parse_access_key_info_request,
    parse_federation_token_request,
    parse_session_token_request,
)
from dynafed.sts.responses import credentials
from dynafed.sts.session_policies import check_session_policies
from dynafed.sts.session_token import Keyring, RandomBytes
from dynafed.sts.trust import ParsePolicy

MISSING_AUTHENTICATION = "Request is missing Authentication Token"
MFA_FAILED = (
    "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA "
    "serial number is valid and associated with this user."
)

AuthorizerFor = Callable[[Principal], Authorizer]


def _long_term_caller(caller: Principal | None, action: str) -> Principal:
    if caller is None:
        raise MissingAuthenticationTokenException(MISSING_AUTHENTICATION)
    if caller.is_temporary:
        raise AccessDenied(f"Cannot call {action} with session credentials")
    return caller


def _duration(requested: int | None, caller: Principal) -> int:
    """A user's sessions last 12 hours by default, up to 36; the account's at most one."""
    if caller.is_admin:
        return min(requested or MAX_ROOT_SESSION_SECONDS, MAX_ROOT_SESSION_SECONDS)
    return requested or DEFAULT_USER_SESSION_SECONDS


class CallerSessions:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        keyring: Callable[[], Keyring],
        random_bytes: RandomBytes,
        parse: ParsePolicy,
        authorizer_for: AuthorizerFor,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._keyring = keyring
        self._random_bytes = random_bytes
        self._parse = parse
        self._authorizer_for = authorizer_for

    def get_session_token(self, params: dict[str, str], caller: Principal | None) -> dict[str, Any]:
        caller = _long_term_caller(caller, "GetSessionToken")
        request = parse_session_token_request(params)
        if request.serial_number is not None or request.token_code is not None:
            raise AccessDenied(MFA_FAILED)
        now = int(self._clock.now())
        user = caller.user
        session = SessionContext(
            role_arn="",
            role_id="",
            session_name=user.name if user is not None else "",
            expires_at=float(now + _duration(request.duration_seconds, caller)),
            issued_at=float(now),
            kind=SessionKind.USER if user is not None else SessionKind.ROOT,
            user=user,
        )
        issued = issue_credentials(session, self._keyring(), self._random_bytes)
        return {"Credentials": credentials(issued)}

    def get_federation_token(
        self, params: dict[str, str], caller: Principal | None
    ) -> dict[str, Any]:
        caller = _long_term_caller(caller, "GetFederationToken")
        request = parse_federation_token_request(params)
        arn = federated_user_arn(caller.account_id, request.name)
        asked = [AuthorizationRequest("sts:GetFederationToken", arn)]
        if request.tags:
            asked.append(AuthorizationRequest("sts:TagSession", arn))
        try:
            self._authorizer_for(caller).authorize(asked)
        except AccessDeniedException as denied:
            raise AccessDenied(denied.message) from denied
        with self._storage.read() as view:
            existing = {a for a in request.policy_arns if repository.find_policy(view, a)}
        packed = check_session_policies(
            request.policy, request.policy_arns, request.tags, existing.__contains__, self._parse
        )
        now = int(self._clock.now())
        session = SessionContext(
            role_arn="",
            role_id="",
            session_name=request.name,
            expires_at=float(now + _duration(request.duration_seconds, caller)),
            session_policies=(request.policy,) if request.policy is not None else (),
            has_session_policies=True,
            tags=dict(request.tags),
            issued_at=float(now),
            policy_arns=request.policy_arns,
            kind=SessionKind.FEDERATED_USER,
            user=caller.user,
        )
        issued = issue_credentials(session, self._keyring(), self._random_bytes)
        return {
            "Credentials": credentials(issued),
            "FederatedUser": {"FederatedUserId": f"{caller.account_id}:{request.name}", "Arn": arn},
            "PackedPolicySize": packed,
        }

    def get_access_key_info(
        self, params: dict[str, str], caller: Principal | None
    ) -> dict[str, Any]:
        """The account an access key belongs to. dynafed serves one account, so every key
        id it is asked about is that account's (AWS decodes the account from the key id
        and likewise says nothing of whether the key exists or is active)."""
        if caller is None:
            raise MissingAuthenticationTokenException(MISSING_AUTHENTICATION)
        parse_access_key_info_request(params)
        try:
            self._authorizer_for(caller).authorize(
                [AuthorizationRequest("sts:GetAccessKeyInfo", "*")]
            )
        except AccessDeniedException as denied:
            raise AccessDenied(denied.message) from denied
        return {"Account": caller.account_id}
