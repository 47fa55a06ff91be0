"""ExpressionAttributeNames and ExpressionAttributeValues: the maps themselves.

Checked before any expression is parsed, with DynamoDB's texts: maps must not be empty,
keys must be `#name` / `:value` (at most 255 characters), names must not be empty strings,
values must be valid AttributeValues. After every expression is resolved, any entry no
expression used is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from dynafed.dynamodb.values import (
    AttributeValue,
    check_map_field,
    check_shape,
    check_string_field,
    validate_attribute_value,
)
from dynafed.errors import ValidationException

MAX_KEY_LENGTH = 255
_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")


def check_names(names: Mapping[str, Any] | None) -> dict[str, str]:
    if names is None:
        return {}
    parameter = "ExpressionAttributeNames"
    for value in check_map_field(names).values():
        check_string_field(value)
    if not names:
        raise ValidationException(f"{parameter} must not be empty")
    for key, value in names.items():
        _check_key(parameter, key, _NAME_KEY, with_size=True)
        if value == "":
            raise ValidationException(
                f"{parameter} contains invalid value: Empty attribute name for key {key}"
            )
    return dict(names)


def check_values(values: Mapping[str, Any] | None) -> dict[str, AttributeValue]:
    if values is None:
        return {}
    parameter = "ExpressionAttributeValues"
    for value in check_map_field(values).values():
        check_shape(value)
    if not values:
        raise ValidationException(f"{parameter} must not be empty")
    for key in values:
        _check_key(parameter, key, _VALUE_KEY, with_size=False)
    checked: dict[str, AttributeValue] = {}
    for key, value in values.items():
        try:
            checked[key] = validate_attribute_value(value)
        except ValidationException as error:
            raise ValidationException(
                f"{parameter} contains invalid value: {error.message} for key {key}"
            ) from None
    return checked


def _check_key(parameter: str, key: str, pattern: re.Pattern[str], *, with_size: bool) -> None:
    prefix = f"{parameter} contains invalid key: "
    if key == "":
        raise ValidationException(prefix + "The expression attribute map contains an empty key;")
    if len(key) > MAX_KEY_LENGTH:
        # DynamoDB reports the size for names only.
        size = f" size of key: {len(key)}" if with_size else ""
        raise ValidationException(
            prefix + "The expression attribute map contains a key that is too long;" + size
        )
    if not pattern.fullmatch(key):
        raise ValidationException(prefix + f'Syntax error; key: "{key}"')


def check_all_used(parameter: str, given: Iterable[str], used: set[str]) -> None:
    unused = [key for key in given if key not in used]
    if unused:
        raise ValidationException(
            f"Value provided in {parameter} unused in expressions: keys: {{{', '.join(unused)}}}"
        )
