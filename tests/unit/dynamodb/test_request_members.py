"""Every member botocore's model gives a served operation is acted on, or refused with why.

A member the server accepted and silently ignored would let a client believe a setting took
effect. "Acted on" is checked the simple way: the member's name is read somewhere in the
DynamoDB package (as a quoted string), outside the generated request types.
"""

from __future__ import annotations

from pathlib import Path

from dynafed.core.validation.shapes import ListOf, MapOf, Shape, Struct
from dynafed.dynamodb.service import OPERATIONS
from dynafed.dynamodb.validation.model import NOT_SERVED, request_shape

PACKAGE = Path(__file__).resolve().parents[3] / "src" / "dynafed" / "dynamodb"


def _source() -> str:
    return "".join(path.read_text() for path in PACKAGE.rglob("*.py") if path.name != "requests.py")


def _unread(shape: Shape, path: str, source: str, seen: frozenset[str]) -> list[str]:
    if isinstance(shape, ListOf):
        return _unread(shape.member, path + "[]", source, seen)
    if isinstance(shape, MapOf):
        return _unread(shape.value, path + "{}", source, seen)
    if not isinstance(shape, Struct) or shape.name in seen:
        return []
    found = []
    for name, member in shape.fields.items():
        if f'"{name}"' not in source:
            found.append(f"{path}.{name}")
        found += _unread(member, f"{path}.{name}", source, seen | {shape.name})
    return found


def test_every_member_of_every_served_operation_is_read_or_refused() -> None:
    source = _source()
    unread = []
    for operation in sorted(OPERATIONS):
        top = request_shape(operation)
        refused = NOT_SERVED.get(operation, {})
        for name, member in top.fields.items():
            if name in refused:
                continue
            if f'"{name}"' not in source:
                unread.append(f"{operation}.{name}")
            unread += _unread(member, f"{operation}.{name}", source, frozenset({top.name}))
    assert unread == []


def test_refusals_name_members_the_model_has() -> None:
    for operation, members in NOT_SERVED.items():
        assert set(members) <= set(request_shape(operation).fields), operation
