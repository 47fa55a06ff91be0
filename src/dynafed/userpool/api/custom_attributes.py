"""A pool's `Schema` (CreateUserPool), AddCustomAttributes, and the check that user
attributes conform to it (`userpool/schema.py`), with Cognito's errors."""

from __future__ import annotations

from typing import Any

from dynafed.storage.port import WriteTxn
from dynafed.userpool import store
from dynafed.userpool.api.context import ApiContext, Call, require_pool
from dynafed.userpool.api.errors import InvalidParameterException
from dynafed.userpool.model import UserPool
from dynafed.userpool.schema import (
    BOOLEAN,
    CUSTOM_PREFIX,
    DATE_TIME,
    MAX_CUSTOM_ATTRIBUTES,
    MAX_STRING_LENGTH,
    NUMBER,
    STANDARD_ATTRIBUTES,
    STRING,
    CustomAttribute,
    missing_required,
    nonconforming_message,
    nonconformities,
)

REQUIRED_CUSTOM = "Required custom attributes are not supported currently."
DEVELOPER_ONLY = (
    "DeveloperOnlyAttribute is not supported: dynafed serves custom: attributes, whose "
    "writes an administrator may make"
)


def parse_schema(entries: list[dict[str, Any]]) -> tuple[list[CustomAttribute], list[str]]:
    """(custom attributes, required standard attributes) of CreateUserPool's `Schema`. An
    entry named like a standard attribute configures it (only `Required` is kept); any
    other defines `custom:<Name>`, as on AWS."""
    custom: list[CustomAttribute] = []
    required: list[str] = []
    for entry in entries:
        name = entry.get("Name")
        if not name:
            raise InvalidParameterException("A schema attribute needs a Name.")
        if name in STANDARD_ATTRIBUTES:
            if entry.get("Required") and name not in required:
                required.append(name)
            continue
        custom.append(custom_attribute(entry))
    _refuse_duplicates(custom, [])
    return custom, required


def custom_attribute(entry: dict[str, Any]) -> CustomAttribute:
    if entry.get("DeveloperOnlyAttribute"):
        raise InvalidParameterException(DEVELOPER_ONLY)
    if entry.get("Required"):
        raise InvalidParameterException(REQUIRED_CUSTOM)
    data_type = entry.get("AttributeDataType", STRING)
    if data_type not in (STRING, NUMBER, BOOLEAN, DATE_TIME):
        raise InvalidParameterException(f"Invalid AttributeDataType {data_type}.")
    name = CUSTOM_PREFIX + entry["Name"]
    text = entry.get("StringAttributeConstraints") or {}
    numbers = entry.get("NumberAttributeConstraints") or {}
    shortest, longest = _whole(name, text, "MinLength"), _whole(name, text, "MaxLength")
    least, most = _whole(name, numbers, "MinValue"), _whole(name, numbers, "MaxValue")
    if data_type == STRING:
        if longest is not None and not 0 <= longest <= MAX_STRING_LENGTH:
            raise InvalidParameterException(
                f"{name}: MaxLength must be between 0 and {MAX_STRING_LENGTH}."
            )
        if shortest is not None and not 0 <= shortest <= (longest or MAX_STRING_LENGTH):
            raise InvalidParameterException(f"{name}: MinLength must be between 0 and MaxLength.")
    if data_type == NUMBER and least is not None and most is not None and least > most:
        raise InvalidParameterException(f"{name}: MinValue must not be above MaxValue.")
    return CustomAttribute(
        name=name,
        data_type=data_type,
        mutable=bool(entry.get("Mutable", True)),
        min_length=shortest if data_type == STRING else None,
        max_length=longest if data_type == STRING else None,
        min_value=least if data_type == NUMBER else None,
        max_value=most if data_type == NUMBER else None,
    )


def _whole(name: str, constraints: dict[str, str], key: str) -> int | None:
    given = constraints.get(key)
    if given is None:
        return None
    try:
        return int(given)
    except ValueError:
        raise InvalidParameterException(f"{name}: {key} must be a whole number.") from None


def _refuse_duplicates(new: list[CustomAttribute], existing: list[CustomAttribute]) -> None:
    seen = {attribute.name for attribute in existing}
    for attribute in new:
        if attribute.name in seen:
            raise InvalidParameterException(
                f"Existing attribute already has name {attribute.name}."
            )
        seen.add(attribute.name)
    if len(seen) > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameterException(
            f"A user pool has at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
        )


def add_custom_attributes(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """Attributes are only ever added: none is changed or removed, as on AWS."""
    added = [custom_attribute(entry) for entry in body["CustomAttributes"]]

    def write(txn: WriteTxn) -> None:
        pool = require_pool(txn, body["UserPoolId"], call.region)
        _refuse_duplicates(added, pool.custom_attributes)
        pool.custom_attributes = [*pool.custom_attributes, *added]
        pool.modified_at = ctx.now()
        store.save_pool(txn, pool)

    ctx.pools.deps.storage.write(write)
    return {}


def conform(pool: UserPool, given: dict[str, str], creating: bool) -> None:
    """InvalidParameterException "Attributes did not conform to the schema: …" for
    attributes the pool's schema does not have or whose values it does not take."""
    problems = nonconformities(pool.custom_attributes, given, creating)
    if problems:
        raise InvalidParameterException(nonconforming_message(problems))


def require_attributes(pool: UserPool, present: dict[str, str]) -> None:
    """SignUp: every attribute the schema makes required is given (AdminCreateUser need
    not, as on AWS)."""
    problems = missing_required(pool.required_attributes, present)
    if problems:
        raise InvalidParameterException(nonconforming_message(problems))
