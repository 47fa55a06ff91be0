"""Shared helpers for the expression-engine tests."""

from typing import Any

import pytest

from dynafed.dynamodb.expr import CompiledExpressions, compile_expressions
from dynafed.errors import ValidationException


def error(**params: Any) -> str:
    """The ValidationException message compile_expressions raises for these parameters."""
    with pytest.raises(ValidationException) as caught:
        compile_expressions(params)
    return caught.value.message


def compiled(**params: Any) -> CompiledExpressions:
    return compile_expressions(params)


def n(value: str) -> dict[str, str]:
    return {"N": value}


def s(value: str) -> dict[str, str]:
    return {"S": value}
