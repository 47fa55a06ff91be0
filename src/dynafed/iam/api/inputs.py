"""The IAM API's parameters: read by botocore's `iam` model, checked in IAM's wording.

Every served action's input shape is the model's (`core.validation.models`); IAM's answers
for a broken constraint hide the value and list the failures by member path, lengths before
patterns, a list of strings once:

    1 validation error detected: Value at 'roleName' failed to satisfy constraint:
    Member must have length less than or equal to 64

(AWS responses recorded in 2026 read "Value at 'tags' …", "Value at 'versionId' …"). A
number or boolean that does not parse is IAM's `MalformedInput`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from dynafed.core.validation.constraints import Wording, check_constraints
from dynafed.core.validation.failures import MalformedValue, ValidationFailed
from dynafed.core.validation.models import input_shape
from dynafed.core.validation.query_input import read_query
from dynafed.core.validation.shapes import ListOf, Shape, Struct
from dynafed.errors import MalformedInput, ValidationError

Args = dict[str, Any]
"""An action's arguments by wire name; a member the request leaves out is None."""

IAM_WORDING = Wording(
    echo_values=False, lengths_first=True, sorted_by_path=True, scalar_lists_as_one=True
)


@cache
def input_of(action: str) -> Struct:
    """The input shape of `action` in botocore's `iam` model."""
    return input_shape("iam", action)


def read_input(params: Mapping[str, str], action: str) -> Args:
    """`action`'s arguments from its Query parameters, every constraint checked."""
    shape = input_of(action)
    try:
        body = read_query(params, shape)
        check_constraints(shape, body, IAM_WORDING)
    except MalformedValue as malformed:
        raise MalformedInput(
            f"Invalid value {malformed.text!r} for parameter {malformed.parameter}."
        ) from None
    except ValidationFailed as failed:
        raise ValidationError(str(failed)) from None
    return _with_absent_members(shape, body)


def _with_absent_members(shape: Struct, body: Mapping[str, Any]) -> Args:
    return {name: _filled(member, body.get(name)) for name, member in shape.fields.items()}


def _filled(shape: Shape, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(shape, ListOf) and isinstance(shape.member, Struct):
        return [_with_absent_members(shape.member, item) for item in value]
    if isinstance(shape, Struct):
        return _with_absent_members(shape, value)
    return value
