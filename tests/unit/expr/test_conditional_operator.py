"""ConditionalOperator needs two or more legacy conditions to combine (Developer Guide
"Legacy conditional parameters: ConditionalOperator"); DynamoDB refuses it otherwise with
the texts below, and the mixing error wins when expressions are present too."""

from typing import Any

import pytest

from dynafed.dynamodb.expr import check_expression_parameters
from dynafed.errors import ValidationException

WITHOUT = "ConditionalOperator cannot be used without Filter or Expected"
ONE = "ConditionalOperator can only be used when Filter or Expected has two or more elements"
EQ = {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}
PUT_ITEM = {
    "expression_params": ["ConditionExpression"],
    "legacy_params": ["Expected", "ConditionalOperator"],
}
QUERY = {
    "expression_params": ["ProjectionExpression", "FilterExpression", "KeyConditionExpression"],
    "legacy_params": ["AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"],
}


def message(params: dict[str, Any], shape: dict[str, Any]) -> str | None:
    try:
        check_expression_parameters(params, **shape)
    except ValidationException as error:
        return error.message
    return None


@pytest.mark.parametrize(
    ("params", "shape", "expected"),
    [
        ({"ConditionalOperator": "AND"}, PUT_ITEM, WITHOUT),
        ({"ConditionalOperator": "OR", "Expected": {}}, PUT_ITEM, WITHOUT),
        ({"ConditionalOperator": "OR", "Expected": {"a": EQ}}, PUT_ITEM, ONE),
        ({"ConditionalOperator": "OR", "Expected": {"a": EQ, "b": EQ}}, PUT_ITEM, None),
        ({"Expected": {"a": EQ}}, PUT_ITEM, None),
        # KeyConditions are not conditions ConditionalOperator combines.
        ({"ConditionalOperator": "AND", "KeyConditions": {"a": EQ, "b": EQ}}, QUERY, WITHOUT),
        ({"ConditionalOperator": "AND", "QueryFilter": {"c": EQ}}, QUERY, ONE),
        ({"ConditionalOperator": "AND", "QueryFilter": {"c": EQ, "d": EQ}}, QUERY, None),
    ],
)
def test_conditional_operator_needs_two_conditions(
    params: dict[str, Any], shape: dict[str, Any], expected: str | None
) -> None:
    assert message(params, shape) == expected


def test_mixing_error_comes_first() -> None:
    params = {"ConditionalOperator": "AND", "ConditionExpression": "attribute_exists(a)"}
    assert message(params, PUT_ITEM) == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {ConditionalOperator} Expression parameters: "
        "{ConditionExpression}"
    )
