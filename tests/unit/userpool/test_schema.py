"""A pool's attribute schema: what conforms, in Cognito's words, and how it is described."""

from __future__ import annotations

import pytest

from dynafed.errors import InvalidParameterException
from dynafed.userpool.api.custom_attributes import parse_schema
from dynafed.userpool.model import UserPool
from dynafed.userpool.schema import (
    CustomAttribute,
    described_schema,
    missing_required,
    nonconforming_message,
    nonconformities,
)

TIER = CustomAttribute("custom:tier", "String", min_length=2, max_length=4)
LEVEL = CustomAttribute("custom:level", "Number", min_value=1, max_value=9)
BADGE = CustomAttribute("custom:badge", mutable=False)


def test_standard_attributes_always_conform_and_unknown_ones_never() -> None:
    given = {"given_name": "Ada", "phone_number": "+15555550100", "custom:x": "1", "x": "2"}
    assert nonconformities([TIER], given, creating=True) == [
        "custom:x: Attribute does not exist in the schema.",
        "x: Attribute does not exist in the schema.",
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("abcde", "String must be no longer than 4 characters."),
        ("a", "String must be no shorter than 2 characters."),
        ("abc", None),
    ],
)
def test_string_lengths(value: str, problem: str | None) -> None:
    assert TIER.problem(value) == problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("10", "Number must be no greater than 9."),
        ("0", "Number must be no less than 1."),
        ("1.5", "Number must be a whole number."),
        ("9", None),
    ],
)
def test_number_ranges(value: str, problem: str | None) -> None:
    assert LEVEL.problem(value) == problem


def test_an_immutable_attribute_is_set_only_when_the_user_is_made() -> None:
    assert nonconformities([BADGE], {"custom:badge": "x"}, creating=True) == []
    assert nonconformities([BADGE], {"custom:badge": "y"}, creating=False) == [
        "custom:badge: Cannot modify an immutable attribute."
    ]


def test_the_message_lists_each_problem_on_its_own_line() -> None:
    problems = missing_required(["email", "name"], {"email": "a@b.c"})
    assert nonconforming_message(problems) == (
        "Attributes did not conform to the schema: name: The attribute is required.\n"
    )


def test_a_schema_names_custom_attributes_and_marks_required_standard_ones() -> None:
    custom, required = parse_schema(
        [
            {"Name": "tier", "AttributeDataType": "String"},
            {"Name": "email", "AttributeDataType": "String", "Required": True},
        ]
    )
    assert [attribute.name for attribute in custom] == ["custom:tier"]
    assert required == ["email"]
    described = {entry["Name"]: entry for entry in described_schema(custom, required)}
    assert described["email"]["Required"] and not described["name"]["Required"]
    assert described["custom:tier"]["Mutable"] is True


@pytest.mark.parametrize(
    ("entry", "wording"),
    [
        ({"Name": "t", "AttributeDataType": "String", "Required": True}, "Required custom"),
        ({"Name": "t", "StringAttributeConstraints": {"MaxLength": "4096"}}, "MaxLength"),
        ({"Name": "t", "StringAttributeConstraints": {"MaxLength": "ten"}}, "whole number"),
        (
            {
                "Name": "t",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MinValue": "5", "MaxValue": "1"},
            },
            "MinValue",
        ),
        ({"Name": "t", "DeveloperOnlyAttribute": True}, "DeveloperOnlyAttribute"),
    ],
)
def test_schemas_cognito_refuses(entry: dict[str, object], wording: str) -> None:
    with pytest.raises(InvalidParameterException, match=wording):
        parse_schema([entry])


def test_a_pool_keeps_its_custom_attributes_through_storage() -> None:
    pool = UserPool("us-east-1_S", "s", 0.0, custom_attributes=[TIER, LEVEL])
    assert UserPool.from_document(pool.to_document()).custom_attributes == [TIER, LEVEL]
