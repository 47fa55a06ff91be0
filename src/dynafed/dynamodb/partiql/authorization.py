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

A SELECT listing partitions (`pk IN [...]`, an OR of `pk =`) runs as one Query per value,
and is one request to authorize: every one of those Queries is asked with
`dynamodb:LeadingKeys` = all the listed values, so a list naming a partition the policy does
not grant is refused before any partition is read, whatever page it would be on.

`dynamodb:EnclosingOperation` is not carried over: AWS documents its values only for
TransactGetItems and TransactWriteItems, not for PartiQL statements.
"""

from __future__ import annotations

from collections.abc import Sequence

from dynafed.core.authorization import AuthorizationRequest, Authorizer
from dynafed.dynamodb.fgac import LEADING_KEYS

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


def as_partiql(
    request: AuthorizationRequest, listed_partitions: Sequence[str] | None = None
) -> AuthorizationRequest:
    """The PartiQL action in place of the operation's own; anything else unchanged. A Query
    of a statement listing partitions carries them all (`listed_partitions`, as policy
    text) as its LeadingKeys."""
    action = PARTIQL_ACTIONS.get(request.action)
    if action is None:
        return request
    keys = {k: v for k, v in request.condition_keys.items() if k != _ENCLOSING_OPERATION}
    if action == "dynamodb:PartiQLSelect":
        keys[FULL_TABLE_SCAN] = ["true" if request.action == "dynamodb:Scan" else "false"]
    if listed_partitions is not None and request.action == "dynamodb:Query":
        keys[LEADING_KEYS] = sorted(set(listed_partitions))
    return AuthorizationRequest(action, request.resource, keys)


class PartiQLAuthorizer:
    """Wraps the caller's authorizer for the operations a statement runs as."""

    def __init__(self, caller: Authorizer, listed_partitions: Sequence[str] | None = None) -> None:
        self._caller = caller
        self._listed_partitions = listed_partitions

    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        self._caller.authorize(
            [as_partiql(request, self._listed_partitions) for request in requests]
        )
