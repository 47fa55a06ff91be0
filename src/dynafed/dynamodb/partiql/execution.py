"""Running one PartiQL statement as the operation it translates to.

parse (binding `?` parameters) → load the target table (missing: authorize the PartiQL
action, then ResourceNotFoundException, as the item operations answer) → translate → run the
registered operation (`OperationContext.operations`) with the request's own options, under
a `PartiQLAuthorizer` → answer in ExecuteStatement's shape (Items, NextToken,
ConsumedCapacity). An INSERT whose key exists fails with DuplicateItemException.

A SELECT listing partitions (`translate.PartitionLookups`) runs their Queries in the order
listed, a page at a time: a page holds at most 10 items (AWS, PartiQL operators: IN "results
are returned in pages of up to 10 items"; more need the NextToken), `Limit` caps the items it
evaluates, and it ends where a partition stops short (a filter leaving items out, or the
Limit): its NextToken names the partition and where in it the next page starts.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb.context import ITEM_TABLE_NOT_FOUND, OperationContext
from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.keys import canonical_key_text
from dynafed.dynamodb.partiql.authorization import PartiQLAuthorizer
from dynafed.dynamodb.partiql.parser import parse
from dynafed.dynamodb.partiql.statements import Statement
from dynafed.dynamodb.partiql.translate import (
    PartitionLookups,
    Translation,
    action_of,
    translate,
)
from dynafed.errors import (
    ConditionalCheckFailedException,
    DuplicateItemException,
    ResourceNotFoundException,
    ValidationException,
)

_READ_OPTIONS = ("ConsistentRead", "ReturnConsumedCapacity")
_PAGE_OPTIONS = ("Limit",)
_WRITE_OPTIONS = ("ReturnConsumedCapacity", "ReturnValuesOnConditionCheckFailure")
INVALID_NEXT_TOKEN = "Invalid NextToken"
LOOKUP_PAGE_ITEMS = 10
"""Items a page of a SELECT listing partitions holds at most."""


def prepare(ctx: OperationContext, text: str, parameters: Sequence[dict[str, Any]]) -> Translation:
    """The statement parsed and translated against its table (authorizing and refusing a
    statement on a missing table)."""
    statement = parse(text, parameters)
    return translate_for(ctx, statement)


def translate_for(ctx: OperationContext, statement: Statement) -> Translation:
    name = statement.target.table
    table = ctx.find_table(name)
    if table is None:
        ctx.authorize(
            [AuthorizationRequest(f"dynamodb:{action_of(statement)}", ctx.table_arn(name))]
        )
        raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
    return translate(statement, table)


def partiql_context(
    ctx: OperationContext, lookups: PartitionLookups | None = None
) -> OperationContext:
    """`ctx` whose authorizer asks for the PartiQL actions; for a SELECT listing partitions,
    with all of them as the LeadingKeys of each of its Queries."""
    listed = None
    if lookups is not None:
        # Values of the key's type (translate checks them): S, N or B, each with a text.
        listed = [text for value in lookups.values if (text := canonical_key_text(value))]
    return dataclasses.replace(ctx, authorizer=PartiQLAuthorizer(ctx.authorizer, listed))


def run(
    ctx: OperationContext, translation: Translation, options: Mapping[str, Any]
) -> dict[str, Any]:
    """Run `translation` with the request's `options` (ConsistentRead, Limit, NextToken, ...);
    the answer in ExecuteStatement's shape."""
    if translation.lookups is not None:
        return _run_lookups(ctx, translation, translation.lookups, options)
    body = dict(translation.request)
    body.update(_options(translation, options))
    try:
        result = ctx.operations[translation.operation](partiql_context(ctx), body)
    except ConditionalCheckFailedException:
        if translation.operation == "PutItem":
            raise DuplicateItemException() from None
        raise
    return answer(translation, result)


def _run_lookups(
    ctx: OperationContext,
    translation: Translation,
    lookups: PartitionLookups,
    options: Mapping[str, Any],
) -> dict[str, Any]:
    """One page of a SELECT listing partitions: their Queries in order, from the NextToken's
    place, until the page is full, the Limit is spent or a partition stops short."""
    read_options = {name: options[name] for name in _READ_OPTIONS if name in options}
    unevaluated: int | None = options.get("Limit")
    position, start_key = 0, None
    if options.get("NextToken") is not None:
        position, start_key = _decode_lookup_token(options["NextToken"], len(lookups.values))
    partiql = partiql_context(ctx, lookups)
    items: list[dict[str, Any]] = []
    capacity: dict[str, Any] | None = None
    while position < len(lookups.values) and len(items) < LOOKUP_PAGE_ITEMS:
        if unevaluated is not None and unevaluated <= 0:
            break
        room = LOOKUP_PAGE_ITEMS - len(items)
        body = {**lookups.request(translation.request, position), **read_options}
        body["Limit"] = room if unevaluated is None else min(room, unevaluated)
        if start_key is not None:
            body["ExclusiveStartKey"] = start_key
        result = ctx.operations["Query"](partiql, body)
        items.extend(result.get("Items", []))
        capacity = _capacity_sum(capacity, result.get("ConsumedCapacity"))
        if unevaluated is not None:
            unevaluated -= result.get("ScannedCount", 0)
        start_key = result.get("LastEvaluatedKey")
        if start_key is not None:
            break  # the partition goes on: the next page resumes it
        position += 1
    if translation.columns is not None:
        items = [columns_of(item, translation.columns) for item in items]
    answered: dict[str, Any] = {"Items": items}
    if position < len(lookups.values):
        answered["NextToken"] = encode_next_token(
            {"Partition": position, "ExclusiveStartKey": start_key}
        )
        if start_key is not None:
            answered["LastEvaluatedKey"] = start_key
    if capacity is not None:
        answered["ConsumedCapacity"] = capacity
    return answered


def _decode_lookup_token(token: str, partitions: int) -> tuple[int, dict[str, Any] | None]:
    """(the partition, the key in it after which) a page of a SELECT listing partitions
    starts, from the NextToken the previous page answered."""
    place = decode_next_token(token)
    position, start_key = place.get("Partition"), place.get("ExclusiveStartKey")
    if type(position) is not int or not 0 <= position < partitions:
        raise ValidationException(INVALID_NEXT_TOKEN)
    if start_key is not None and not isinstance(start_key, dict):
        raise ValidationException(INVALID_NEXT_TOKEN)
    return position, start_key


def _capacity_sum(total: Any, used: Any) -> Any:
    """Two ConsumedCapacity answers of one table as one: units added, names kept."""
    if total is None:
        return used
    if isinstance(total, dict) and isinstance(used, dict):
        return {
            name: _capacity_sum(total[name], used[name])
            if name in total and name in used
            else total.get(name, used.get(name))
            for name in total | used
        }
    if isinstance(total, int | float) and isinstance(used, int | float):
        return total + used
    return total


def _options(translation: Translation, options: Mapping[str, Any]) -> dict[str, Any]:
    names: tuple[str, ...] = _WRITE_OPTIONS
    if translation.is_read:
        paged = translation.operation != "GetItem"
        names = _READ_OPTIONS + (_PAGE_OPTIONS if paged else ())
    chosen = {name: options[name] for name in names if name in options}
    token = options.get("NextToken")
    if token is not None and translation.operation in ("Query", "Scan"):
        chosen["ExclusiveStartKey"] = decode_next_token(token)
    return chosen


def answer(translation: Translation, result: Mapping[str, Any]) -> dict[str, Any]:
    answered: dict[str, Any] = {}
    if translation.operation in ("Query", "Scan"):
        answered["Items"] = result.get("Items", [])
        if "LastEvaluatedKey" in result:
            answered["NextToken"] = encode_next_token(result["LastEvaluatedKey"])
            answered["LastEvaluatedKey"] = result["LastEvaluatedKey"]
    elif translation.operation == "GetItem":
        answered["Items"] = [result["Item"]] if "Item" in result else []
    else:
        answered["Items"] = [result["Attributes"]] if "Attributes" in result else []
    if translation.columns is not None:
        answered["Items"] = [columns_of(item, translation.columns) for item in answered["Items"]]
    if "ConsumedCapacity" in result:
        answered["ConsumedCapacity"] = result["ConsumedCapacity"]
    return answered


def columns_of(item: Mapping[str, Any], columns: tuple[ast.Path, ...]) -> dict[str, Any]:
    """A projected item as a PartiQL SELECT answers it: each selected path's value under the
    path's last name (a path that reaches nothing is left out)."""
    answered: dict[str, Any] = {}
    for path in columns:
        value: Any = item
        name: str | None = None
        for element in path.elements:
            if isinstance(element, int):
                value = value.get("L") if isinstance(value, Mapping) else None
                value = value[element] if isinstance(value, list) and element < len(value) else None
            else:
                name = element if isinstance(element, str) else element.placeholder
                container = (
                    value
                    if value is item
                    else (value.get("M") if isinstance(value, Mapping) else None)
                )
                value = container.get(name) if isinstance(container, Mapping) else None
            if value is None:
                break
        if value is not None and name is not None:
            answered[name] = value
    return answered


def encode_next_token(last_key: Mapping[str, Any]) -> str:
    return base64.b64encode(orjson.dumps(last_key)).decode()


def decode_next_token(token: str) -> dict[str, Any]:
    try:
        key = orjson.loads(base64.b64decode(token, validate=True))
    except (binascii.Error, ValueError):
        raise ValidationException(INVALID_NEXT_TOKEN) from None
    if not isinstance(key, dict):
        raise ValidationException(INVALID_NEXT_TOKEN)
    return key
