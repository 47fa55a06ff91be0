"""The global condition keys of a request made with role-session credentials. Pure.

Keys and values follow iam-fgac.md §2.5, which restates the IAM User Guide's "AWS global
condition context keys" page (reference_policies_condition-keys.html):

- `aws:userid` = `<role-id>:<session-name>`; `aws:PrincipalArn` = the role's ARN (with its
  path), never the session ARN; `aws:PrincipalType` = `AssumedRole`;
  `aws:PrincipalAccount`; `aws:username` is absent for role sessions.
- `aws:TokenIssueTime`, `aws:MultiFactorAuthPresent` (false: web identity is not MFA) for
  temporary credentials; `aws:CurrentTime` / `aws:EpochTime` per request.
- `aws:PrincipalTag/<k>`: the role's tags, overridden by session tags with the same key
  compared case-insensitively (IAM "Passing session tags in AWS STS", id_session-tags.html).
- `aws:FederatedProvider` and the web-identity keys the session kept (`<provider>:sub`,
  `:aud`, `:amr`, ...), which also serve as policy variables (`${<provider>:sub}`).
- `aws:SourceIdentity` when the session has one.
- `aws:SecureTransport`, `aws:RequestedRegion`, and `aws:SourceIp` / `aws:UserAgent` when the
  edge knows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from dynafed.auth.principal import Principal, SessionContext, UserContext
from dynafed.core.clock import Clock
from dynafed.policy import PrincipalType, RequestPrincipal

ContextKeys = dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What the edge knows about how a request arrived."""

    requested_region: str
    secure_transport: bool = False
    source_ip: str | None = None
    user_agent: str | None = None


def iso8601(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def time_keys(now: float) -> ContextKeys:
    return {"aws:CurrentTime": [iso8601(now)], "aws:EpochTime": [str(int(now))]}


def principal_tags(
    role_tags: Iterable[tuple[str, str]], session_tags: Mapping[str, str]
) -> ContextKeys:
    """`aws:PrincipalTag/<k>`; a session tag replaces a role tag whatever their case."""
    overridden = {key.lower() for key in session_tags}
    keys = {f"aws:PrincipalTag/{k}": [v] for k, v in role_tags if k.lower() not in overridden}
    keys.update({f"aws:PrincipalTag/{k}": [v] for k, v in session_tags.items()})
    return keys


def session_keys(
    principal: Principal,
    session: SessionContext,
    role_tags: Iterable[tuple[str, str]],
) -> ContextKeys:
    """Every key that stays the same for all requests of this session (time and
    `request_keys` aside)."""
    keys: ContextKeys = {name: list(values) for name, values in session.context_keys.items()}
    keys.update(
        {
            "aws:userid": [principal.user_id],
            "aws:PrincipalArn": [session.role_arn],
            "aws:PrincipalType": ["AssumedRole"],
            "aws:PrincipalAccount": [principal.account_id],
            "aws:MultiFactorAuthPresent": ["false"],
        }
    )
    if session.issued_at is not None:
        keys["aws:TokenIssueTime"] = [iso8601(session.issued_at)]
    if session.source_identity is not None:
        keys["aws:SourceIdentity"] = [session.source_identity]
    keys.update(principal_tags(role_tags, session.tags))
    return keys


def temporary_keys(session: SessionContext) -> ContextKeys:
    """The keys every request with temporary credentials carries (dynafed has no MFA)."""
    keys: ContextKeys = {"aws:MultiFactorAuthPresent": ["false"]}
    if session.issued_at is not None:
        keys["aws:TokenIssueTime"] = [iso8601(session.issued_at)]
    return keys


def federated_user_keys(
    principal: Principal, session: SessionContext, user_tags: Iterable[tuple[str, str]]
) -> ContextKeys:
    """A GetFederationToken session's keys: `aws:userid` is `<account>:<name>`,
    `aws:PrincipalType` `FederatedUser`, no `aws:username`; session tags override the
    calling user's tags with the same key (IAM User Guide, id_session-tags.html)."""
    keys: ContextKeys = {
        "aws:userid": [principal.user_id],
        "aws:PrincipalArn": [principal.arn],
        "aws:PrincipalType": ["FederatedUser"],
        "aws:PrincipalAccount": [principal.account_id],
        **temporary_keys(session),
    }
    keys.update(principal_tags(user_tags, session.tags))
    return keys


def user_keys(
    principal: Principal, user: UserContext, user_tags: Iterable[tuple[str, str]]
) -> ContextKeys:
    """The keys of every request made with an IAM user's access key: `aws:userid` is the
    user's `AIDA…` id, `aws:username` its name, `aws:PrincipalType` `User`, and the user's
    tags are `aws:PrincipalTag/*` (IAM User Guide, global condition keys)."""
    keys: ContextKeys = {
        "aws:userid": [user.user_id],
        "aws:username": [user.name],
        "aws:PrincipalArn": [principal.arn],
        "aws:PrincipalType": ["User"],
        "aws:PrincipalAccount": [principal.account_id],
    }
    keys.update(principal_tags(user_tags, {}))
    if principal.session is not None:  # a GetSessionToken session of the user
        keys.update(temporary_keys(principal.session))
    return keys


def request_principal(principal: Principal) -> RequestPrincipal:
    """The caller as `Principal` elements of trust and resource-based policies see it: the
    session ARN with its role ARN, or the account root for admin credentials."""
    session = principal.session
    return RequestPrincipal(
        id=principal.arn,
        type=PrincipalType.AWS,
        role_arn=session.role_arn if session is not None and session.is_role_session else None,
        account=principal.account_id,
    )


@dataclass(frozen=True, slots=True)
class UnsignedCallContext:
    """The global keys an unsigned STS call's trust policy sees: time, region, transport."""

    clock: Clock
    facts: RequestFacts

    def __call__(self) -> ContextKeys:
        return {**time_keys(self.clock.now()), **request_keys(self.facts)}


def request_keys(facts: RequestFacts) -> ContextKeys:
    """The keys that describe how one request arrived (they differ between requests of the
    same session)."""
    keys: ContextKeys = {
        "aws:SecureTransport": ["true" if facts.secure_transport else "false"],
        "aws:RequestedRegion": [facts.requested_region],
    }
    if facts.source_ip is not None:
        keys["aws:SourceIp"] = [facts.source_ip]
    if facts.user_agent is not None:
        keys["aws:UserAgent"] = [facts.user_agent]
    return keys
