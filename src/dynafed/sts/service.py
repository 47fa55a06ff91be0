"""The STS API's use cases, behind the Query-protocol edge.

Each action is a handler `(params, caller) -> result`; the wiring decides which exist.
Every exchange that mints — or refuses to mint — credentials is written to the audit log,
with the trust-policy statement that granted it or the conditions that refused it (a handler
returns an `Answer` to hand the granting decision over).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dynafed.auth.principal import Principal, SessionKind
from dynafed.enforcement.audit import AuditSink, decision_fields
from dynafed.errors import AccessDenied, AwsError, InvalidAction
from dynafed.policy import Decision
from dynafed.sts.trust import TrustRefused


@dataclass(frozen=True, slots=True)
class Answer:
    """A handler's result plus what the audit log should know about how it was decided."""

    result: dict[str, Any]
    trust_decision: Decision | None = None


Handler = Callable[[dict[str, str], Principal | None], dict[str, Any] | Answer]


def ignoring_caller(action: Callable[[dict[str, str]], dict[str, Any] | Answer]) -> Handler:
    """An unsigned action's handler: its token is the credential, no caller plays a part."""
    return lambda params, _caller: action(params)


MINTED_BY_CALLER = frozenset({"GetSessionToken", "GetFederationToken"})
ALLOWED_TO_USER_SESSIONS = frozenset({"AssumeRole", "GetCallerIdentity"})
"""What a GetSessionToken session may call of STS; a federated user only GetCallerIdentity
(STS API reference, GetSessionToken and GetFederationToken, "Permissions")."""


def check_session_may_call(caller: Principal, action: str) -> None:
    session = caller.session
    if session is None:
        return
    if action in MINTED_BY_CALLER:
        raise AccessDenied(f"Cannot call {action} with session credentials")
    if session.kind is SessionKind.FEDERATED_USER or (
        not session.is_role_session and action not in ALLOWED_TO_USER_SESSIONS
    ):
        raise AccessDenied(f"User: {caller.arn} is not authorized to perform: sts:{action}")


AUDITED_ACTIONS = frozenset(
    {
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "AssumeRoleWithSAML",
        "GetSessionToken",
        "GetFederationToken",
    }
)
_RESULT_FIELDS = {
    "Provider": "provider",
    "SubjectFromWebIdentityToken": "subject",
    "Subject": "subject",
    "Audience": "audience",
    "SourceIdentity": "source_identity",
}


class StsService:
    def __init__(
        self, handlers: Mapping[str, Handler] | None = None, audit: AuditSink | None = None
    ) -> None:
        self._handlers = dict(handlers or {})
        self._audit = audit

    def handle(
        self, action: str, params: dict[str, str], caller: Principal | None
    ) -> dict[str, Any]:
        if action == "GetCallerIdentity" and caller is not None:
            return self.get_caller_identity(caller)
        handler = self._handlers.get(action)
        if handler is None:
            raise InvalidAction(f"Could not find operation {action} for version 2011-06-15")
        if caller is not None:
            check_session_may_call(caller, action)
        if self._audit is None or action not in AUDITED_ACTIONS:
            return _result(handler(params, caller))
        try:
            answer = handler(params, caller)
        except AwsError as error:
            event = _exchange_event(action, params, caller, error=error)
            if isinstance(error, TrustRefused) and error.decision is not None:
                event.update(decision_fields(error.decision), decision="Deny")
            self._audit(event)
            raise
        result = _result(answer)
        event = _exchange_event(action, params, caller, result=result)
        if isinstance(answer, Answer) and answer.trust_decision is not None:
            event.update(decision_fields(answer.trust_decision))
        self._audit(event)
        return result

    def get_caller_identity(self, caller: Principal) -> dict[str, Any]:
        return {"UserId": caller.user_id, "Account": caller.account_id, "Arn": caller.arn}


def _result(answer: dict[str, Any] | Answer) -> dict[str, Any]:
    return answer.result if isinstance(answer, Answer) else answer


def _exchange_event(
    action: str,
    params: Mapping[str, str],
    caller: Principal | None,
    *,
    result: Mapping[str, Any] | None = None,
    error: AwsError | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event": "sts",
        "principal": caller.arn if caller is not None else None,
        "action": f"sts:{action}",
        "resource": params.get("RoleArn"),
        "decision": "Allow" if error is None else "Deny",
        "session_name": params.get("RoleSessionName"),
    }
    if error is not None:
        event["error"] = {"code": error.code, "message": error.message}
    if action == "GetFederationToken":
        event["session_name"] = params.get("Name")
    if result is not None:
        session_arn = _session_arn(result, caller)
        event["session"] = session_arn
        # AssumeRoleWithSAML takes its session name from the assertion, not a parameter.
        event["session_name"] = session_arn.rsplit("/", 1)[-1]
        event["access_key_id"] = result["Credentials"]["AccessKeyId"]
        event["expiration"] = result["Credentials"]["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ")
        for field, name in _RESULT_FIELDS.items():
            if result.get(field) is not None:
                event[name] = result[field]
    return event


def _session_arn(result: Mapping[str, Any], caller: Principal | None) -> str:
    """Who the new credentials act as: the assumed role session, the federated user, or
    (GetSessionToken) the caller itself."""
    for member in ("AssumedRoleUser", "FederatedUser"):
        if member in result:
            return str(result[member]["Arn"])
    return caller.arn if caller is not None else ""
