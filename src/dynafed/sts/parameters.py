"""STS request parameters: parsing and the service model's constraints, with AWS's messages.

Constraints are those of the STS 2011-06-15 service model (botocore ships it); a violated
constraint is a `ValidationError` listing every violation, as AWS's validators do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dynafed.core.query_params import read_struct_list
from dynafed.errors import ValidationError

ROLE_SESSION_NAME_PATTERN = r"[\w+=,.@-]*"
_ROLE_SESSION_NAME = re.compile(ROLE_SESSION_NAME_PATTERN)
POLICY_CHARS_PATTERN = r"[\u0009\u000A\u000D\u0020-\u00FF]+"
_POLICY_CHARS = re.compile(POLICY_CHARS_PATTERN)
MIN_DURATION_SECONDS = 900
MAX_DURATION_SECONDS = 43200
DEFAULT_DURATION_SECONDS = 3600
MAX_POLICY_ARNS = 10


@dataclass(frozen=True, slots=True)
class SessionRequest:
    """What every AssumeRole* call shares."""

    role_arn: str
    duration_seconds: int
    duration_given: bool
    policy: str | None
    policy_arns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WebIdentityRequest:
    session: SessionRequest
    role_session_name: str
    web_identity_token: str
    provider_id: str | None


@dataclass(frozen=True, slots=True)
class SamlRequest:
    session: SessionRequest
    principal_arn: str
    """The IAM SAML provider's ARN."""
    saml_assertion: str
    """Base64 of the IdP's whole `samlp:Response`."""


class Violations:
    """Collects constraint violations so one error can name them all, in field order."""

    def __init__(self) -> None:
        self._messages: list[str] = []

    def add(self, value: str, member: str, constraint: str) -> None:
        shown = value if len(value) <= 256 else value[:256] + "..."
        self._messages.append(
            f"Value '{shown}' at '{member}' failed to satisfy constraint: Member must {constraint}"
        )

    def length(self, value: str | None, member: str, low: int, high: int) -> None:
        if value is None:
            return
        if len(value) < low:
            self.add(value, member, f"have length greater than or equal to {low}")
        elif len(value) > high:
            self.add(value, member, f"have length less than or equal to {high}")

    def pattern(self, value: str | None, member: str, regex: re.Pattern[str], text: str) -> None:
        if value is not None and not regex.fullmatch(value):
            self.add(value, member, f"satisfy regular expression pattern: {text}")

    def raise_if_any(self) -> None:
        if not self._messages:
            return
        count = len(self._messages)
        noun = "error" if count == 1 else "errors"
        raise ValidationError(f"{count} validation {noun} detected: " + "; ".join(self._messages))


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if value is None:
        # The Query protocol reports a missing required member this way.
        member = name[0].lower() + name[1:]
        raise ValidationError(
            f"1 validation error detected: Value null at '{member}' failed to satisfy "
            "constraint: Member must not be null"
        )
    return value


def policy_arns(params: dict[str, str]) -> tuple[str, ...]:
    """Every `PolicyArns.member.N.arn`, in index order, gaps and all: a session policy
    narrows the session, so one that is skipped would silently widen it."""
    members = read_struct_list(params, "PolicyArns") or []
    for member in members:
        if "arn" not in member:
            raise ValidationError(
                "1 validation error detected: Value null at 'policyArns.member.arn' failed "
                "to satisfy constraint: Member must not be null"
            )
    return tuple(member["arn"] for member in members)


def _session_request(params: dict[str, str], violations: Violations) -> SessionRequest:
    role_arn = _required(params, "RoleArn")
    violations.length(role_arn, "roleArn", 20, 2048)
    policy = params.get("Policy")
    violations.length(policy, "policy", 1, 2048)
    violations.pattern(policy, "policy", _POLICY_CHARS, POLICY_CHARS_PATTERN)
    arns = policy_arns(params)
    if len(arns) > MAX_POLICY_ARNS:
        violations.add(
            str(list(arns)), "policyArns", f"have length less than or equal to {MAX_POLICY_ARNS}"
        )
    for arn in arns:
        violations.length(arn, "policyArns.member.arn", 20, 2048)
    duration_text = params.get("DurationSeconds")
    duration = DEFAULT_DURATION_SECONDS
    if duration_text is not None:
        try:
            duration = int(duration_text)
        except ValueError:
            raise ValidationError(
                f"Value '{duration_text}' for parameter DurationSeconds is invalid. "
                "Must be an integer."
            ) from None
        if duration < MIN_DURATION_SECONDS:
            violations.add(
                duration_text,
                "durationSeconds",
                f"have value greater than or equal to {MIN_DURATION_SECONDS}",
            )
        elif duration > MAX_DURATION_SECONDS:
            violations.add(
                duration_text,
                "durationSeconds",
                f"have value less than or equal to {MAX_DURATION_SECONDS}",
            )
    return SessionRequest(role_arn, duration, duration_text is not None, policy, arns)


def _check_role_session_name(name: str, violations: Violations) -> None:
    violations.length(name, "roleSessionName", 2, 64)
    violations.pattern(name, "roleSessionName", _ROLE_SESSION_NAME, ROLE_SESSION_NAME_PATTERN)


def parse_web_identity_request(params: dict[str, str]) -> WebIdentityRequest:
    violations = Violations()
    role_session_name = _required(params, "RoleSessionName")
    web_identity_token = _required(params, "WebIdentityToken")
    session = _session_request(params, violations)
    _check_role_session_name(role_session_name, violations)
    violations.length(web_identity_token, "webIdentityToken", 4, 20000)
    provider_id = params.get("ProviderId")
    violations.length(provider_id, "providerId", 4, 2048)
    violations.raise_if_any()
    return WebIdentityRequest(session, role_session_name, web_identity_token, provider_id)


def parse_saml_request(params: dict[str, str]) -> SamlRequest:
    """AssumeRoleWithSAML's parameters; its session name comes from the assertion."""
    violations = Violations()
    principal_arn = _required(params, "PrincipalArn")
    saml_assertion = _required(params, "SAMLAssertion")
    session = _session_request(params, violations)
    violations.length(principal_arn, "principalArn", 20, 2048)
    violations.length(saml_assertion, "sAMLAssertion", 4, 100_000)
    violations.raise_if_any()
    return SamlRequest(session, principal_arn, saml_assertion)


def parse_assume_role_request(params: dict[str, str]) -> tuple[SessionRequest, str]:
    violations = Violations()
    role_session_name = _required(params, "RoleSessionName")
    session = _session_request(params, violations)
    _check_role_session_name(role_session_name, violations)
    violations.raise_if_any()
    return session, role_session_name
