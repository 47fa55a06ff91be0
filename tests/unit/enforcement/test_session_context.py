"""The global condition keys of a web-identity role session (iam-fgac.md §2.5; IAM User Guide
"AWS global condition context keys" and "Passing session tags in AWS STS")."""

from __future__ import annotations

from dynafed.auth.principal import SessionContext
from dynafed.enforcement.context import (
    RequestFacts,
    principal_tags,
    request_keys,
    session_keys,
    time_keys,
)
from dynafed.sts.credentials import session_principal

ROLE = "arn:aws:iam::123456789012:role/games/GameRole"
PROVIDER = "idp.example.test"


def web_session(**changes: object) -> SessionContext:
    fields: dict[str, object] = {
        "role_arn": ROLE,
        "role_id": "AROAEXAMPLEID",
        "session_name": "alice",
        "expires_at": 1_800_003_600.0,
        "context_keys": {
            f"{PROVIDER}:sub": ["alice-sub"],
            f"{PROVIDER}:aud": ["game-web"],
            "aws:FederatedProvider": [f"arn:aws:iam::123456789012:oidc-provider/{PROVIDER}"],
        },
        "issued_at": 1_800_000_000.0,
    }
    fields.update(changes)
    return SessionContext(**fields)  # type: ignore[arg-type]


def test_the_keys_of_a_web_identity_session() -> None:
    session = web_session()
    principal = session_principal("ASIAEXAMPLE", session)
    keys = session_keys(principal, session, ())
    assert keys == {
        f"{PROVIDER}:sub": ["alice-sub"],
        f"{PROVIDER}:aud": ["game-web"],
        "aws:FederatedProvider": [f"arn:aws:iam::123456789012:oidc-provider/{PROVIDER}"],
        "aws:userid": ["AROAEXAMPLEID:alice"],
        "aws:PrincipalArn": [ROLE],  # the role (with its path), not the session ARN
        "aws:PrincipalType": ["AssumedRole"],
        "aws:PrincipalAccount": ["123456789012"],
        "aws:MultiFactorAuthPresent": ["false"],
        "aws:TokenIssueTime": ["2027-01-15T08:00:00Z"],
    }
    assert "aws:username" not in keys


def test_source_identity_and_what_the_edge_knows() -> None:
    session = web_session(source_identity="alice@example.test")
    principal = session_principal("ASIAEXAMPLE", session)
    assert session_keys(principal, session, ())["aws:SourceIdentity"] == ["alice@example.test"]
    facts = RequestFacts("us-east-1", secure_transport=True, source_ip="192.0.2.7", user_agent="ua")
    assert request_keys(facts) == {
        "aws:SecureTransport": ["true"],
        "aws:RequestedRegion": ["us-east-1"],
        "aws:SourceIp": ["192.0.2.7"],
        "aws:UserAgent": ["ua"],
    }
    assert request_keys(RequestFacts("eu-west-1")) == {
        "aws:SecureTransport": ["false"],
        "aws:RequestedRegion": ["eu-west-1"],
    }


def test_session_tags_override_role_tags_whatever_the_case() -> None:
    assert principal_tags([("Team", "red"), ("Cost", "42")], {"team": "blue"}) == {
        "aws:PrincipalTag/Cost": ["42"],
        "aws:PrincipalTag/team": ["blue"],
    }


def test_time_keys() -> None:
    assert time_keys(1_800_000_000.75) == {
        "aws:CurrentTime": ["2027-01-15T08:00:00Z"],
        "aws:EpochTime": ["1800000000"],
    }
