"""PartiQL statements are authorized as the PartiQL actions, with the keys of the operation
each statement runs as (AWS: "IAM security policies with PartiQL for DynamoDB"; the Service
Authorization Reference lists for the four actions the keys below).

The operation a statement translates to asks its authorizer for its own action
(`dynamodb:GetItem`, `Query`, `Scan`, `PutItem`, `UpdateItem`, `DeleteItem`); this
authorizer asks the caller's for the PartiQL action in its place, on the same resource,
with the same `dynamodb:LeadingKeys`, `dynamodb:Attributes`, `dynamodb:Select`,
`dynamodb:ReturnValues` and `dynamodb:ReturnConsumedCapacity`, and adds
`dynamodb:FullTableScan` to every PartiQLSelect: `true` when the statement runs as a Scan
(no partition-key equality), `false` otherwise. A full-table-scan SELECT carries no
`dynamodb:LeadingKeys`, exactly as a Scan does: under `ForAllValues` that is vacuously
true, so a policy granting `dynamodb:PartiQLSelect` keyed on LeadingKeys must deny
`dynamodb:FullTableScan` = true, as AWS's own example does
("Allow select statements and deny full table scan statements").

`dynamodb:EnclosingOperation` is not carried over: AWS documents its values only for
TransactGetItems and TransactWriteItems, not for PartiQL statements.
"""

from __future__ import annotations

from collections.abc import Sequence

from dynafed.core.authorization import AuthorizationRequest, Authorizer

FULL_TABLE_SCAN = "dynamodb:FullTableScan"
_ENCLOSING_OPERATION = "dynamodb:EnclosingOperation"

PARTIQL_ACTIONS = {
    "dynamodb:GetItem": "dynamodb:PartiQLSelect",
    "dynamodb:Query": "dynamodb:PartiQLSelect",
    "dynamodb:Scan": "dynamodb:PartiQLSelect",
    "dynamodb:PutItem": "dynamodb:PartiQLInsert",
    "dynamodb:UpdateItem": "dynamodb:PartiQLUpdate",
    "dynamodb:DeleteItem": "dynamodb:PartiQLDelete",
}


def as_partiql(request: AuthorizationRequest) -> AuthorizationRequest:
    """The PartiQL action in place of the operation's own; anything else unchanged."""
    action = PARTIQL_ACTIONS.get(request.action)
    if action is None:
        return request
    keys = {k: v for k, v in request.condition_keys.items() if k != _ENCLOSING_OPERATION}
    if action == "dynamodb:PartiQLSelect":
        keys[FULL_TABLE_SCAN] = ["true" if request.action == "dynamodb:Scan" else "false"]
    return AuthorizationRequest(action, request.resource, keys)


class PartiQLAuthorizer:
    """Wraps the caller's authorizer for the operations a statement runs as."""

    def __init__(self, caller: Authorizer) -> None:
        self._caller = caller

    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        self._caller.authorize([as_partiql(request) for request in requests])
