"""AssumeRoleWithWebIdentity end to end: a real OpenID Provider (npm `oidc-provider`) signs
the user in, unmodified boto3 trades the ID token at dynafed's STS, and the credentials work.

Follows the STS API reference for AssumeRoleWithWebIdentity, AssumeRole and
GetCallerIdentity, and sts-identity.md §1.1-1.7 for the observed wire details.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from dynafed.server.compose import JWKS_REFETCH_SECONDS
from tests.e2e.js.federation import CLIENT_ID, Federation, document, federation

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    with federation(tmp_path_factory.mktemp("sts-web-identity")) as running:
        yield running


@pytest.fixture(scope="module")
def web_role(fed: Federation) -> str:
    return fed.create_role(
        "WebRole", {"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"}
    )


def error_of(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_an_id_token_from_the_idp_becomes_role_credentials(fed: Federation, web_role: str) -> None:
    token = fed.idp.id_token("alice", email="alice@example.test")
    before = datetime.now(UTC).replace(microsecond=0)
    answer = fed.exchange(web_role, token, "alice-web", DurationSeconds=900)

    assert answer["SubjectFromWebIdentityToken"] == "alice"
    assert answer["Provider"] == fed.provider_arn
    assert answer["Audience"] == CLIENT_ID
    assert answer["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{fed.account}:assumed-role/WebRole/alice-web"
    )
    assert answer["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert answer["AssumedRoleUser"]["AssumedRoleId"].endswith(":alice-web")
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    expiration = credentials["Expiration"]  # botocore parsed the ISO-8601 text into a datetime
    assert before + timedelta(seconds=900) <= expiration <= before + timedelta(seconds=902)


def test_session_credentials_answer_get_caller_identity_and_dynamodb(
    fed: Federation, web_role: str
) -> None:
    answer = fed.exchange(web_role, fed.idp.id_token("bob"), "bob-web")
    identity = fed.session_client("sts", answer["Credentials"]).get_caller_identity()
    assert identity["UserId"] == answer["AssumedRoleUser"]["AssumedRoleId"]
    assert identity["Arn"] == answer["AssumedRoleUser"]["Arn"]
    assert identity["Account"] == fed.account
    tables = fed.session_client("dynamodb", answer["Credentials"]).list_tables()
    assert isinstance(tables["TableNames"], list)


def test_an_es256_token_from_a_second_registered_client(fed: Federation) -> None:
    es256_client = "dynafed-web-es256"
    iam = fed.admin("iam")
    iam.add_client_id_to_open_id_connect_provider(
        OpenIDConnectProviderArn=fed.provider_arn, ClientID=es256_client
    )
    try:
        trust = document(
            {
                "Effect": "Allow",
                "Principal": {"Federated": fed.provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{fed.provider_key}:aud": es256_client}},
            }
        )
        role = fed.create_role("MobileRole", trust=trust)
        answer = fed.exchange(role, fed.idp.id_token("carol", es256_client), "carol")
        assert answer["Audience"] == es256_client
    finally:
        iam.remove_client_id_from_open_id_connect_provider(
            OpenIDConnectProviderArn=fed.provider_arn, ClientID=es256_client
        )


def test_the_trust_policy_conditions_on_the_token(fed: Federation) -> None:
    role = fed.create_role(
        "OnlyDave", trust=fed.trust(StringLike={f"{fed.provider_key}:sub": "dave*"})
    )
    assert fed.exchange(role, fed.idp.id_token("dave"), "dave")
    assert error_of(
        fed.unsigned_sts().assume_role_with_web_identity,
        RoleArn=role,
        RoleSessionName="erin",
        WebIdentityToken=fed.idp.id_token("erin"),
    ) == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)


def test_session_tags_from_the_idp_need_tag_session(fed: Federation) -> None:
    token = fed.idp.id_token("frank", session_tags={"Team": "blue"})
    plain = fed.create_role("NoTagSession")
    assert (
        error_of(
            fed.unsigned_sts().assume_role_with_web_identity,
            RoleArn=plain,
            RoleSessionName="frank",
            WebIdentityToken=token,
        )[0]
        == "AccessDenied"
    )
    tagging = fed.create_role("TagSession", trust=fed.trust("sts:TagSession"))
    answer = fed.exchange(tagging, token, "frank")
    assert answer["PackedPolicySize"] > 0


def test_validation_errors_come_before_the_token(fed: Federation, web_role: str) -> None:
    code, message, status = error_of(
        fed.unsigned_sts().assume_role_with_web_identity,
        RoleArn=web_role,
        RoleSessionName="bad name",
        WebIdentityToken="not-even-a-jwt",
    )
    assert (code, status) == ("ValidationError", 400)
    assert "roleSessionName" in message
    assert error_of(
        fed.unsigned_sts().assume_role_with_web_identity,
        RoleArn=web_role,
        RoleSessionName="ok",
        WebIdentityToken=fed.idp.id_token("gina"),
        DurationSeconds=7200,
    ) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        400,
    )


def test_a_missing_role_is_access_denied_like_a_refusal(fed: Federation) -> None:
    assert error_of(
        fed.unsigned_sts().assume_role_with_web_identity,
        RoleArn=f"arn:aws:iam::{fed.account}:role/DoesNotExist",
        RoleSessionName="x1",
        WebIdentityToken=fed.idp.id_token("hank"),
    ) == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)


def test_admin_assume_role_and_its_credentials(fed: Federation) -> None:
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{fed.account}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    role = fed.create_role("OpsRole", trust=trust)
    answer = fed.admin("sts").assume_role(RoleArn=role, RoleSessionName="deploy")
    identity = fed.session_client("sts", answer["Credentials"]).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{fed.account}:assumed-role/OpsRole/deploy"
    code, message, status = error_of(
        fed.admin("sts").assume_role, RoleArn=fed.create_role("WebOnly"), RoleSessionName="x1"
    )
    assert (code, status) == ("AccessDenied", 403)
    assert message.startswith(f"User: arn:aws:iam::{fed.account}:root is not authorized")


def test_exchanges_are_in_the_audit_log(fed: Federation, web_role: str) -> None:
    answer = fed.exchange(web_role, fed.idp.id_token("ivy"), "ivy-audit")
    events = [e for e in fed.audit_events() if e["event"] == "sts"]
    granted = [e for e in events if e.get("session_name") == "ivy-audit"]
    assert len(granted) == 1
    assert granted[0]["decision"] == "Allow"
    assert granted[0]["subject"] == "ivy"
    assert granted[0]["access_key_id"] == answer["Credentials"]["AccessKeyId"]
    assert any(e["decision"] == "Deny" and e["error"]["code"] == "AccessDenied" for e in events)


def test_the_idps_key_rotation_is_followed(fed: Federation, web_role: str) -> None:
    """A token signed with a key the server has not seen makes it re-read the IdP's JWKS (at
    most once per JWKS_REFETCH_SECONDS); tokens of the retired key stop working."""
    old_token = fed.idp.id_token("jack")
    assert fed.exchange(web_role, old_token, "jack")  # the server caches the current keys
    time.sleep(JWKS_REFETCH_SECONDS + 0.5)  # past the rate limit on unknown-key re-reads
    fed.idp.rotate_keys()
    new_token = fed.idp.id_token("jack")
    assert fed.exchange(web_role, new_token, "jack")["SubjectFromWebIdentityToken"] == "jack"
    code, message, _ = error_of(
        fed.unsigned_sts().assume_role_with_web_identity,
        RoleArn=web_role,
        RoleSessionName="jack",
        WebIdentityToken=old_token,
    )
    assert code == "InvalidIdentityToken"
    assert message.startswith("Couldn't retrieve verification key from your identity provider")


def test_the_server_keeps_serving_after_everything_above(fed: Federation) -> None:
    assert fed.server.process.poll() is None
    assert not any("Traceback" in line for line in fed.server.output)
