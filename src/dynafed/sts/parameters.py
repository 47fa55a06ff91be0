"""STS request parameters: read and checked against botocore's `sts` model, then typed.

`read_parameters(action, params)` reads the flattened Query parameters by the action's input
shape and checks every constraint at once, in STS's wording (`Value 'x' at 'roleSessionName'
failed to satisfy constraint: ...`, long values cut at 256 characters); each `parse_*`
function then gives its action's typed request. Limits that are not constraints of the model
(a session's duration for the caller's kind, packed policy size) belong to the actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from dynafed.core.validation.constraints import Wording, check_constraints
from dynafed.core.validation.failures import MalformedValue, ValidationFailed
from dynafed.core.validation.models import Refinements, changed, input_shape
from dynafed.core.validation.query_input import read_query
from dynafed.core.validation.shapes import Struct
from dynafed.errors import ValidationError

DEFAULT_DURATION_SECONDS = 3600
MAX_POLICY_ARNS = 10
MAX_ROOT_SESSION_SECONDS = 3_600
"""The account's own credentials get at most one hour from GetSessionToken (and that by
default)."""
DEFAULT_USER_SESSION_SECONDS = 43_200
"""GetSessionToken's and GetFederationToken's default for an IAM user (12 hours)."""

STS_WORDING = Wording(echo_limit=256)

_REFINEMENTS = Refinements(
    members={
        # "You can provide up to 10 managed policy ARNs" (every AssumeRole*, GetFederationToken
        # API reference); the model leaves the list unbounded.
        ("*", "PolicyArns"): changed(max_len=MAX_POLICY_ARNS),
        # A session policy that is skipped would silently widen the session: a member without
        # its ARN is refused, never dropped.
        ("PolicyDescriptorType", "arn"): changed(required=True),
    }
)


@cache
def _shape(action: str) -> Struct:
    return input_shape("sts", action, _REFINEMENTS)


def read_parameters(action: str, params: Mapping[str, str]) -> dict[str, Any]:
    """The action's members found in `params`, typed and checked; `ValidationError` lists
    every broken constraint."""
    shape = _shape(action)
    try:
        body = read_query(params, shape)
        check_constraints(shape, body, STS_WORDING)
    except MalformedValue as malformed:
        raise ValidationError(
            f"Value '{malformed.text}' for parameter {malformed.parameter} is invalid. "
            "Must be an integer."
        ) from None
    except ValidationFailed as failed:
        raise ValidationError(str(failed)) from None
    return body


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


@dataclass(frozen=True, slots=True)
class AssumeRoleRequest:
    session: SessionRequest
    role_session_name: str
    external_id: str | None
    source_identity: str | None
    tags: dict[str, str]
    transitive_tag_keys: tuple[str, ...]


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


def _session(body: Mapping[str, Any]) -> SessionRequest:
    duration = body.get("DurationSeconds")
    return SessionRequest(
        body["RoleArn"],
        DEFAULT_DURATION_SECONDS if duration is None else duration,
        duration is not None,
        body.get("Policy"),
        _policy_arns(body),
    )


def _policy_arns(body: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(member["arn"] for member in body.get("PolicyArns", ()))


def _tags(body: Mapping[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in body.get("Tags", ())}


def parse_web_identity_request(params: Mapping[str, str]) -> WebIdentityRequest:
    body = read_parameters("AssumeRoleWithWebIdentity", params)
    return WebIdentityRequest(
        _session(body), body["RoleSessionName"], body["WebIdentityToken"], body.get("ProviderId")
    )


def parse_saml_request(params: Mapping[str, str]) -> SamlRequest:
    """AssumeRoleWithSAML's parameters; its session name comes from the assertion."""
    body = read_parameters("AssumeRoleWithSAML", params)
    return SamlRequest(_session(body), body["PrincipalArn"], body["SAMLAssertion"])


def parse_assume_role(params: Mapping[str, str]) -> AssumeRoleRequest:
    body = read_parameters("AssumeRole", params)
    return AssumeRoleRequest(
        _session(body),
        body["RoleSessionName"],
        body.get("ExternalId"),
        body.get("SourceIdentity"),
        _tags(body),
        tuple(body.get("TransitiveTagKeys", ())),
    )


def parse_session_token_request(params: Mapping[str, str]) -> SessionTokenRequest:
    body = read_parameters("GetSessionToken", params)
    return SessionTokenRequest(
        body.get("DurationSeconds"), body.get("SerialNumber"), body.get("TokenCode")
    )


def parse_federation_token_request(params: Mapping[str, str]) -> FederationTokenRequest:
    body = read_parameters("GetFederationToken", params)
    return FederationTokenRequest(
        body["Name"],
        body.get("DurationSeconds"),
        body.get("Policy"),
        _policy_arns(body),
        _tags(body),
    )


def parse_access_key_info_request(params: Mapping[str, str]) -> str:
    """GetAccessKeyInfo's `AccessKeyId`."""
    access_key_id: str = read_parameters("GetAccessKeyInfo", params)["AccessKeyId"]
    return access_key_id
