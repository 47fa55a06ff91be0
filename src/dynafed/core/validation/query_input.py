"""A Query-protocol request (IAM, STS) read into the body its operation's shape describes.

The Query protocol flattens everything into string parameters with flattened names: lists
are `Name.member.N` (N from 1), lists of structures `Name.member.N.Field`, maps
`Name.entry.N.key` / `Name.entry.N.value`. An empty list travels as the bare name with an
empty value (`Name=`), which is how botocore's query serializer sends it. The HTTP edge
(`server/query_protocol.py`) decodes the form. Read by the shape, the parameters become what
a JSON service receives: strings, integers and booleans by the member's type, lists, maps and
nested structures, absent members left out. The constraints are then checked by
`constraints`, in the service's wording. A number or boolean that does not parse is a
`MalformedValue`, which each service words itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def sub_params(params: Mapping[str, str], prefix: str) -> dict[str, str]:
    """The parameters under `prefix.`, with that prefix removed."""
    start = prefix + "."
    return {name[len(start) :]: value for name, value in params.items() if name.startswith(start)}


def _indexed(params: Mapping[str, str], prefix: str) -> dict[int, dict[str, str]]:
    """Group `prefix.N[.rest]` parameters by N; the empty key holds `prefix.N` itself."""
    groups: dict[int, dict[str, str]] = {}
    for name, value in sub_params(params, prefix).items():
        index_text, _, rest = name.partition(".")
        if index_text.isdigit() and int(index_text) >= 1:
            groups.setdefault(int(index_text), {})[rest] = value
    return groups


def has_list(params: Mapping[str, str], name: str) -> bool:
    """Whether the request carries the list `name` at all (possibly empty)."""
    return name in params or any(key.startswith(name + ".member.") for key in params)


def read_list(params: Mapping[str, str], name: str) -> list[str] | None:
    """`Name.member.N` strings in index order; `None` if the list is absent."""
    if not has_list(params, name):
        return None
    groups = _indexed(params, f"{name}.member")
    return [groups[index][""] for index in sorted(groups) if "" in groups[index]]


def read_struct_list(params: Mapping[str, str], name: str) -> list[dict[str, str]] | None:
    """`Name.member.N.Field…` as one sub-parameter dict per member, in index order."""
    if not has_list(params, name):
        return None
    groups = _indexed(params, f"{name}.member")
    return [{key: value for key, value in groups[index].items() if key} for index in sorted(groups)]


def read_map(
    params: Mapping[str, str], name: str, key_name: str = "key", value_name: str = "value"
) -> dict[str, str] | None:
    """`Name.entry.N.key` / `Name.entry.N.value` pairs; `None` if the map is absent."""
    groups = _indexed(params, f"{name}.entry")
    if not groups and name not in params:
        return None
    result: dict[str, str] = {}
    for index in sorted(groups):
        entry = groups[index]
        if key_name in entry:
            result[entry[key_name]] = entry.get(value_name, "")
    return result


def read_tags(params: Mapping[str, str], name: str = "Tags") -> list[tuple[str, str]] | None:
    """`Tags.member.N.Key` / `.Value` pairs in order (a missing Value reads as empty)."""
    members = read_struct_list(params, name)
    if members is None:
        return None
    return [(member.get("Key", ""), member.get("Value", "")) for member in members]
