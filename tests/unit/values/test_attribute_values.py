"""AttributeValue validation from requests: wire types (SerializationException) and DynamoDB's
rules (ValidationException), with DynamoDB's texts, typos included.

AWS reference: Developer Guide "Supported data types and naming rules" (empty S/B allowed
outside keys since 2020, sets non-empty and without duplicates, 32 nesting levels).
"""

from typing import Any

import pytest

from dynafed.dynamodb.values import (
    check_key_not_empty,
    check_shape,
    validate_attribute_value,
    validate_item,
)
from dynafed.errors import SerializationException, ValidationException

INVALID = "One or more parameter values were invalid: "


def validation_message(value: Any) -> str:
    with pytest.raises(ValidationException) as caught:
        validate_attribute_value(value)
    return caught.value.message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"X": "a"},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"S": None},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"M": {"k": {}}},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"L": [{}]},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"S": "a", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes",
        ),
        ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
        ({"SS": []}, INVALID + "An string set  may not be empty"),
        ({"NS": []}, INVALID + "An number set  may not be empty"),
        ({"BS": []}, INVALID + "Binary sets should not be empty"),
        ({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates."),
        (
            {"BS": ["Yg==", "Yg=="]},
            INVALID + "Input collection [Yg==, Yg==]of type BS contains duplicates.",
        ),
        ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
        ({"SS": ["a", None]}, INVALID + "An string set may not have a null string as a member"),
        ({"NS": ["1", ""]}, "The parameter cannot be converted to a numeric value"),
        ({"NS": ["1", "b", "a"]}, "The parameter cannot be converted to a numeric value: b"),
        # a number error inside a value with two types wins over the two-types error
        ({"S": "a", "N": "b"}, "The parameter cannot be converted to a numeric value: b"),
        (
            {"M": {"x": {"L": [{"N": "1e126"}]}}},
            "Number overflow. Attempting to store a number with magnitude larger than "
            "supported range",
        ),
    ],
)
def test_invalid_values_get_dynamodbs_message(value: Any, message: str) -> None:
    assert validation_message(value) == message


def test_empty_strings_and_binaries_are_allowed_outside_keys() -> None:
    value = {
        "M": {"s": {"S": ""}, "b": {"B": ""}, "ss": {"SS": ["", "a"]}, "bs": {"BS": ["", "YQ=="]}}
    }
    assert validate_attribute_value(value) == value


def test_numbers_are_canonical_everywhere_in_a_value() -> None:
    value = {"M": {"n": {"N": "1.50"}, "l": {"L": [{"N": "1e2"}]}, "ns": {"NS": ["-0", "2.0"]}}}
    assert validate_attribute_value(value) == {
        "M": {"n": {"N": "1.5"}, "l": {"L": [{"N": "100"}]}, "ns": {"NS": ["0", "2"]}}
    }


def deep_map(wraps: int) -> dict[str, Any]:
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(wraps):
        value = {"M": {"n": value}}
    return value


def test_nesting_is_limited_to_32_levels() -> None:
    # Captured on DynamoDB: 31 wraps (leaf at level 32) pass, 32 wraps are refused.
    assert validate_attribute_value(deep_map(31)) == deep_map(31)
    assert validation_message(deep_map(32)) == (
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
        "levels beyond supported limit"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"S": 5}, "NUMBER_VALUE cannot be converted to String"),
        ({"S": 5.5}, "DECIMAL_VALUE cannot be converted to String"),
        ({"S": True}, "TRUE_VALUE cannot be converted to String"),
        ({"N": False}, "FALSE_VALUE cannot be converted to String"),
        ({"S": []}, "Unrecognized collection type class java.lang.String"),
        ({"S": {}}, "Start of structure or map found where not expected"),
        ({"BOOL": "true"}, "Unexpected token received from parser"),
        ({"BOOL": 1}, "NUMBER_VALUE cannot be converted to Boolean"),
        ({"NULL": []}, "Unrecognized collection type class java.lang.Boolean"),
        ({"B": 1}, "only base-64-encoded strings are convertible to bytes"),
        ({"B": []}, "Unrecognized collection type class java.nio.ByteBuffer"),
        ({"B": "23456"}, "Base64 encoded length is expected a multiple of 4 bytes but found: 5"),
        ({"B": "=+/="}, "Invalid last non-pad Base64 character dectected"),
        ({"B": "ab!="}, "Invalid Base64 character: '!'"),
        ({"B": "+/+="}, "Invalid last non-pad Base64 character dectected"),
        ({"SS": "a"}, "Unexpected field type"),
        ({"L": {}}, "Start of structure or map found where not expected"),
        ({"L": ["a"]}, "Unexpected value type in payload"),
        (
            {"L": [[]]},
            "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue",
        ),
        ({"M": "a"}, "Unexpected field type"),
        (
            {"M": []},
            "Unrecognized collection type java.util.Map<java.lang.String, "
            "com.amazonaws.dynamodb.v20120810.AttributeValue>",
        ),
        ({"NS": [1]}, "NUMBER_VALUE cannot be converted to String"),
        ("a", "Unexpected value type in payload"),
    ],
)
def test_wrong_json_types_are_serialization_errors(value: Any, message: str) -> None:
    with pytest.raises(SerializationException) as caught:
        check_shape(value)
    assert caught.value.message == message
    with pytest.raises(SerializationException):
        validate_attribute_value(value)


def test_wire_type_errors_win_over_validation_errors_within_an_item() -> None:
    # DynamoDB deserialises the whole request before validating it.
    with pytest.raises(SerializationException):
        validate_item({"a": {"NULL": False}, "b": {"S": 1}})


@pytest.mark.parametrize(("kind", "word"), [("S", "string"), ("B", "binary")])
def test_key_attributes_may_not_be_empty(kind: str, word: str) -> None:
    with pytest.raises(ValidationException) as caught:
        check_key_not_empty("pk", {kind: ""})
    assert caught.value.message == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        f"cannot contain an empty {word} value. Key: pk"
    )
    with pytest.raises(ValidationException) as caught:
        check_key_not_empty("g", {kind: ""}, index_name="by-g")
    assert caught.value.message.endswith(f"empty {word} value. IndexName: by-g, IndexKey: g")
    check_key_not_empty("pk", {kind: "eA=="})
