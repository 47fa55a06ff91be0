"""GetSessionToken and GetFederationToken in process: what their credentials authenticate
as, what a user session may assume, and what the audit log records of each exchange."""

from __future__ import annotations

import json

import pytest
from web_identity_harness import ACCOUNT, ADMIN, NOW, Harness

from dynafed.auth.principal import Principal, SessionKind, UserContext


@pytest.fixture
def harness() -> Harness:
    return Harness()


def user(harness: Harness, name: str, *actions: str) -> Principal:
    created = harness.iam_call("CreateUser", UserName=name)["User"]
    if actions:
        document = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
        harness.iam_call(
            "PutUserPolicy", UserName=name, PolicyName="own", PolicyDocument=json.dumps(document)
        )
    context = UserContext(name, created["UserId"], "/")
    return Principal(
        "AKIAUSERKEY000000001", ACCOUNT, created["Arn"], created["UserId"], user=context
    )


def test_exchanges_are_audited_with_who_the_session_acts_as(harness: Harness) -> None:
    bob = user(harness, "bob", "sts:GetFederationToken")
    own = harness.sts_call("GetSessionToken", bob)["Credentials"]
    federated = harness.sts_call("GetFederationToken", bob, Name="Carol")["Credentials"]
    harness.sts_error("GetFederationToken", user(harness, "eve"), Name="Mallory")
    minted, as_federated, refused = harness.audit[-3:]
    assert minted["action"] == "sts:GetSessionToken" and minted["decision"] == "Allow"
    assert minted["principal"] == minted["session"] == bob.arn
    assert minted["access_key_id"] == own["AccessKeyId"]
    assert as_federated["session"] == f"arn:aws:sts::{ACCOUNT}:federated-user/Carol"
    assert as_federated["session_name"] == "Carol"
    assert as_federated["access_key_id"] == federated["AccessKeyId"]
    assert refused["decision"] == "Deny" and refused["error"]["code"] == "AccessDenied"
    assert refused["session_name"] == "Mallory"


def test_a_user_session_assumes_roles_as_the_user_not_as_a_chain(harness: Harness) -> None:
    bob = user(harness, "bob", "sts:AssumeRole")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": bob.arn}, "Action": "sts:AssumeRole"}
        ],
    }
    role = harness.create_role("Target", trust=json.dumps(trust), MaxSessionDuration=7200)
    own = harness.principal(harness.sts_call("GetSessionToken", bob)["Credentials"])
    assert own.session is not None and own.session.kind is SessionKind.USER
    assert own.user == bob.user and own.arn == bob.arn
    # Role chaining is capped at an hour; a user's own session is no chain.
    assumed = harness.sts_call(
        "AssumeRole", own, RoleArn=role, RoleSessionName="two-hours", DurationSeconds=7200
    )
    assert (assumed["Credentials"]["Expiration"].timestamp() - NOW) == pytest.approx(7200, abs=1)


def test_the_accounts_own_sessions_last_an_hour_at_most(harness: Harness) -> None:
    credentials = harness.sts_call("GetSessionToken", ADMIN, DurationSeconds=129600)["Credentials"]
    assert credentials["Expiration"].timestamp() - NOW == pytest.approx(3600, abs=1)
    root = harness.principal(credentials)
    assert root.is_admin and root.arn == ADMIN.arn
    federated = harness.sts_call("GetFederationToken", ADMIN, Name="ops")["Credentials"]
    assert federated["Expiration"].timestamp() - NOW == pytest.approx(3600, abs=1)
