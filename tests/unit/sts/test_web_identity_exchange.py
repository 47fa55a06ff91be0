"""AssumeRoleWithWebIdentity as boto3 sees it: response fields, validation order and AWS's
error codes (STS API reference, AssumeRoleWithWebIdentity; iam-fgac.md §4.5;
sts-identity.md §1.2-1.5)."""

from __future__ import annotations

import json
import random
import re
import string
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.unit.identity.idp_double import CLIENT_ID, NOW
from web_identity_harness import (
    ACCOUNT,
    ISSUER,
    PROVIDER_ARN,
    PROVIDER_KEY,
    Harness,
    document,
    web_identity_trust,
)

NOT_AUTHORIZED = ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)


@pytest.fixture
def sts() -> Harness:
    harness = Harness()
    harness.register_provider()
    return harness


def test_the_response_carries_every_field_aws_returns(sts: Harness) -> None:
    role_arn = sts.create_role()
    answer = sts.exchange(role_arn, sts.token(sub="user-42"), RoleSessionName="app1")

    credentials = answer["Credentials"]
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", credentials["AccessKeyId"])
    assert len(credentials["SecretAccessKey"]) == 40
    assert credentials["Expiration"] == datetime.fromtimestamp(NOW, UTC) + timedelta(hours=1)
    assert answer["SubjectFromWebIdentityToken"] == "user-42"
    role_id = answer["AssumedRoleUser"]["AssumedRoleId"]
    assert re.fullmatch(r"AROA[A-Z0-9]+:app1", role_id)
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/GameRole/app1"
    assert answer["Provider"] == PROVIDER_ARN
    assert answer["Audience"] == CLIENT_ID
    # Nothing was passed that packs, and the token set no source identity.
    assert "PackedPolicySize" not in answer and "SourceIdentity" not in answer


def test_the_credentials_authenticate_as_the_assumed_role_with_the_token_keys(
    sts: Harness,
) -> None:
    role_arn = sts.create_role()
    answer = sts.exchange(role_arn, sts.token(sub="user-42"), DurationSeconds=900)
    principal = sts.principal(answer["Credentials"])
    assert principal.arn == answer["AssumedRoleUser"]["Arn"]
    assert principal.user_id == answer["AssumedRoleUser"]["AssumedRoleId"]
    assert principal.session is not None
    assert principal.session.expires_at == NOW + 900
    assert principal.session.context_keys == {
        f"{PROVIDER_KEY}:sub": ["user-42"],
        f"{PROVIDER_KEY}:aud": [CLIENT_ID],
        "aws:FederatedProvider": [PROVIDER_ARN],
    }


def test_the_path_of_a_role_stays_out_of_the_session_arn(sts: Harness) -> None:
    role_arn = sts.create_role(Path="/games/")
    assert role_arn.endswith(":role/games/GameRole")
    answer = sts.exchange(role_arn)
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/GameRole/app1"


# --- 1. parameters first ---------------------------------------------------------------------


def test_a_bad_session_name_is_a_validation_error_before_the_token_is_read(sts: Harness) -> None:
    role_arn = sts.create_role()
    code, message, status = sts.exchange_error(role_arn, "not-a-jwt", RoleSessionName="has space")
    assert (code, status) == ("ValidationError", 400)
    assert message == (
        "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
    )


def test_a_role_arn_that_is_not_a_role_arn_is_rejected(sts: Harness) -> None:
    code, message, _ = sts.exchange_error(f"arn:aws:iam::{ACCOUNT}:user/Someone")
    assert (code, message) == ("ValidationError", "Request ARN is invalid")


def test_duration_below_the_minimum(sts: Harness) -> None:
    code, message, _ = sts.exchange_error(sts.create_role(), DurationSeconds=899)
    assert code == "ValidationError"
    assert "Member must have value greater than or equal to 900" in message


# --- 2-3. the token ---------------------------------------------------------------------------


def test_an_issuer_without_an_iam_provider(sts: Harness) -> None:
    token = sts.token(iss="https://elsewhere.example.test")
    assert sts.exchange_error(sts.create_role(), token) == (
        "InvalidIdentityToken",
        "No OpenIDConnect provider found in your account for https://elsewhere.example.test",
        400,
    )


def test_an_expired_token_is_expired_token_exception_not_invalid_identity_token(
    sts: Harness,
) -> None:
    token = sts.token(exp=int(NOW) - 3600, iat=int(NOW) - 7200)
    code, message, status = sts.exchange_error(sts.create_role(), token)
    assert (code, status) == ("ExpiredTokenException", 400)
    assert message.startswith("Token expired: current date/time")


def test_a_token_for_another_client(sts: Harness) -> None:
    code, message, _ = sts.exchange_error(sts.create_role(), sts.token(aud="someone-else"))
    assert (code, message) == ("InvalidIdentityToken", "Incorrect token audience")


def test_a_provider_id_for_an_id_token_is_refused(sts: Harness) -> None:
    code, _, status = sts.exchange_error(sts.create_role(), ProviderId="www.example.com")
    assert (code, status) == ("InvalidIdentityToken", 400)


# --- 4. role and trust policy -----------------------------------------------------------------


def test_a_missing_role_reads_exactly_like_a_refusing_trust_policy(sts: Harness) -> None:
    missing = sts.exchange_error(f"arn:aws:iam::{ACCOUNT}:role/NoSuchRole")
    refusing = sts.create_role(
        "Refusing", web_identity_trust(StringEquals={f"{PROVIDER_KEY}:sub": "nobody"})
    )
    assert missing == sts.exchange_error(refusing) == NOT_AUTHORIZED


def test_the_trust_policy_sees_the_token_keys(sts: Harness) -> None:
    role_arn = sts.create_role(
        trust=web_identity_trust(
            StringEquals={f"{PROVIDER_KEY}:aud": CLIENT_ID, f"{PROVIDER_KEY}:sub": "user-7"}
        )
    )
    assert sts.exchange(role_arn, sts.token(sub="user-7"))["SubjectFromWebIdentityToken"]
    assert sts.exchange_error(role_arn, sts.token(sub="user-8")) == NOT_AUTHORIZED


def test_the_trust_policy_sees_the_session_name_and_the_time(sts: Harness) -> None:
    role_arn = sts.create_role(
        trust=web_identity_trust(
            StringLike={"sts:RoleSessionName": "app-*"},
            DateLessThan={"aws:CurrentTime": "2030-01-01T00:00:00Z"},
        )
    )
    assert sts.exchange(role_arn, RoleSessionName="app-web")
    assert sts.exchange_error(role_arn, RoleSessionName="other") == NOT_AUTHORIZED
    sts.clock.advance(5 * 365 * 86_400)  # past 2030; the token must be fresh then too
    assert (
        sts.exchange_error(
            role_arn,
            RoleSessionName="app-web",
            token=sts.token(iat=int(sts.clock.now()) - 10, exp=int(sts.clock.now()) + 600),
        )
        == NOT_AUTHORIZED
    )


def test_a_trust_policy_for_another_provider_refuses(sts: Harness) -> None:
    other = PROVIDER_ARN.replace("idp.example.test", "other.example.test")
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": other},
            "Action": "sts:AssumeRoleWithWebIdentity",
        }
    )
    assert sts.exchange_error(sts.create_role(trust=trust)) == NOT_AUTHORIZED


def test_an_explicit_deny_in_the_trust_policy_wins(sts: Harness) -> None:
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER_ARN},
            "Action": "sts:AssumeRoleWithWebIdentity",
        },
        {
            "Effect": "Deny",
            "Principal": {"Federated": PROVIDER_ARN},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{PROVIDER_KEY}:sub": "mallory"}},
        },
    )
    role_arn = sts.create_role(trust=trust)
    assert sts.exchange(role_arn, sts.token(sub="alice"))
    assert sts.exchange_error(role_arn, sts.token(sub="mallory")) == NOT_AUTHORIZED


def session_tags(**tags: str) -> dict[str, Any]:
    return {
        "https://aws.amazon.com/tags": {
            "principal_tags": {k: [v] for k, v in tags.items()},
            "transitive_tag_keys": [],
        }
    }


def test_session_tags_need_sts_tag_session_in_the_trust_policy(sts: Harness) -> None:
    token = sts.token(**session_tags(Team="blue"))
    refusing = sts.create_role("NoTags")
    assert sts.exchange_error(refusing, token) == NOT_AUTHORIZED

    role_arn = sts.create_role("Tags", web_identity_trust("sts:TagSession"))
    answer = sts.exchange(role_arn, token)
    assert isinstance(answer["PackedPolicySize"], int) and answer["PackedPolicySize"] > 0
    session = sts.principal(answer["Credentials"]).session
    assert session is not None and session.tags == {"Team": "blue"}


def test_request_tags_reach_the_trust_policy(sts: Harness) -> None:
    role_arn = sts.create_role(
        trust=web_identity_trust("sts:TagSession", StringEquals={"aws:RequestTag/Team": "blue"})
    )
    assert sts.exchange(role_arn, sts.token(**session_tags(Team="blue")))
    assert sts.exchange_error(role_arn, sts.token(**session_tags(Team="red"))) == NOT_AUTHORIZED


def test_a_source_identity_needs_sts_set_source_identity(sts: Harness) -> None:
    token = sts.token(**{"https://aws.amazon.com/source_identity": "alice@example.test"})
    assert sts.exchange_error(sts.create_role("Plain"), token) == NOT_AUTHORIZED
    role_arn = sts.create_role("Sourced", web_identity_trust("sts:SetSourceIdentity"))
    assert sts.exchange(role_arn, token)["SourceIdentity"] == "alice@example.test"


# --- 5. duration, session policies, packed size ------------------------------------------------


def test_duration_beyond_the_role_maximum(sts: Harness) -> None:
    role_arn = sts.create_role(MaxSessionDuration=7200)
    assert sts.exchange(role_arn, DurationSeconds=7200)
    assert sts.exchange_error(role_arn, DurationSeconds=7201) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        400,
    )


def test_the_trust_policy_is_asked_before_the_duration(sts: Harness) -> None:
    refusing = sts.create_role(
        trust=web_identity_trust(StringEquals={f"{PROVIDER_KEY}:sub": "nobody"})
    )
    assert sts.exchange_error(refusing, DurationSeconds=43200) == NOT_AUTHORIZED


def test_a_malformed_session_policy(sts: Harness) -> None:
    code, _, status = sts.exchange_error(sts.create_role(), Policy='{"Version": "2012-10-17"')
    assert (code, status) == ("MalformedPolicyDocument", 400)


def test_a_session_policy_with_a_principal_is_malformed(sts: Harness) -> None:
    policy = document(
        {"Effect": "Allow", "Principal": "*", "Action": "dynamodb:GetItem", "Resource": "*"}
    )
    code, _, _ = sts.exchange_error(sts.create_role(), Policy=policy)
    assert code == "MalformedPolicyDocument"


def test_session_policy_arns_must_exist(sts: Harness) -> None:
    role_arn = sts.create_role()
    existing = sts.create_policy(
        "Reads", {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
    )
    missing = f"arn:aws:iam::{ACCOUNT}:policy/NoSuchPolicy"
    code, message, _ = sts.exchange_error(role_arn, PolicyArns=[{"arn": missing}])
    assert code == "MalformedPolicyDocument" and missing in message
    answer = sts.exchange(role_arn, PolicyArns=[{"arn": existing}])
    assert answer["PackedPolicySize"] > 0


def test_a_valid_session_policy_is_reported_as_packed_size(sts: Harness) -> None:
    policy = document({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"})
    answer = sts.exchange(sts.create_role(), Policy=policy)
    assert 0 < answer["PackedPolicySize"] <= 100
    session = sts.principal(answer["Credentials"]).session
    assert session is not None and session.session_policies == (policy,)


def test_a_session_policy_that_does_not_pack(sts: Harness) -> None:
    # Random values defeat compression, as varied real policies do: within the 2048-character
    # plaintext limit, yet beyond the packed budget.
    rng = random.Random(3)
    alphabet = string.ascii_uppercase + string.digits
    user_ids = ["".join(rng.choice(alphabet) for _ in range(40)) for _ in range(42)]
    statement = {
        "Effect": "Allow",
        "Action": "dynamodb:GetItem",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:userid": user_ids}},
    }
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))
    assert len(policy) <= 2048
    code, message, _ = sts.exchange_error(sts.create_role(), Policy=policy)
    assert code == "PackedPolicyTooLarge"
    assert re.fullmatch(
        r"Packed policy consumes \d+% of allotted space, please use smaller policy\.", message
    )


# --- audit ------------------------------------------------------------------------------------


def test_every_exchange_is_audited_granted_or_refused(sts: Harness) -> None:
    role_arn = sts.create_role()
    answer = sts.exchange(role_arn, sts.token(sub="user-9"), RoleSessionName="s1")
    sts.exchange_error(f"arn:aws:iam::{ACCOUNT}:role/Nope")
    granted, refused = sts.audit
    assert granted["decision"] == "Allow" and granted["action"] == "sts:AssumeRoleWithWebIdentity"
    assert granted["resource"] == role_arn and granted["subject"] == "user-9"
    assert granted["session"] == answer["AssumedRoleUser"]["Arn"]
    assert granted["access_key_id"] == answer["Credentials"]["AccessKeyId"]
    assert granted["provider"] == PROVIDER_ARN
    assert granted["statement"] == {
        "policy_type": "resource-based policy",
        "policy": "trust-policy",
        "sid": None,
        "index": 0,
    }
    assert refused["decision"] == "Deny" and refused["error"]["code"] == "AccessDenied"
    assert ISSUER not in str(refused)  # an unverified token's claims are never logged


def test_a_refusing_trust_condition_is_named_in_the_audit_log(sts: Harness) -> None:
    role_arn = sts.create_role(
        trust=web_identity_trust(StringEquals={f"{PROVIDER_KEY}:sub": "someone-else"})
    )
    sts.exchange_error(role_arn)
    (refused,) = sts.audit
    assert refused["decision"] == "Deny" and refused["reason"] == "implicitDeny"
    assert refused["failed_conditions"] == [
        {
            "policy_type": "resource-based policy",
            "policy": "trust-policy",
            "sid": None,
            "index": 0,
            "operator": "StringEquals",
            "key": f"{PROVIDER_KEY}:sub",
        }
    ]
