"""ExecuteStatement (API reference: ExecuteStatement): one PartiQL statement.

validate (types, constraints) → parse the statement, binding its `?` Parameters → load the
table → translate to the operation that runs it (SELECT: GetItem, Query or Scan; INSERT:
PutItem that refuses an existing key; UPDATE: UpdateItem of an existing item; DELETE:
DeleteItem) → run that operation, authorized as `dynamodb:PartiQLSelect/Insert/Update/
Delete` with its fine-grained keys (`partiql.authorization`) → answer Items (a SELECT's
items, or what RETURNING asked for), NextToken while a SELECT has more, ConsumedCapacity.
"""

from __future__ import annotations

from typing import Any

from dynafed.core.validation.shapes import AttrValue, ListOf, Str
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.partiql import execution
from dynafed.dynamodb.partiql.authorization import PartiQLAuthorizer
from dynafed.dynamodb.requests import ExecuteStatementInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape

RUNS_INLINE = False
"""A statement may be a write or a full table scan: never on the event loop."""

authorization = PartiQLAuthorizer
"""Each statement is authorized by the operation it runs as, through this wrapper: the
PartiQL action in place of that operation's own, with its keys and `dynamodb:FullTableScan`."""

STATEMENT = Str(required=True, min_len=1, max_len=8192)
PARAMETERS = ListOf(member=AttrValue(), min_len=1)

REQUEST: RequestShape[ExecuteStatementInput] = RequestShape(request_shape("ExecuteStatement"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    translation = execution.prepare(ctx, request["Statement"], request.get("Parameters", []))
    return execution.run(ctx, translation, request)
