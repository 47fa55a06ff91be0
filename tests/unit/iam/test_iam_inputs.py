"""Every served IAM action's input shape matches the IAM service model botocore ships."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from dynafed.iam.api.inputs import INPUTS
from dynafed.iam.api.shapes import Boolean, Integer, ListOf, Structure, Text

_MODEL = botocore.session.get_session().get_service_model("iam")


def _describe_ours(shape: Any) -> Any:
    if isinstance(shape, Structure):
        return {
            member.name: (member.required, _describe_ours(member.shape)) for member in shape.members
        }
    if isinstance(shape, ListOf):
        return ("list", shape.min, shape.max, _describe_ours(shape.member))
    if isinstance(shape, Text):
        return ("string", shape.min, shape.max, shape.pattern, tuple(shape.enum) or None)
    if isinstance(shape, Integer):
        return ("integer", shape.min, shape.max)
    assert isinstance(shape, Boolean)
    return ("boolean",)


def _describe_model(shape: Any) -> Any:
    metadata = shape.metadata
    if shape.type_name == "structure":
        return {
            name: (name in shape.required_members, _describe_model(member))
            for name, member in shape.members.items()
        }
    if shape.type_name == "list":
        return ("list", metadata.get("min"), metadata.get("max"), _describe_model(shape.member))
    if shape.type_name == "string":
        enum = tuple(shape.enum) if shape.enum else None
        return ("string", metadata.get("min"), metadata.get("max"), metadata.get("pattern"), enum)
    if shape.type_name == "integer":
        return ("integer", metadata.get("min"), metadata.get("max"))
    return (shape.type_name,)


@pytest.mark.parametrize("action", sorted(INPUTS))
def test_input_shape_matches_service_model(action: str) -> None:
    model = _MODEL.operation_model(action).input_shape
    expected = _describe_model(model) if model is not None else {}
    assert _describe_ours(INPUTS[action]) == expected
