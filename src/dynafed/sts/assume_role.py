"""AssumeRole: signed callers (admin credentials, or a role session: role chaining) take a
role's credentials (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).

The trust policy is evaluated together with the caller's own permissions: a statement
naming the caller (its session ARN, or `*`) grants on its own, one naming the caller's role
still passes through the caller's boundary and session policies, and one naming only the
account delegates to the caller's identity policies (iam-fgac.md §2.2). Admin credentials
act as the account's root, which every identity policy check allows.

Divergence: AWS refuses AssumeRole for the root user; dynafed's admin credentials may assume
any role whose trust policy names the account, which is how a developer tries a role out.

Role chaining (a session caller) caps the session at one hour and carries the caller's
source identity and transitive session tags into the new session.
"""

from __future__ import annotations

from typing import Protocol

from dynafed.auth.principal import Principal
from dynafed.enforcement.context import request_principal
from dynafed.errors import MissingAuthenticationTokenException
from dynafed.policy import PolicySet
from dynafed.sts import responses
from dynafed.sts.parameters import AssumeRoleRequest, parse_assume_role
from dynafed.sts.role_sessions import RoleSessions, SessionSpec, check_role_arn
from dynafed.sts.service import Answer
from dynafed.sts.trust import TrustRequest, implied_actions

ACTION = "sts:AssumeRole"
MISSING_AUTHENTICATION = "Request is missing Authentication Token"


class CallerAuthority(Protocol):
    """The caller's permissions and global condition keys (the enforcement layer)."""

    def policies(self, caller: Principal) -> PolicySet | None: ...

    def context(self, caller: Principal) -> dict[str, list[str]]: ...


def not_authorized(caller: Principal, role_arn: str) -> str:
    # Observed STS wording (public reports quoted in sts-identity.md §6.4 sources).
    return f"User: {caller.arn} is not authorized to perform: {ACTION} on resource: {role_arn}"


class AssumeRole:
    def __init__(self, sessions: RoleSessions, authority: CallerAuthority) -> None:
        self._sessions = sessions
        self._authority = authority

    def __call__(self, params: dict[str, str], caller: Principal | None) -> Answer:
        if caller is None:
            raise MissingAuthenticationTokenException(MISSING_AUTHENTICATION)
        request = parse_assume_role(params)
        check_role_arn(request.session.role_arn)
        spec = _session_spec(request, caller)
        policies = self._authority.policies(caller)
        conflicting_source = (
            request.source_identity is not None and spec.source_identity != request.source_identity
        )
        trust = TrustRequest(
            principal=request_principal(caller),
            actions=implied_actions(
                ACTION, tags=bool(request.tags), source_identity=request.source_identity is not None
            ),
            context={**self._authority.context(caller), **_request_keys(request)},
            denied_message=not_authorized(caller, request.session.role_arn),
            caller_policies=policies,
            refused=policies is None or conflicting_source,
        )
        issued = self._sessions.issue(trust, spec)
        return Answer(responses.assume_role_result(issued), issued.trust_decisions[0])


def _session_spec(request: AssumeRoleRequest, caller: Principal) -> SessionSpec:
    # Only a role session chains; a user's GetSessionToken session assumes as the user.
    session = caller.session if caller.session and caller.session.is_role_session else None
    tags = dict(request.tags)
    transitive = list(request.transitive_tag_keys)
    source_identity = request.source_identity
    if session is not None:
        inherited = session.transitive_tag_keys
        tags.update({k: v for k, v in session.tags.items() if k in inherited})
        transitive.extend(k for k in inherited if k not in transitive)
        # A source identity, once set, stays with every chained session.
        source_identity = session.source_identity or source_identity
    return SessionSpec(
        request=request.session,
        session_name=request.role_session_name,
        tags=tags,
        transitive_tag_keys=tuple(transitive),
        source_identity=source_identity,
        chained=session is not None,
    )


def _request_keys(request: AssumeRoleRequest) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {"sts:RoleSessionName": [request.role_session_name]}
    if request.external_id is not None:
        keys["sts:ExternalId"] = [request.external_id]
    if request.source_identity is not None:
        keys["sts:SourceIdentity"] = [request.source_identity]
    for key, value in request.tags.items():
        keys[f"aws:RequestTag/{key}"] = [value]
    if request.tags:
        keys["aws:TagKeys"] = list(request.tags)
    if request.transitive_tag_keys:
        keys["sts:TransitiveTagKeys"] = list(request.transitive_tag_keys)
    return keys
