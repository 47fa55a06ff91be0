"""Applying resolved update actions to an item ("Update expressions" in the Developer Guide).

Every SET value is computed from the item as it was before the update. Paths address the
original item too: list indexes are the original positions, so `REMOVE a[1], a[2]` removes
two original elements; a SET or ADD past the end of a list appends, in index order. REMOVE
of something absent does nothing; DELETE that empties a set removes the attribute.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr.paths import read_path
from dynafed.dynamodb.values import (
    EXACT,
    MAX_NESTING_DEPTH,
    nesting_depth,
    number_value,
    set_members,
    type_of,
)
from dynafed.errors import ValidationException

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

MISSING = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"
BAD_PATH = "The document path provided in the update expression is invalid for update"
LEGACY_MISMATCH = "Type mismatch for attribute to update"


def apply_update(
    actions: Sequence[ast.UpdateAction], item: Mapping[str, AttributeValue], *, legacy: bool = False
) -> Item:
    """The item after `actions` (resolved); `item` is not modified. `legacy` selects the
    AttributeUpdates behaviour: ADD appends to lists and type errors use its wording."""
    values = [
        _value(action.value, item) if action.kind == "SET" and action.value else None
        for action in actions
    ]
    result: Item = copy.deepcopy(dict(item))
    edits = _Edits()
    for action, value in zip(actions, values, strict=True):
        slot = _Slot.locate(result, action.path)
        if action.kind == "SET":
            assert value is not None
            edits.put(slot, value)
        elif action.kind == "REMOVE":
            edits.remove(slot)
        else:
            assert isinstance(action.value, ast.Literal)
            _add_or_delete(action.kind, slot, action.value.value, edits, legacy)
    edits.finish()
    _check_depth(result, actions)
    return result


# --- SET values ----------------------------------------------------------------------------


def _value(operand: ast.Operand, item: Mapping[str, AttributeValue]) -> AttributeValue:
    if isinstance(operand, ast.Literal):
        return operand.value
    if isinstance(operand, ast.Path):
        found = read_path(item, operand.elements)
        if found is None:
            raise ValidationException(MISSING)
        return found
    if isinstance(operand, ast.Arithmetic):
        left, right = _value(operand.left, item), _value(operand.right, item)
        if "N" not in left or "N" not in right:
            raise ValidationException(WRONG_TYPE)
        a, b = Decimal(left["N"]), Decimal(right["N"])
        return number_value(EXACT.add(a, b) if operand.op == "+" else EXACT.subtract(a, b))
    assert isinstance(operand, ast.FunctionCall)
    if operand.name == "if_not_exists":
        default = _value(operand.args[1], item)
        target = operand.args[0]
        assert isinstance(target, ast.Path)
        return read_path(item, target.elements) or default
    first, second = (_value(arg, item) for arg in operand.args)  # list_append
    if "L" not in first or "L" not in second:
        raise ValidationException(WRONG_TYPE)
    return {"L": [*first["L"], *second["L"]]}


# --- locating and editing ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where an action lands: a key of a map (or of the item) or an index of a list."""

    container: dict[str, Any] | list[Any]
    key: str | int

    @staticmethod
    def locate(item: Item, path: ast.Path) -> _Slot:
        *parents, key = path.elements
        if not parents:
            assert isinstance(key, str)
            return _Slot(item, key)
        parent = read_path(item, parents)
        member_key = "L" if isinstance(key, int) else "M"
        if parent is None or member_key not in parent:
            raise ValidationException(BAD_PATH)
        assert not isinstance(key, ast.NameRef)
        return _Slot(parent[member_key], key)

    def get(self) -> AttributeValue | None:
        if isinstance(self.container, list):
            assert isinstance(self.key, int)
            return self.container[self.key] if self.key < len(self.container) else None
        assert isinstance(self.key, str)
        return self.container.get(self.key)


@dataclass
class _Edits:
    """Removals and appends wait until every action is placed, so indexes stay original."""

    removals: list[_Slot] = field(default_factory=list)
    appends: dict[int, tuple[list[Any], list[tuple[int, AttributeValue]]]] = field(
        default_factory=dict
    )

    def put(self, slot: _Slot, value: AttributeValue) -> None:
        container, key = slot.container, slot.key
        if isinstance(container, dict):
            container[key] = value  # type: ignore[index]
        elif isinstance(key, int) and key < len(container):
            container[key] = value
        else:
            assert isinstance(key, int)
            self.appends.setdefault(id(container), (container, []))[1].append((key, value))

    def remove(self, slot: _Slot) -> None:
        if slot.get() is not None:
            self.removals.append(slot)

    def finish(self) -> None:
        by_list: dict[int, tuple[list[Any], list[int]]] = {}
        for slot in self.removals:
            if isinstance(slot.container, list):
                assert isinstance(slot.key, int)
                by_list.setdefault(id(slot.container), (slot.container, []))[1].append(slot.key)
            else:
                assert isinstance(slot.key, str)
                del slot.container[slot.key]
        for members, indexes in by_list.values():
            for index in sorted(indexes, reverse=True):
                del members[index]
        for members, additions in self.appends.values():
            members.extend(value for _, value in sorted(additions, key=lambda pair: pair[0]))


# --- ADD and DELETE ------------------------------------------------------------------------


def _add_or_delete(
    kind: str, slot: _Slot, operand: AttributeValue, edits: _Edits, legacy: bool
) -> None:
    existing = slot.get()
    mismatch = LEGACY_MISMATCH if legacy else WRONG_TYPE
    operand_type = type_of(operand)
    if existing is None:
        if kind == "ADD":
            edits.put(slot, operand)
        return
    if type_of(existing) != operand_type:
        raise ValidationException(mismatch)
    if kind == "DELETE":
        remaining = _set_difference(existing, operand)
        if remaining is None:
            edits.remove(slot)
        else:
            edits.put(slot, remaining)
    elif operand_type == "N":
        edits.put(slot, number_value(EXACT.add(Decimal(existing["N"]), Decimal(operand["N"]))))
    elif operand_type == "L":  # only reachable from legacy AttributeUpdates
        edits.put(slot, {"L": [*existing["L"], *operand["L"]]})
    else:
        edits.put(slot, _set_union(existing, operand))


def _set_union(existing: AttributeValue, extra: AttributeValue) -> AttributeValue:
    kind = type_of(existing)
    have = set(set_members(existing))
    members = list(existing[kind])
    for member in extra[kind]:
        key = next(iter(set_members({kind: [member]})))
        if key not in have:
            have.add(key)
            members.append(member)
    return {kind: members}


def _set_difference(existing: AttributeValue, removed: AttributeValue) -> AttributeValue | None:
    kind = type_of(existing)
    gone = set_members(removed)
    members = [m for m in existing[kind] if next(iter(set_members({kind: [m]}))) not in gone]
    return {kind: members} if members else None


def _check_depth(item: Item, actions: Sequence[ast.UpdateAction]) -> None:
    for head in {action.path.elements[0] for action in actions}:
        value = item.get(head) if isinstance(head, str) else None
        if value is not None and nesting_depth(value) > MAX_NESTING_DEPTH:
            raise ValidationException(
                "Nesting Levels have exceeded supported limits: Attributes in the item have "
                "nested levels beyond supported limit"
            )
