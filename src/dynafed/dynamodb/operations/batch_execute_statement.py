"""BatchExecuteStatement (API reference: BatchExecuteStatement): up to 25 PartiQL statements,
each run on its own, each answered on its own.

validate (types, 1 to 25 statements) → parse every statement (a batch is all reads or all
writes, "Running batch operations with PartiQL for DynamoDB") → for each statement, as
ExecuteStatement runs it: load its table, translate, authorize as its PartiQL action, run.
A read must name a whole key (it runs as GetItem). A statement that fails (not well formed,
refused, condition failed, duplicate item, ...) does not stop the others: its response holds
`Error` with the code AWS uses there (ValidationError, AccessDenied, ConditionalCheckFailed,
DuplicateItem, ResourceNotFound, ...) → answer Responses in request order, ConsumedCapacity
summed per table.
"""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.partiql import execution
from dynafed.dynamodb.partiql.authorization import PartiQLAuthorizer
from dynafed.dynamodb.partiql.parser import parse
from dynafed.dynamodb.partiql.statements import Select, Statement
from dynafed.dynamodb.requests import BatchExecuteStatementInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import ConditionalCheckFailedException, DynamoDBError, ValidationException

RUNS_INLINE = False
"""Up to 25 statements, reads or writes: never on the event loop."""

authorization = PartiQLAuthorizer
"""Each statement is authorized on its own, as ExecuteStatement authorizes it; a refused
statement answers `AccessDenied` in its response, the others still run."""

MAX_STATEMENTS = 25
MIXED = "Batch must consist of either read statements or write statements, not both"
READ_NEEDS_KEY = (
    "Select statements within BatchExecuteStatement must specify an equality condition on "
    "all key attributes"
)

REQUEST: RequestShape[BatchExecuteStatementInput] = RequestShape(
    request_shape("BatchExecuteStatement")
)


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    parsed: list[Statement | DynamoDBError] = []
    for element in request["Statements"]:
        try:
            parsed.append(parse(element["Statement"], element.get("Parameters", [])))
        except ValidationException as error:
            parsed.append(error)
    kinds = {isinstance(s, Select) for s in parsed if not isinstance(s, DynamoDBError)}
    if len(kinds) > 1:
        raise ValidationException(MIXED)
    capacity: dict[str, float] = {}
    responses = [
        _respond(ctx, statement, {**element, **_common(request)}, capacity)
        for statement, element in zip(parsed, request["Statements"], strict=True)
    ]
    result: dict[str, Any] = {"Responses": responses}
    if capacity:
        result["ConsumedCapacity"] = [
            {"TableName": name, "CapacityUnits": units} for name, units in capacity.items()
        ]
    return result


def _common(request: BatchExecuteStatementInput) -> dict[str, Any]:
    mode = request.get("ReturnConsumedCapacity")
    return {} if mode is None else {"ReturnConsumedCapacity": mode}


def _respond(
    ctx: OperationContext,
    statement: Statement | DynamoDBError,
    options: dict[str, Any],
    capacity: dict[str, float],
) -> dict[str, Any]:
    if isinstance(statement, DynamoDBError):
        return {"Error": _error(statement)}
    table = statement.target.table
    try:
        translation = execution.translate_for(ctx, statement)
        if translation.is_read and translation.operation != "GetItem":
            raise ValidationException(READ_NEEDS_KEY)
        answer = execution.run(ctx, translation, options)
    except DynamoDBError as error:
        return {"Error": _error(error), "TableName": table}
    used = answer.get("ConsumedCapacity")
    if used is not None:
        capacity[table] = capacity.get(table, 0.0) + used.get("CapacityUnits", 0.0)
    response: dict[str, Any] = {"TableName": table}
    if answer["Items"]:
        response["Item"] = answer["Items"][0]
    return response


def _error(error: DynamoDBError) -> dict[str, Any]:
    """The per-statement error: AWS's BatchStatementErrorCodeEnum names the exception without
    its `Exception` suffix, and a validation failure `ValidationError`."""
    code = "ValidationError" if isinstance(error, ValidationException) else error.code
    described: dict[str, Any] = {"Code": code.removesuffix("Exception"), "Message": error.message}
    if isinstance(error, ConditionalCheckFailedException) and error.item is not None:
        described["Item"] = error.item
    return described
