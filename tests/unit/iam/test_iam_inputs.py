"""IAM's parameters are read by botocore's `iam` model and checked in IAM's wording."""

from __future__ import annotations

import pytest

from dynafed.core.validation.models import operation_names
from dynafed.errors import MalformedInput, ValidationError
from dynafed.iam.api.inputs import read_input
from dynafed.iam.api.service import USE_CASES


def test_every_served_action_is_in_the_model() -> None:
    assert set(USE_CASES) <= set(operation_names("iam"))


def test_arguments_are_typed_and_absent_members_are_none() -> None:
    args = read_input(
        {
            "RoleName": "GameRole",
            "AssumeRolePolicyDocument": "{}",
            "MaxSessionDuration": "7200",
            "Tags.member.1.Key": "team",
            "Tags.member.1.Value": "blue",
        },
        "CreateRole",
    )
    assert args["RoleName"] == "GameRole"
    assert args["MaxSessionDuration"] == 7200
    assert args["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert args["Path"] is None and args["PermissionsBoundary"] is None


def test_failures_hide_values_and_are_listed_by_path() -> None:
    with pytest.raises(ValidationError) as failed:
        read_input(
            {"RoleName": "x" * 65, "AssumeRolePolicyDocument": "{}", "Path": "no-slashes"},
            "CreateRole",
        )
    assert str(failed.value) == (
        "2 validation errors detected: "
        "Value at 'path' failed to satisfy constraint: Member must satisfy regular expression "
        "pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); "
        "Value at 'roleName' failed to satisfy constraint: Member must have length less than "
        "or equal to 64"
    )


def test_a_list_of_strings_is_reported_once_with_its_member_constraints() -> None:
    with pytest.raises(ValidationError) as failed:
        read_input(
            {"Url": "https://idp.example", "ThumbprintList.member.1": "short"},
            "CreateOpenIDConnectProvider",
        )
    assert str(failed.value) == (
        "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 40, "
        "Member must have length greater than or equal to 40]"
    )


def test_a_number_that_does_not_parse_is_malformed_input() -> None:
    with pytest.raises(MalformedInput) as malformed:
        read_input({"MaxItems": "ten"}, "ListRoles")
    assert str(malformed.value) == "Invalid value 'ten' for parameter MaxItems."
