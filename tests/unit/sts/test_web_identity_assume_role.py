"""AssumeRole for signed callers — admin credentials, and web-identity sessions chaining into
another role — and GetCallerIdentity for sessions
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.unit.identity.idp_double import NOW
from web_identity_harness import ACCOUNT, ADMIN, PROVIDER_ARN, Harness, document

from dynafed.auth.principal import Principal

ROOT = f"arn:aws:iam::{ACCOUNT}:root"


def account_trust(**condition: object) -> str:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": {"AWS": ROOT},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
    }
    if condition:
        statement["Condition"] = condition
    return document(statement)


def denied(caller: str, role_arn: str) -> tuple[str, str, int]:
    return (
        "AccessDenied",
        f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
        403,
    )


@pytest.fixture
def sts() -> Harness:
    harness = Harness()
    harness.register_provider()
    return harness


def test_admin_assumes_a_role_that_trusts_the_account(sts: Harness) -> None:
    role_arn = sts.create_role("Ops", account_trust())
    answer = sts.sts_call("AssumeRole", ADMIN, RoleArn=role_arn, RoleSessionName="deploy")
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Ops/deploy"
    assert answer["Credentials"]["Expiration"] == datetime.fromtimestamp(NOW, UTC) + timedelta(
        hours=1
    )
    identity = sts.sts_call("GetCallerIdentity", sts.principal(answer["Credentials"]))
    assert identity == {
        "UserId": answer["AssumedRoleUser"]["AssumedRoleId"],
        "Account": ACCOUNT,
        "Arn": answer["AssumedRoleUser"]["Arn"],
    }


def test_a_trust_policy_naming_someone_else_refuses_admin(sts: Harness) -> None:
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/SomeoneElse"},
            "Action": "sts:AssumeRole",
        }
    )
    role_arn = sts.create_role("Private", trust)
    assert sts.sts_error("AssumeRole", ADMIN, RoleArn=role_arn, RoleSessionName="x1") == denied(
        ROOT, role_arn
    )


def test_a_missing_role_is_refused_the_same_way(sts: Harness) -> None:
    missing = f"arn:aws:iam::{ACCOUNT}:role/Missing"
    assert sts.sts_error("AssumeRole", ADMIN, RoleArn=missing, RoleSessionName="x1") == denied(
        ROOT, missing
    )


def test_a_web_identity_trust_policy_does_not_admit_signed_callers(sts: Harness) -> None:
    role_arn = sts.create_role()  # trusts only the OIDC provider
    assert sts.sts_error("AssumeRole", ADMIN, RoleArn=role_arn, RoleSessionName="x1") == denied(
        ROOT, role_arn
    )


def test_external_id_is_a_trust_condition(sts: Harness) -> None:
    role_arn = sts.create_role("Partner", account_trust(StringEquals={"sts:ExternalId": "s3cr3t"}))
    assert sts.sts_error("AssumeRole", ADMIN, RoleArn=role_arn, RoleSessionName="p1")[0] == (
        "AccessDenied"
    )
    assert sts.sts_call(
        "AssumeRole", ADMIN, RoleArn=role_arn, RoleSessionName="p1", ExternalId="s3cr3t"
    )


def test_tags_need_tag_session_and_land_in_the_session(sts: Harness) -> None:
    only_assume = document(
        {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "sts:AssumeRole"}
    )
    plain = sts.create_role("Plain", only_assume)
    tags = [{"Key": "Team", "Value": "blue"}]
    assert sts.sts_error(
        "AssumeRole", ADMIN, RoleArn=plain, RoleSessionName="t1", Tags=tags
    ) == denied(ROOT, plain)
    tagged = sts.create_role("Tagged", account_trust())
    answer = sts.sts_call("AssumeRole", ADMIN, RoleArn=tagged, RoleSessionName="t1", Tags=tags)
    session = sts.principal(answer["Credentials"]).session
    assert session is not None and session.tags == {"Team": "blue"}
    assert answer["PackedPolicySize"] > 0


def test_bad_tags_are_validation_errors(sts: Harness) -> None:
    role_arn = sts.create_role("Tagged", account_trust())
    code, message, _ = sts.sts_error(
        "AssumeRole",
        ADMIN,
        RoleArn=role_arn,
        RoleSessionName="t1",
        Tags=[{"Key": "bad{key}", "Value": "v"}],
    )
    assert code == "ValidationError" and "tags.1.member.key" in message


# --- role chaining: a web-identity session assumes another role ---------------------------------


def web_session(sts: Harness, **exchange: object) -> Principal:
    role_arn = sts.create_role()
    answer = sts.exchange(role_arn, **exchange)
    return sts.principal(answer["Credentials"])


def test_a_session_needs_its_own_permission_when_the_trust_names_the_account(
    sts: Harness,
) -> None:
    target = sts.create_role("Target", account_trust())
    caller = web_session(sts)
    assert sts.sts_error("AssumeRole", caller, RoleArn=target, RoleSessionName="c1") == denied(
        caller.arn, target
    )
    sts.put_role_policy(
        "GameRole", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": target}
    )
    sts.roles.forget()  # skip the role-cache TTL
    answer = sts.sts_call("AssumeRole", caller, RoleArn=target, RoleSessionName="c1")
    assert answer["AssumedRoleUser"]["Arn"].endswith(":assumed-role/Target/c1")


def test_a_trust_policy_naming_the_callers_role_grants_without_identity_policy(
    sts: Harness,
) -> None:
    caller = web_session(sts)
    assert caller.session is not None
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": caller.session.role_arn},
            "Action": "sts:AssumeRole",
        }
    )
    target = sts.create_role("Target", trust)
    assert sts.sts_call("AssumeRole", caller, RoleArn=target, RoleSessionName="c1")


def test_role_chaining_is_limited_to_one_hour(sts: Harness) -> None:
    caller = web_session(sts)
    assert caller.session is not None
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": caller.session.role_arn},
            "Action": "sts:AssumeRole",
        }
    )
    target = sts.create_role("Target", trust, MaxSessionDuration=43200)
    assert sts.sts_error(
        "AssumeRole", caller, RoleArn=target, RoleSessionName="c1", DurationSeconds=7200
    ) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.",
        400,
    )
    answer = sts.sts_call("AssumeRole", caller, RoleArn=target, RoleSessionName="c1")
    assert answer["Credentials"]["Expiration"] == datetime.fromtimestamp(NOW, UTC) + timedelta(
        hours=1
    )


def test_a_source_identity_follows_the_chain(sts: Harness) -> None:
    sts.create_role(
        "Sourced",
        document(
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER_ARN},
                "Action": ["sts:AssumeRoleWithWebIdentity", "sts:SetSourceIdentity"],
            }
        ),
    )
    token = sts.token(**{"https://aws.amazon.com/source_identity": "alice"})
    answer = sts.exchange(f"arn:aws:iam::{ACCOUNT}:role/Sourced", token)
    caller = sts.principal(answer["Credentials"])
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Sourced"},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
        }
    )
    target = sts.create_role("Target", trust)
    chained = sts.sts_call("AssumeRole", caller, RoleArn=target, RoleSessionName="c1")
    assert chained["SourceIdentity"] == "alice"
    code, _, _ = sts.sts_error(
        "AssumeRole", caller, RoleArn=target, RoleSessionName="c2", SourceIdentity="mallory"
    )
    assert code == "AccessDenied"


def test_a_session_whose_role_was_deleted_cannot_chain(sts: Harness) -> None:
    caller = web_session(sts)
    assert caller.session is not None
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": caller.session.role_arn},
            "Action": "sts:AssumeRole",
        }
    )
    target = sts.create_role("Target", trust)
    sts.iam_call("DeleteRole", RoleName="GameRole")
    sts.roles.forget()
    assert sts.sts_error("AssumeRole", caller, RoleArn=target, RoleSessionName="c1") == denied(
        caller.arn, target
    )
