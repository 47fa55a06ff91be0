"""The authorization requests of each DynamoDB operation, with the fine-grained keys.

Pure: a request body (already validated) and the table's partition-key name in, the
`AuthorizationRequest`s out. Follows iam-fgac.md §5 (which restates the AWS pages
"Actions, resources, and condition keys for Amazon DynamoDB" and "Using IAM policy conditions
for fine-grained access control"):

- action `dynamodb:<Operation>`, resource the table ARN (the index ARN when `IndexName` is
  set; `*` for ListTables);
- `dynamodb:LeadingKeys`: the partition-key values the request addresses, as text (numbers in
  DynamoDB's canonical form, binary as base64);
- `dynamodb:Attributes`: every top-level attribute name the request names (keys, item,
  projections, expressions with `#placeholders` resolved, legacy parameters);
- `dynamodb:Select`, `dynamodb:ReturnValues`, `dynamodb:ReturnConsumedCapacity`,
  `dynamodb:EnclosingOperation` as each action carries them.

A key the request does not carry is absent, never an empty list.

This module holds what several operations share: the attribute names a request names, the
control-plane request, and the actions a single-item operation and a transaction element both
ask for (GetItem, PutItem, UpdateItem, DeleteItem); a key's text for `dynamodb:LeadingKeys`
is `keys.leading_keys`. What only one operation asks for (Query, Scan, BatchGetItem, BatchWriteItem,
a transaction's ConditionCheckItem) is declared beside it, in `operations/<operation>.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb.expr import CompiledExpressions, compile_expressions
from dynafed.dynamodb.keys import canonical_key_text, leading_keys
from dynafed.errors import ValidationException

LEADING_KEYS = "dynamodb:LeadingKeys"
ATTRIBUTES = "dynamodb:Attributes"
SELECT = "dynamodb:Select"
RETURN_VALUES = "dynamodb:ReturnValues"
RETURN_CONSUMED_CAPACITY = "dynamodb:ReturnConsumedCapacity"
ENCLOSING_OPERATION = "dynamodb:EnclosingOperation"


def control_plane(operation: str, resource: str) -> list[AuthorizationRequest]:
    """Table administration carries no fine-grained keys."""
    return [AuthorizationRequest(f"dynamodb:{operation}", resource or "*")]


def authorization_request(
    operation: str, resource: str, keys: Mapping[str, Iterable[str] | str | None]
) -> AuthorizationRequest:
    """`dynamodb:<operation>` on `resource` with the keys that have values (sorted, unique)."""
    condition_keys: dict[str, list[str]] = {}
    for name, value in keys.items():
        if value is None:
            continue
        values = [value] if isinstance(value, str) else sorted(set(value))
        if values:
            condition_keys[name] = values
    return AuthorizationRequest(f"dynamodb:{operation}", resource, condition_keys)


def consumed_capacity(request: Mapping[str, Any]) -> str | None:
    """`dynamodb:ReturnConsumedCapacity` as the request sets it."""
    value = request.get("ReturnConsumedCapacity")
    return value if isinstance(value, str) else None


# --- item actions, alone or inside a transaction ------------------------------------------


def get_item(
    request: Mapping[str, Any],
    hash_key: str | None,
    resource: str,
    *,
    compiled: CompiledExpressions | None = None,
    enclosing_operation: str | None = None,
) -> AuthorizationRequest:
    """GetItem (and a TransactGetItems element): Select is SPECIFIC_ATTRIBUTES when the
    request names what to return, else ALL_ATTRIBUTES."""
    projected = "ProjectionExpression" in request or "AttributesToGet" in request
    return authorization_request(
        "GetItem",
        resource,
        {
            LEADING_KEYS: leading_keys(request.get("Key"), hash_key),
            ATTRIBUTES: attribute_names(request, ("Key",), ("AttributesToGet",), compiled),
            SELECT: "SPECIFIC_ATTRIBUTES" if projected else "ALL_ATTRIBUTES",
            RETURN_CONSUMED_CAPACITY: consumed_capacity(request),
            ENCLOSING_OPERATION: enclosing_operation,
        },
    )


def put_item(
    request: Mapping[str, Any],
    hash_key: str | None,
    resource: str,
    *,
    compiled: CompiledExpressions | None = None,
    enclosing_operation: str | None = None,
) -> AuthorizationRequest:
    return _write("PutItem", request, "Item", hash_key, resource, compiled, enclosing_operation)


def update_item(
    request: Mapping[str, Any],
    hash_key: str | None,
    resource: str,
    *,
    compiled: CompiledExpressions | None = None,
    enclosing_operation: str | None = None,
) -> AuthorizationRequest:
    return _write("UpdateItem", request, "Key", hash_key, resource, compiled, enclosing_operation)


def delete_item(
    request: Mapping[str, Any],
    hash_key: str | None,
    resource: str,
    *,
    compiled: CompiledExpressions | None = None,
    enclosing_operation: str | None = None,
) -> AuthorizationRequest:
    return _write("DeleteItem", request, "Key", hash_key, resource, compiled, enclosing_operation)


def _write(
    operation: str,
    request: Mapping[str, Any],
    addressed_by: str,
    hash_key: str | None,
    resource: str,
    compiled: CompiledExpressions | None,
    enclosing_operation: str | None,
) -> AuthorizationRequest:
    """The write actions carry ReturnValues always (NONE when not given) and no Select."""
    return authorization_request(
        operation,
        resource,
        {
            LEADING_KEYS: leading_keys(request.get(addressed_by), hash_key),
            ATTRIBUTES: attribute_names(
                request, (addressed_by, "AttributeUpdates", "Expected"), (), compiled
            ),
            RETURN_VALUES: request.get("ReturnValues", "NONE"),
            RETURN_CONSUMED_CAPACITY: consumed_capacity(request),
            ENCLOSING_OPERATION: enclosing_operation,
        },
    )


def with_item_on_condition_failure(
    asked: AuthorizationRequest, request: Mapping[str, Any]
) -> list[AuthorizationRequest]:
    """`asked`, and when the request sets `ReturnValuesOnConditionCheckFailure=ALL_OLD`,
    the same write asked again with `dynamodb:ReturnValues` = `ALL_OLD`.

    A failed condition then returns the whole stored item, as `ReturnValues=ALL_OLD` does;
    AWS documents no condition key of its own for it (iam-fgac.md §5.2), so a policy that
    keeps attributes hidden by restricting `dynamodb:ReturnValues`, as AWS's FGAC guide
    recommends, must also keep this way of reading them closed."""
    if request.get("ReturnValuesOnConditionCheckFailure") != "ALL_OLD":
        return [asked]
    if asked.condition_keys.get(RETURN_VALUES) == ["ALL_OLD"]:
        return [asked]
    keys = {**asked.condition_keys, RETURN_VALUES: ["ALL_OLD"]}
    return [asked, AuthorizationRequest(asked.action, asked.resource, keys)]


def attribute_names(
    request: Mapping[str, Any],
    maps: tuple[str, ...],
    lists: tuple[str, ...],
    compiled: CompiledExpressions | None,
) -> set[str]:
    """Top-level attribute names from map keys (Key, Item, Expected, AttributeUpdates), name
    lists (AttributesToGet) and every expression, `#placeholders` resolved."""
    names: set[str] = set()
    for member in maps:
        value = request.get(member)
        if isinstance(value, Mapping):
            names.update(value)
    for member in lists:
        value = request.get(member)
        if isinstance(value, list):
            names.update(name for name in value if isinstance(name, str))
    if compiled is None:
        compiled = compile_for_keys(request)
    if compiled is not None:
        names.update(compiled.attribute_names)
    return names


_EXPRESSION_MEMBERS = (
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
)


def compile_for_keys(request: Mapping[str, Any]) -> CompiledExpressions | None:
    """The request's expressions, compiled by the expression engine; None if they are
    invalid (validation refuses such a request before anything happens)."""
    params = {member: request[member] for member in _EXPRESSION_MEMBERS if member in request}
    if not params:
        return None
    try:
        return compile_expressions(params)
    except ValidationException:
        return None


def partition_values(items: list[Mapping[str, Any]], hash_key: str | None) -> list[str] | None:
    """The partition-key values of many items (a batch's keys), as policy text."""
    if hash_key is None:
        return None
    values = [
        text
        for item in items
        if isinstance(item.get(hash_key), Mapping)
        and (text := canonical_key_text(item[hash_key])) is not None
    ]
    return values or None
