"""Role sessions belong to one role, and session policies only ever narrow them.

Attacks 4-5 of the outside review: a role deleted and re-created under the same name gave
its old sessions the new role's permissions; a gap in the numbering of `PolicyArns` dropped
a managed session policy, widening the session."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.security.roles import create_role, document, session_client
from tests.support.clients import client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

LIST_TABLES = {"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"}


def _denied(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error = raised.value.response["Error"]
    assert error["Code"] in ("AccessDeniedException", "AccessDenied"), error
    return str(error["Message"])


def test_a_session_does_not_survive_its_role_being_recreated(
    server: ServerProcess, iam: Any
) -> None:
    """Item 4: sessions are bound to the role's unique id (`AROA…`), not its name."""
    original = create_role(server, "Recreated")  # allowed nothing
    dynamodb, answer = session_client(server, original["Arn"], "dynamodb")
    assert answer["AssumedRoleUser"]["AssumedRoleId"].startswith(original["RoleId"] + ":")
    _denied(dynamodb.list_tables)

    iam.delete_role(RoleName="Recreated")
    replacement = create_role(server, "Recreated", LIST_TABLES)
    assert replacement["RoleId"] != original["RoleId"]
    fresh, _ = session_client(server, replacement["Arn"], "dynamodb")
    fresh.list_tables()  # the new role's own sessions are allowed

    # The old session stays refused, however long we ask (the role cache's bound included).
    message = _denied(dynamodb.list_tables)
    assert "assumed-role/Recreated/attacker" in message
    for _ in range(3):
        _denied(dynamodb.list_tables)


def test_aws_userid_is_the_role_id_and_session_name(server: ServerProcess) -> None:
    role = create_role(
        server,
        "UserIdBound",
        {
            "Effect": "Allow",
            "Action": "dynamodb:ListTables",
            "Resource": "*",
            "Condition": {"StringLike": {"aws:userid": "${aws:userid}"}},
        },
    )
    sts, answer = session_client(server, role["Arn"], "sts")
    assert sts.get_caller_identity()["UserId"] == f"{role['RoleId']}:attacker"
    assert answer["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:attacker"


def _managed_policy(iam: Any, name: str, *statements: dict[str, Any]) -> str:
    arn: str = iam.create_policy(PolicyName=name, PolicyDocument=document(*statements))["Policy"][
        "Arn"
    ]
    return arn


def test_a_gap_in_policy_arns_does_not_drop_a_session_policy(
    server: ServerProcess, iam: Any
) -> None:
    """Item 5: a session policy numbered `PolicyArns.member.2` with no member 1 is still a
    session policy; reading up to the first gap would drop it and leave the session the
    role's whole permissions."""
    role = create_role(server, "Narrowed", LIST_TABLES)
    nothing = _managed_policy(
        iam, "AllowsNothingUseful", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    )
    sts = client(server, "sts")

    def with_gap(request: Any, **_: Any) -> None:
        # An SDK numbers members from 1; an attacker starts at 2.
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        request.data = body.replace("PolicyArns.member.1.", "PolicyArns.member.2.").encode()

    sts.meta.events.register("before-sign.sts.AssumeRole", with_gap)
    try:
        answer = sts.assume_role(
            RoleArn=role["Arn"], RoleSessionName="attacker", PolicyArns=[{"arn": nothing}]
        )
    except ClientError as error:  # refusing the gap outright would be as safe
        assert error.response["Error"]["Code"] == "ValidationError"
        return
    credentials = answer["Credentials"]
    dynamodb = client(
        server,
        "dynamodb",
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )
    _denied(dynamodb.list_tables)


def test_a_policy_arns_member_without_an_arn_is_a_validation_error(
    server: ServerProcess,
) -> None:
    role = create_role(server, "NoArn", LIST_TABLES)
    sts = client(server, "sts")

    def without_arn(request: Any, **_: Any) -> None:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        request.data = body.replace(
            "PolicyArns.member.1.arn=", "PolicyArns.member.1.nope="
        ).encode()

    sts.meta.events.register("before-sign.sts.AssumeRole", without_arn)
    with pytest.raises(ClientError) as raised:
        sts.assume_role(
            RoleArn=role["Arn"],
            RoleSessionName="attacker",
            PolicyArns=[{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        )
    assert raised.value.response["Error"]["Code"] == "ValidationError"
