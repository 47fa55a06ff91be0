"""What STS and enforcement read from IAM, and smaller pieces (statement positions, markers,
typed parameters)."""

from __future__ import annotations

import pytest
from iam_harness import ACCOUNT, TRUST_POLICY, InProcessIam, allow

from dynafed.errors import InvalidInput, MalformedInput
from dynafed.iam.api.inputs import read_input
from dynafed.iam.api.pagination import page
from dynafed.iam.lookup import get_role_by_arn, get_role_by_name
from dynafed.iam.simulator.statement_positions import Position, statement_positions


def test_role_authorization_carries_every_governing_policy(iam: InProcessIam) -> None:
    iam.create_role(
        "GameRole", Path="/games/", MaxSessionDuration=7200, Tags=[{"Key": "team", "Value": "blue"}]
    )
    iam.call("PutRolePolicy", RoleName="GameRole", PolicyName="b-inline", PolicyDocument=allow())
    iam.call("PutRolePolicy", RoleName="GameRole", PolicyName="a-inline", PolicyDocument=allow())
    managed = iam.create_policy("Managed", allow("s3:*"))["Arn"]
    iam.call(
        "CreatePolicyVersion", PolicyArn=managed, PolicyDocument=allow("sqs:*"), SetAsDefault=True
    )
    iam.call("AttachRolePolicy", RoleName="GameRole", PolicyArn=managed)
    boundary = iam.create_policy("Boundary", allow("dynamodb:*"))["Arn"]
    iam.call("PutRolePermissionsBoundary", RoleName="GameRole", PermissionsBoundary=boundary)
    arn = f"arn:aws:iam::{ACCOUNT}:role/games/GameRole"
    with iam.storage.read() as view:
        role = get_role_by_arn(view, arn)
        assert get_role_by_arn(view, f"arn:aws:iam::{ACCOUNT}:role/GameRole") is None
        assert get_role_by_name(view, "gamerole") == role
    assert role is not None
    assert role.arn == arn and role.role_id.startswith("AROA")
    assert role.max_session_duration == 7200
    assert role.trust_policy == TRUST_POLICY
    assert [(p.policy_id, p.managed) for p in role.identity_policies] == [
        ("a-inline", False),
        ("b-inline", False),
        (managed, True),
    ]
    assert role.identity_policies[2].text == allow("sqs:*")  # the default version
    assert role.boundary is not None and role.boundary.policy_id == boundary
    assert role.tags == (("team", "blue"),)


def test_statement_positions_across_lines_and_escaped_strings() -> None:
    text = (
        '{\n  "Statement": [\n    {"Sid": "A", "Resource": "x\\"}"},\n'
        '    {\n      "Sid": "B"\n    }\n  ],\n  "Version": "2012-10-17"\n}'
    )
    assert statement_positions(text) == [
        (Position(3, 6), Position(3, 37)),
        (Position(4, 6), Position(6, 6)),
    ]


def test_pagination_rejects_a_marker_it_did_not_make() -> None:
    with pytest.raises(InvalidInput):
        page(["a", "b"], lambda item: item, "%%%", 1)


def test_non_numeric_integer_parameter_is_malformed_input() -> None:
    with pytest.raises(MalformedInput):
        read_input({"MaxItems": "ten"}, "ListRoles")
