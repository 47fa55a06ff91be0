"""A Query-protocol request (IAM, STS) read into the body its operation's shape describes.

The Query protocol flattens everything into string parameters (`core.query_params` has the
naming rules). Read by the shape, they become what a JSON service receives: strings,
integers and booleans by the member's type, lists, maps and nested structures, absent members
left out. The constraints are then checked by `constraints`, in the service's wording. A
number or boolean that does not parse is a `MalformedValue`, which each service words
itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dynafed.core.query_params import has_list, read_list, read_map, read_struct_list, sub_params
from dynafed.core.validation.failures import MalformedValue
from dynafed.core.validation.shapes import Bool, ListOf, Long, MapOf, Shape, Struct


def read_query(params: Mapping[str, str], shape: Struct) -> dict[str, Any]:
    """The members of `shape` found in `params`, typed; unknown parameters are ignored."""
    body: dict[str, Any] = {}
    for name, member in shape.fields.items():
        value = _read_member(params, name, member)
        if value is not None:
            body[name] = value
    return body


def _read_member(params: Mapping[str, str], name: str, shape: Shape) -> Any:
    if isinstance(shape, ListOf):
        return _read_list(params, name, shape)
    if isinstance(shape, MapOf):
        return read_map(params, name)
    if isinstance(shape, Struct):
        nested = sub_params(params, name)
        return read_query(nested, shape) if nested else None
    text = params.get(name)
    if text is None:
        return None
    if isinstance(shape, Long):
        return _integer(name, text)
    if isinstance(shape, Bool):
        return _boolean(name, text)
    return text


def _read_list(params: Mapping[str, str], name: str, shape: ListOf) -> list[Any] | None:
    if not has_list(params, name):
        return None
    if isinstance(shape.member, Struct):
        members = read_struct_list(params, name) or []
        return [read_query(member, shape.member) for member in members]
    return read_list(params, name)


def _integer(name: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise MalformedValue(name, text) from None


def _boolean(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise MalformedValue(name, text)
    return lowered == "true"
