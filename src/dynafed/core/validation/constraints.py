"""Second validation pass: the API model's constraints, reported together.

AWS checks every member constraint (not null, length, range, pattern, enum) and answers with
one `ValidationException` listing the failures, at most ten:
"2 validation errors detected: Value null at 'key' failed to satisfy constraint: Member must
not be null; Value 'a;' at 'tableName' failed to satisfy constraint: ...".
Paths use the member names with a lower-case first letter; list members read
`keySchema.1.member.attributeName` (1-based), map values `expected.<key>.member`. Sensitive
members (passwords, secrets) are shown as `***`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dynafed.core.validation.failures import ValidationFailed
from dynafed.core.validation.shapes import (
    AttrValue,
    ListOf,
    Long,
    MapOf,
    Shape,
    Str,
    Struct,
    TableReference,
)

MAX_REPORTED = 10


@dataclass(frozen=True, slots=True)
class Wording:
    """How a service words its constraint failures; the defaults are DynamoDB's (and the
    Cognito APIs', which share its validator)."""

    echo_values: bool = True
    """`Value 'x' at 'roleSessionName'`; IAM says only `Value at 'roleName'`."""
    echo_limit: int | None = None
    """Longer values are cut to this many characters, then `...` (STS)."""
    lengths_first: bool = False
    """Length before pattern (IAM); DynamoDB reports the pattern first."""
    sorted_by_path: bool = False
    """IAM lists the failures by member path; the others in the model's member order."""
    scalar_lists_as_one: bool = False
    """IAM reports a list of strings with a bad member once, naming every constraint of the
    member shape: `Member must satisfy constraint: [Member must have length ...]`."""


DYNAMODB = Wording()


def check_constraints(shape: Struct, body: Mapping[str, Any], wording: Wording = DYNAMODB) -> None:
    """Raise `ValidationFailed`, listing the failures, if any constraint of `shape` fails."""
    checker = _Checker(wording)
    checker.fields(shape.fields, body, "")
    errors = checker.errors
    if errors:
        if wording.sorted_by_path:
            by_path = sorted(zip(checker.paths, errors, strict=True), key=lambda pair: pair[0])
            errors = [message for _path, message in by_path]
        raise ValidationFailed(validation_message(errors[:MAX_REPORTED]))


def validation_message(errors: list[str]) -> str:
    plural = "s" if len(errors) > 1 else ""
    return f"{len(errors)} validation error{plural} detected: " + "; ".join(errors)


_NOT_NULL = "Member must not be null"


class _Checker:
    def __init__(self, wording: Wording) -> None:
        self.wording = wording
        self.errors: list[str] = []
        self.paths: list[str] = []

    def fields(self, fields: Mapping[str, Shape], body: Mapping[str, Any], prefix: str) -> None:
        for name, shape in fields.items():
            value = body.get(name)
            if value is None and not shape.required:
                continue  # most members are absent: skip building their path
            self.check(shape, value, prefix + _lower_first(name))

    def check(self, shape: Shape, value: Any, path: str) -> None:
        if len(self.errors) >= MAX_REPORTED and not self.wording.sorted_by_path:
            return
        if value is None:
            if shape.required:
                self.fail(None, path, _NOT_NULL)
            return
        if isinstance(shape, Str):
            self.string(shape, value, path)
        elif isinstance(shape, Long):
            self.range(shape, value, path)
        elif isinstance(shape, ListOf):
            self.list(shape, value, path)
        elif isinstance(shape, MapOf):
            self.length(shape.min_len, shape.max_len, value, path)
            if type(shape.value) is AttrValue:
                return  # AttributeValues have no constraints here (dynamodb.values checks them)
            for key, member in value.items():
                self.check(shape.value, member, f"{path}.{key}.member")
        elif isinstance(shape, Struct):
            self.fields(shape.fields, value, path + ".")

    def list(self, shape: ListOf, value: list[Any], path: str) -> None:
        member_shape = shape.member
        shown = _structs(member_shape, value) if isinstance(member_shape, Struct) else value
        self.length(shape.min_len, shape.max_len, shown, path)
        if self.wording.scalar_lists_as_one and isinstance(member_shape, Str):
            if any(_string_failures(member_shape, text, self.wording) for text in value):
                listed = ", ".join(_string_constraints(member_shape, self.wording))
                self.fail(value, path, f"Member must satisfy constraint: [{listed}]")
            return
        for index, member in enumerate(value):
            member_path = f"{path}.{index + 1}.member"
            if member is None:  # a null list element is never acceptable
                self.fail(None, member_path, _NOT_NULL)
            else:
                self.check(member_shape, member, member_path)

    def string(self, shape: Str, value: str, path: str) -> None:
        if isinstance(shape, TableReference):
            found = len(self.errors)
            self.length(shape.reference_min_len, shape.reference_max_len, value, path)
            if len(self.errors) > found:
                return  # not even the model's ARN shape: the name rules do not apply
            if shape.arn_pattern is not None and value.startswith("arn:"):
                arn = _matcher(shape.arn_pattern)
                if arn is not None and arn(value):
                    return  # a table's ARN, not a name
        shown = "***" if shape.sensitive else value
        for constraint in _string_failures(shape, value, self.wording):
            self.fail(shown, path, constraint)

    def length(self, min_len: int | None, max_len: int | None, value: Any, path: str) -> None:
        if min_len is not None and len(value) < min_len:
            self.fail(value, path, f"Member must have length greater than or equal to {min_len}")
        if max_len is not None and len(value) > max_len:
            self.fail(value, path, f"Member must have length less than or equal to {max_len}")

    def range(self, shape: Long, value: int, path: str) -> None:
        if shape.minimum is not None and value < shape.minimum:
            self.fail(
                value, path, f"Member must have value greater than or equal to {shape.minimum}"
            )
        if shape.maximum is not None and value > shape.maximum:
            self.fail(value, path, f"Member must have value less than or equal to {shape.maximum}")

    def fail(self, value: Any, path: str, constraint: str) -> None:
        wording = self.wording
        if value is None:
            subject = "Value null at" if wording.echo_values else "Value at"
        elif not wording.echo_values:
            subject = "Value at"
        else:
            text = render(value)
            if wording.echo_limit is not None and len(text) > wording.echo_limit:
                text = text[: wording.echo_limit] + "..."
            subject = f"Value '{text}' at"
        self.errors.append(f"{subject} '{path}' failed to satisfy constraint: {constraint}")
        self.paths.append(path)


def _string_failures(shape: Str, value: str, wording: Wording) -> list[str]:
    """The constraints `value` breaks, in the order `wording` reports them. Worded only when
    one fails: every string member of every request passes through here."""
    pattern = None if shape.pattern is None else _matcher(shape.pattern)
    bad_pattern = pattern is not None and not pattern(value)
    too_short = shape.min_len is not None and len(value) < shape.min_len
    too_long = shape.max_len is not None and len(value) > shape.max_len
    bad_enum = shape.enum is not None and value not in shape.enum
    if not (bad_pattern or too_short or too_long or bad_enum):
        return []
    lengths = [(too_long, _max_length(shape)), (too_short, _min_length(shape))]
    pattern_failure = (bad_pattern, _pattern(shape))
    if wording.lengths_first:
        ordered = [*lengths, pattern_failure]
    else:
        ordered = [pattern_failure, *reversed(lengths)]
    ordered.append((bad_enum, _enum_set(shape)))
    return [constraint for failed, constraint in ordered if failed]


def _string_constraints(shape: Str, wording: Wording) -> list[str]:
    """Every constraint of `shape`, as IAM lists them for a list member (length, pattern,
    enum)."""
    listed = []
    if shape.max_len is not None:
        listed.append(_max_length(shape))
    if shape.min_len is not None:
        listed.append(_min_length(shape))
    if shape.pattern is not None:
        listed.append(_pattern(shape))
    if shape.enum is not None:
        listed.append(_enum_set(shape))
    return listed


def _max_length(shape: Str) -> str:
    return f"Member must have length less than or equal to {shape.max_len}"


def _min_length(shape: Str) -> str:
    return f"Member must have length greater than or equal to {shape.min_len}"


def _pattern(shape: Str) -> str:
    return f"Member must satisfy regular expression pattern: {shape.pattern}"


def _enum_set(shape: Str) -> str:
    return f"Member must satisfy enum value set: [{', '.join(shape.enum or ())}]"


class _JavaObject:
    """A structure as Java's generated `toString` prints it: `KeySchemaElement(attributeName=pk,
    keyType=HASH)`, members in the model's order (how AWS shows a list of structures)."""

    def __init__(self, shape: Struct, value: Mapping[str, Any]) -> None:
        self.text = (
            f"{shape.name}("
            + ", ".join(
                f"{_lower_first(name)}={render(value[name])}"
                for name in shape.fields
                if name in value
            )
            + ")"
        )


def _structs(shape: Struct, value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [_JavaObject(shape, m) if isinstance(m, Mapping) else m for m in value]


def render(value: Any) -> str:
    """A value as AWS prints it inside `Value '...'` (Java `toString` style)."""
    if isinstance(value, _JavaObject):
        return value.text
    if isinstance(value, list):
        return "[" + ", ".join(render(member) for member in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@lru_cache(maxsize=1024)  # member names come from the API model: a few hundred
def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


@lru_cache(maxsize=256)
def _matcher(pattern: str) -> Callable[[str], bool] | None:
    """The model's (Java) pattern as a predicate. Java's `\\w` is ASCII-only, as with
    `re.ASCII`; a character class of Unicode categories (`[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+`,
    IAM's tags) becomes a check of each character's category. None for a pattern neither
    can express: its member keeps its length and enum checks."""
    if "\\p{" in pattern:
        return _unicode_class(pattern)
    try:
        compiled = re.compile(pattern, re.ASCII | re.DOTALL)
    except re.error:
        return None
    return lambda text: compiled.fullmatch(text) is not None


_UNICODE_CLASS = re.compile(r"\[((?:\\p\{[A-Z]\}|\\.|[^\]\\])*)\]([*+])")


def _unicode_class(pattern: str) -> Callable[[str], bool] | None:
    whole = _UNICODE_CLASS.fullmatch(pattern)
    if whole is None:
        return None
    body, quantifier = whole.groups()
    categories = frozenset(re.findall(r"\\p\{([A-Z])\}", body))
    literals = frozenset(re.sub(r"\\p\{[A-Z]\}", "", body).replace("\\", ""))
    allow_empty = quantifier == "*"

    def matches(text: str) -> bool:
        return (allow_empty or bool(text)) and all(
            char in literals or unicodedata.category(char)[0] in categories for char in text
        )

    return matches
