"""Compiled expressions are cached by the request's expression members; the cache must
never let one request's names or values answer for another's, nor remember an error."""

from __future__ import annotations

from typing import Any

import pytest

from dynafed.dynamodb.expr import compile_expressions
from dynafed.errors import ValidationException


def test_same_members_share_one_compilation() -> None:
    params = {"ProjectionExpression": "#a, b", "ExpressionAttributeNames": {"#a": "Score"}}
    assert compile_expressions(dict(params)) is compile_expressions(dict(params))


def test_names_decide_what_a_placeholder_means() -> None:
    first = compile_expressions(
        {"ProjectionExpression": "#a", "ExpressionAttributeNames": {"#a": "Wins"}}
    )
    second = compile_expressions(
        {"ProjectionExpression": "#a", "ExpressionAttributeNames": {"#a": "Losses"}}
    )
    assert first.attribute_names == {"Wins"}
    assert second.attribute_names == {"Losses"}


def test_values_decide_what_a_condition_tests() -> None:
    def passes(value: str) -> bool:
        compiled = compile_expressions(
            {
                "ConditionExpression": "Wins = :v",
                "ExpressionAttributeValues": {":v": {"N": value}},
            }
        )
        assert compiled.condition is not None
        return compiled.condition.evaluate({"Wins": {"N": "3"}})

    assert passes("3")
    assert not passes("4")


def test_an_error_is_raised_every_time() -> None:
    params: dict[str, Any] = {
        "ProjectionExpression": "a",
        "ExpressionAttributeNames": {"#unused": "b"},
    }
    for _ in range(2):
        with pytest.raises(ValidationException, match="unused in expressions"):
            compile_expressions(params)


def test_updates_are_compiled_for_each_request() -> None:
    """An update copies its values into the item it writes, so none is shared."""
    params = {"UpdateExpression": "SET a = :v", "ExpressionAttributeValues": {":v": {"S": "x"}}}
    assert compile_expressions(params) is not compile_expressions(params)
