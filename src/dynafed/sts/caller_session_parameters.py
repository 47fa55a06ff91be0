"""GetSessionToken's and GetFederationToken's parameters, with the STS service model's
constraints (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html,
API_GetFederationToken.html): a federated user's `Name` is 2-32 characters, durations run
from 900 to 129,600 seconds, and the session policies are those of AssumeRole*."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dynafed.errors import ValidationError
from dynafed.sts.assume_role_parameters import session_tags
from dynafed.sts.parameters import (
    MAX_POLICY_ARNS,
    MIN_DURATION_SECONDS,
    POLICY_CHARS_PATTERN,
    Violations,
    policy_arns,
)

MAX_USER_SESSION_SECONDS = 129_600
"""36 hours: the longest GetSessionToken / GetFederationToken session of an IAM user."""
MAX_ROOT_SESSION_SECONDS = 3_600
"""The account's own credentials get at most one hour (and that by default)."""
DEFAULT_USER_SESSION_SECONDS = 43_200
FEDERATED_NAME_PATTERN = r"[\w+=,.@-]*"
SERIAL_NUMBER_PATTERN = r"[\w+=/:,.@-]*"
TOKEN_CODE_PATTERN = r"[\d]*"
_FEDERATED_NAME = re.compile(FEDERATED_NAME_PATTERN)
_SERIAL_NUMBER = re.compile(SERIAL_NUMBER_PATTERN)
_TOKEN_CODE = re.compile(TOKEN_CODE_PATTERN)
_POLICY_CHARS = re.compile(POLICY_CHARS_PATTERN)
ACCESS_KEY_ID_PATTERN = r"[\w]*"
_ACCESS_KEY_ID = re.compile(ACCESS_KEY_ID_PATTERN, re.ASCII)


@dataclass(frozen=True, slots=True)
class SessionTokenRequest:
    duration_seconds: int | None
    serial_number: str | None
    token_code: str | None


@dataclass(frozen=True, slots=True)
class FederationTokenRequest:
    name: str
    duration_seconds: int | None
    policy: str | None
    policy_arns: tuple[str, ...]
    tags: dict[str, str]


def _duration(params: dict[str, str], violations: Violations) -> int | None:
    text = params.get("DurationSeconds")
    if text is None:
        return None
    try:
        duration = int(text)
    except ValueError:
        raise ValidationError(
            f"Value '{text}' for parameter DurationSeconds is invalid. Must be an integer."
        ) from None
    if duration < MIN_DURATION_SECONDS:
        violations.add(
            text, "durationSeconds", f"have value greater than or equal to {MIN_DURATION_SECONDS}"
        )
    elif duration > MAX_USER_SESSION_SECONDS:
        violations.add(
            text, "durationSeconds", f"have value less than or equal to {MAX_USER_SESSION_SECONDS}"
        )
    return duration


def parse_session_token_request(params: dict[str, str]) -> SessionTokenRequest:
    violations = Violations()
    duration = _duration(params, violations)
    serial = params.get("SerialNumber")
    violations.length(serial, "serialNumber", 9, 256)
    violations.pattern(serial, "serialNumber", _SERIAL_NUMBER, SERIAL_NUMBER_PATTERN)
    code = params.get("TokenCode")
    violations.length(code, "tokenCode", 6, 6)
    violations.pattern(code, "tokenCode", _TOKEN_CODE, TOKEN_CODE_PATTERN)
    violations.raise_if_any()
    return SessionTokenRequest(duration, serial, code)


def parse_federation_token_request(params: dict[str, str]) -> FederationTokenRequest:
    violations = Violations()
    name = params.get("Name")
    if name is None:
        raise ValidationError(
            "1 validation error detected: Value null at 'name' failed to satisfy "
            "constraint: Member must not be null"
        )
    violations.length(name, "name", 2, 32)
    violations.pattern(name, "name", _FEDERATED_NAME, FEDERATED_NAME_PATTERN)
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
    duration = _duration(params, violations)
    tags = session_tags(params, violations)
    violations.raise_if_any()
    return FederationTokenRequest(name, duration, policy, arns, tags)


def parse_access_key_info_request(params: dict[str, str]) -> str:
    """GetAccessKeyInfo's `AccessKeyId` (16-128 word characters)."""
    key_id = params.get("AccessKeyId")
    if key_id is None:
        raise ValidationError(
            "1 validation error detected: Value null at 'accessKeyId' failed to satisfy "
            "constraint: Member must not be null"
        )
    violations = Violations()
    violations.length(key_id, "accessKeyId", 16, 128)
    violations.pattern(key_id, "accessKeyId", _ACCESS_KEY_ID, ACCESS_KEY_ID_PATTERN)
    violations.raise_if_any()
    return key_id
