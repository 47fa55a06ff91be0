"""ExecuteTransaction (API reference: ExecuteTransaction): up to 100 PartiQL statements as one
transaction, all reads or all writes.

validate (types, 1 to 100 statements, ClientRequestToken) → parse and translate every
statement against its table (a statement not well formed, or on a missing table, fails the
whole request; no RETURNING; a read must name a whole key) → reads run as one
TransactGetItems, writes as one TransactWriteItems (INSERT: Put that refuses an existing
key; UPDATE: Update of an existing item; DELETE: Delete), so isolation, idempotency by
ClientRequestToken and cancellation reasons are that operation's; each element is authorized
as its PartiQL action with its keys → answer Responses (reads), ConsumedCapacity. A cancelled
INSERT of an existing key reports `DuplicateItem` ("Performing transactions with PartiQL for
DynamoDB").
"""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.items.transactions import cancelled
from dynafed.dynamodb.partiql import execution
from dynafed.dynamodb.partiql.authorization import PartiQLAuthorizer
from dynafed.dynamodb.partiql.parser import parse
from dynafed.dynamodb.partiql.statements import Delete, Update
from dynafed.dynamodb.partiql.translate import Translation
from dynafed.dynamodb.requests import ExecuteTransactionInput, ParameterizedStatement
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import TransactionCanceledException, ValidationException

RUNS_INLINE = False
"""Up to 100 statements in one transaction: never on the event loop."""

authorization = PartiQLAuthorizer
"""Every element is authorized as its PartiQL action, all before anything runs (the
transaction operations authorize every element first)."""

MAX_STATEMENTS = 100
MIXED = "Transaction must consist of either read statements or write statements, not both"
READ_NEEDS_KEY = (
    "Select statements within ExecuteTransaction must specify an equality condition on all "
    "key attributes"
)
NO_RETURNING = "RETURNING clause is not supported in ExecuteTransaction"
DUPLICATE_ITEM = {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
_ELEMENT_FIELDS = (
    "TableName",
    "Key",
    "Item",
    "UpdateExpression",
    "ConditionExpression",
    "ProjectionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
)
_ELEMENTS = {"GetItem": "Get", "PutItem": "Put", "UpdateItem": "Update", "DeleteItem": "Delete"}

REQUEST: RequestShape[ExecuteTransactionInput] = RequestShape(request_shape("ExecuteTransaction"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    elements = request["TransactStatements"]
    translations = [_translate(ctx, element) for element in elements]
    if len({t.is_read for t in translations}) > 1:
        raise ValidationException(MIXED)
    items = [_element(t, element) for t, element in zip(translations, elements, strict=True)]
    inner: dict[str, Any] = {"TransactItems": items}
    if "ReturnConsumedCapacity" in request:
        inner["ReturnConsumedCapacity"] = request["ReturnConsumedCapacity"]
    if "ClientRequestToken" in request and not translations[0].is_read:
        inner["ClientRequestToken"] = request["ClientRequestToken"]
    partiql = execution.partiql_context(ctx)
    if translations[0].is_read:
        return ctx.operations["TransactGetItems"](partiql, inner)
    try:
        return ctx.operations["TransactWriteItems"](partiql, inner)
    except TransactionCanceledException as error:
        raise _with_duplicates(error, translations) from None


def _translate(ctx: OperationContext, element: ParameterizedStatement) -> Translation:
    statement = parse(element["Statement"], element.get("Parameters", []))
    if isinstance(statement, Update | Delete) and statement.returning is not None:
        raise ValidationException(NO_RETURNING)
    translation = execution.translate_for(ctx, statement)
    if translation.is_read and translation.operation != "GetItem":
        raise ValidationException(READ_NEEDS_KEY)
    return translation


def _element(translation: Translation, element: ParameterizedStatement) -> dict[str, Any]:
    fields = {k: v for k, v in translation.request.items() if k in _ELEMENT_FIELDS}
    on_failure = element.get("ReturnValuesOnConditionCheckFailure")
    if on_failure is not None and not translation.is_read:
        fields["ReturnValuesOnConditionCheckFailure"] = on_failure
    return {_ELEMENTS[translation.operation]: fields}


def _with_duplicates(
    error: TransactionCanceledException, translations: list[Translation]
) -> TransactionCanceledException:
    """An INSERT's failed `attribute_not_exists` condition is a DuplicateItem reason."""
    if len(error.reasons) != len(translations):
        return error
    reasons = [
        DUPLICATE_ITEM
        if t.operation == "PutItem" and reason.get("Code") == "ConditionalCheckFailed"
        else reason
        for t, reason in zip(translations, error.reasons, strict=True)
    ]
    return cancelled(reasons)
