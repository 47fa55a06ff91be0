"""Running one PartiQL statement as the operation it translates to.

parse (binding `?` parameters) → load the target table (missing: authorize the PartiQL
action, then ResourceNotFoundException, as the item operations answer) → translate → run the
registered operation (`OperationContext.operations`) with the request's own options, under
a `PartiQLAuthorizer` → answer in ExecuteStatement's shape (Items, NextToken,
ConsumedCapacity). An INSERT whose key exists fails with DuplicateItemException.
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
from dynafed.dynamodb.partiql.authorization import PartiQLAuthorizer
from dynafed.dynamodb.partiql.parser import parse
from dynafed.dynamodb.partiql.statements import Statement
from dynafed.dynamodb.partiql.translate import Translation, action_of, translate
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


def partiql_context(ctx: OperationContext) -> OperationContext:
    """`ctx` whose authorizer asks for the PartiQL actions."""
    return dataclasses.replace(ctx, authorizer=PartiQLAuthorizer(ctx.authorizer))


def run(
    ctx: OperationContext, translation: Translation, options: Mapping[str, Any]
) -> dict[str, Any]:
    """Run `translation` with the request's `options` (ConsistentRead, Limit, NextToken, ...);
    the answer in ExecuteStatement's shape."""
    body = dict(translation.request)
    body.update(_options(translation, options))
    try:
        result = ctx.operations[translation.operation](partiql_context(ctx), body)
    except ConditionalCheckFailedException:
        if translation.operation == "PutItem":
            raise DuplicateItemException() from None
        raise
    return answer(translation, result)


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
