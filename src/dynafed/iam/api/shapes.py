"""Declarative input shapes for IAM actions, and the reader that validates flat Query params.

Each action declares its parameters as a `Structure` of `Member`s whose constraints mirror
the IAM service model (length, pattern, value range, enum, list size). `read_input` turns
the flattened form parameters into typed Python values and reports every violation at
once in IAM's `ValidationError` wording, e.g.

    1 validation error detected: Value at 'roleName' failed to satisfy constraint:
    Member must have length less than or equal to 64

IAM no longer echoes the offending value (AWS responses recorded in 2026 read
"Value at 'tags' …", "Value at 'versionId' …"), and several violations are listed in
member-name order, joined by "; ".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dynafed.core.query_params import has_list, read_list, read_struct_list
from dynafed.errors import MalformedInput, ValidationError

Args = dict[str, Any]

# IAM patterns use Java regex syntax; `\w` there is ASCII-only, and the tag pattern's
# Unicode classes have no `re` equivalent, so it gets a hand-written predicate.
_TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]"
_TAG_PUNCTUATION = frozenset("_.:/=+-@")


def _is_tag_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LZN" or char in _TAG_PUNCTUATION


def _matcher(pattern: str) -> Callable[[str], bool]:
    if pattern.startswith(_TAG_PATTERN):
        allow_empty = pattern.endswith("*")
        return lambda text: (allow_empty or bool(text)) and all(map(_is_tag_char, text))
    compiled = re.compile(pattern, re.ASCII | re.DOTALL)
    return lambda text: compiled.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Text:
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    matches: Callable[[str], bool] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.pattern is not None:
            object.__setattr__(self, "matches", _matcher(self.pattern))

    def constraints(self) -> list[str]:
        texts = []
        if self.max is not None:
            texts.append(f"Member must have length less than or equal to {self.max}")
        if self.min is not None:
            texts.append(f"Member must have length greater than or equal to {self.min}")
        if self.pattern is not None:
            texts.append(f"Member must satisfy regular expression pattern: {self.pattern}")
        if self.enum:
            texts.append(f"Member must satisfy enum value set: [{', '.join(self.enum)}]")
        return texts

    def violations(self, value: str) -> list[str]:
        found = []
        if self.max is not None and len(value) > self.max:
            found.append(f"Member must have length less than or equal to {self.max}")
        if self.min is not None and len(value) < self.min:
            found.append(f"Member must have length greater than or equal to {self.min}")
        if self.matches is not None and not self.matches(value):
            found.append(f"Member must satisfy regular expression pattern: {self.pattern}")
        if self.enum and value not in self.enum:
            found.append(f"Member must satisfy enum value set: [{', '.join(self.enum)}]")
        return found


@dataclass(frozen=True, slots=True)
class Integer:
    min: int | None = None
    max: int | None = None

    def violations(self, value: int) -> list[str]:
        found = []
        if self.max is not None and value > self.max:
            found.append(f"Member must have value less than or equal to {self.max}")
        if self.min is not None and value < self.min:
            found.append(f"Member must have value greater than or equal to {self.min}")
        return found


@dataclass(frozen=True, slots=True)
class Boolean:
    pass


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    """The wire name, e.g. `RoleName`; errors use it with a lower-case first letter."""
    shape: Shape
    required: bool = False


@dataclass(frozen=True, slots=True)
class Structure:
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class ListOf:
    member: Text | Structure
    max: int | None = None
    min: int | None = None


Shape = Text | Integer | Boolean | ListOf | Structure


def member_path(name: str) -> str:
    return name[:1].lower() + name[1:]


class _Report:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def add(self, path: str, constraint: str) -> None:
        self.errors.append((path, constraint))

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        count = len(self.errors)
        noun = "error" if count == 1 else "errors"
        details = "; ".join(
            f"Value at '{path}' failed to satisfy constraint: {constraint}"
            for path, constraint in sorted(self.errors, key=lambda error: error[0])
        )
        raise ValidationError(f"{count} validation {noun} detected: {details}")


def _parse_integer(name: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError as error:
        raise MalformedInput(f"Invalid value {text!r} for parameter {name}.") from error


def _parse_boolean(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise MalformedInput(f"Invalid value {text!r} for parameter {name}.")
    return lowered == "true"


def _read_list(
    params: Mapping[str, str], member: Member, shape: ListOf, path: str, report: _Report
) -> list[Any]:
    values: list[Any]
    if isinstance(shape.member, Structure):
        structs = read_struct_list(params, member.name) or []
        values = [
            _read_structure(sub, shape.member, f"{path}.{index}.member", report)
            for index, sub in enumerate(structs, start=1)
        ]
    else:
        texts = read_list(params, member.name) or []
        if any(shape.member.violations(text) for text in texts):
            report.add(
                path, f"Member must satisfy constraint: [{', '.join(shape.member.constraints())}]"
            )
        values = texts
    if shape.max is not None and len(values) > shape.max:
        report.add(path, f"Member must have length less than or equal to {shape.max}")
    if shape.min is not None and len(values) < shape.min:
        report.add(path, f"Member must have length greater than or equal to {shape.min}")
    return values


def _read_member(params: Mapping[str, str], member: Member, prefix: str, report: _Report) -> Any:
    path = f"{prefix}.{member_path(member.name)}" if prefix else member_path(member.name)
    shape = member.shape
    if isinstance(shape, ListOf):
        if not has_list(params, member.name):
            if member.required:
                report.add(path, "Member must not be null")
            return None
        return _read_list(params, member, shape, path, report)
    if isinstance(shape, Structure):
        raise TypeError("nested structures outside lists are not used by IAM inputs")
    text = params.get(member.name)
    if text is None:
        if member.required:
            report.add(path, "Member must not be null")
        return None
    if isinstance(shape, Boolean):
        return _parse_boolean(member.name, text)
    if isinstance(shape, Integer):
        number = _parse_integer(member.name, text)
        for constraint in shape.violations(number):
            report.add(path, constraint)
        return number
    for constraint in shape.violations(text):
        report.add(path, constraint)
    return text


def _read_structure(
    params: Mapping[str, str], shape: Structure, prefix: str, report: _Report
) -> Args:
    return {member.name: _read_member(params, member, prefix, report) for member in shape.members}


def read_input(params: Mapping[str, str], shape: Structure) -> Args:
    """Typed arguments keyed by wire name (absent optional members are `None`)."""
    report = _Report()
    args = _read_structure(params, shape, "", report)
    report.raise_if_any()
    return args
