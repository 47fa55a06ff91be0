"""TransactWriteItems (API reference: TransactWriteItems): up to 100 puts, updates, deletes
and condition checks, all applied or none.

validate (types, 1 to 100 actions, constraints, exactly one action per element, each
action's expressions, items and keys) → load the tables, authorize each action as its
single-item counterpart (`dynamodb:PutItem`, `UpdateItem`, `DeleteItem`,
`ConditionCheckItem`) with EnclosingOperation TransactWriteItems, check keys against their
tables (a misfit cancels with a ValidationError reason), refuse two actions on one item → in
ONE write transaction: replay a live ClientRequestToken, read every item, evaluate every
condition (any failure cancels the whole transaction, reasons in request order), compute the
updates, write everything with its indexes, record the token → answer ConsumedCapacity (two
write units per unit of the same plain write) and ItemCollectionMetrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.core.clock import Clock, FixedClock
from dynafed.dynamodb import (
    capacity,
    capacity_totals,
    fgac,
    idempotency,
)
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.expr import CompiledExpressions, compile_expressions
from dynafed.dynamodb.items import item_collections
from dynafed.dynamodb.items import writes as item_writes
from dynafed.dynamodb.items.multi_item import KeyRegistry, existing, hash_key_of, load_tables
from dynafed.dynamodb.items.single_item import current_table
from dynafed.dynamodb.items.transactions import (
    DUPLICATE_ITEMS,
    NO_REASON,
    cancelled,
    check_actions,
    condition_failed,
    validation_error,
)
from dynafed.dynamodb.keys import (
    check_index_keys,
    check_item_keys,
    check_key,
    check_key_not_updated,
    leading_keys,
    storage_key,
)
from dynafed.dynamodb.requests import TransactWriteItemsInput
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import (
    Item,
    check_item_size,
    item_size,
    validate_item,
    write_capacity_units,
)
from dynafed.errors import ValidationException
from dynafed.storage.port import WriteTxn

MAX_ACTIONS = 100
MAX_AGGREGATE_BYTES = 4 * 1024 * 1024
"""AWS: "The aggregate size of the items in the transaction cannot exceed 4 MB" (API
reference, TransactWriteItems): items put, measured as DynamoDB sizes items."""
TOO_LARGE = "Transaction request cannot exceed the aggregate item size limit of 4 MB"
ENCLOSING = "TransactWriteItems"


RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[TransactWriteItemsInput] = RequestShape(request_shape("TransactWriteItems"))

_KINDS = ("ConditionCheck", "Put", "Delete", "Update")


@dataclass(frozen=True, slots=True)
class _Action:
    kind: str
    request: dict[str, Any]
    key: Item
    """The item itself for a Put."""
    expressions: CompiledExpressions

    @property
    def table_name(self) -> str:
        return str(self.request["TableName"])

    @property
    def returns_old_on_failure(self) -> bool:
        return self.request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"


@dataclass(frozen=True, slots=True)
class _Outcome:
    used: dict[str, capacity.Consumption]
    metrics: dict[str, list[dict[str, Any]]]
    replayed: bool


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    actions = [_action_of(element) for element in request["TransactItems"]]
    if sum(item_size(a.key) for a in actions if a.kind == "Put") > MAX_AGGREGATE_BYTES:
        raise ValidationException(TOO_LARGE)
    token = idempotency.token_of(request)
    mode = request.get("ReturnConsumedCapacity")

    with ctx.storage.read() as view:
        tables = load_tables(
            view, ctx.region, ctx.account_id, (action.table_name for action in actions)
        )
    ctx.authorize(
        [
            asked
            for action in actions
            for asked in fgac.with_item_on_condition_failure(
                _authorization(ctx, action, tables, mode), action.request
            )
        ]
    )
    found = existing(tables)
    check_actions([partial(_check, found[action.table_name], action) for action in actions])
    registry = KeyRegistry(DUPLICATE_ITEMS)
    for action in actions:
        registry.add(found[action.table_name], action.key)

    now = ctx.clock.now()
    outcome = ctx.storage.write(lambda txn: _apply(txn, found, actions, token, now))
    result: dict[str, Any] = {}
    rendered = capacity_totals.render_list(
        mode, outcome.used, "read" if outcome.replayed else "write"
    )
    if rendered is not None:
        result["ConsumedCapacity"] = rendered
    if item_collections.wants_metrics(request) and outcome.metrics:
        result["ItemCollectionMetrics"] = outcome.metrics
    return result


def _action_of(element: Mapping[str, Any]) -> _Action:
    present = [kind for kind in _KINDS if element.get(kind) is not None]
    if len(present) != 1:
        raise ValidationException(
            "TransactItems can only contain one of Check, Put, Update or Delete"
        )
    kind = present[0]
    spec: dict[str, Any] = element[kind]
    expressions = compile_expressions(spec)
    if kind == "Put":
        item = validate_item(spec["Item"])
        check_item_size(item)
        return _Action(kind, spec, item, expressions)
    return _Action(kind, spec, validate_item(spec["Key"]), expressions)


def _authorization(
    ctx: OperationContext,
    action: _Action,
    tables: Mapping[str, Table | None],
    mode: str | None,
) -> AuthorizationRequest:
    spec = {**action.request, "ReturnConsumedCapacity": mode} if mode else action.request
    hash_key = hash_key_of(tables[action.table_name])
    arn = ctx.table_arn(action.table_name)
    compiled = action.expressions
    if action.kind == "Put":
        return fgac.put_item(spec, hash_key, arn, compiled=compiled, enclosing_operation=ENCLOSING)
    if action.kind == "Update":
        return fgac.update_item(
            spec, hash_key, arn, compiled=compiled, enclosing_operation=ENCLOSING
        )
    if action.kind == "Delete":
        return fgac.delete_item(
            spec, hash_key, arn, compiled=compiled, enclosing_operation=ENCLOSING
        )
    return condition_check_item(spec, hash_key, arn, compiled=compiled)


def condition_check_item(
    request: Mapping[str, Any],
    hash_key: str | None,
    resource: str,
    *,
    compiled: CompiledExpressions | None = None,
    enclosing_operation: str = "TransactWriteItems",
) -> AuthorizationRequest:
    """A TransactWriteItems ConditionCheck: key and condition names; it returns nothing, so
    no ReturnValues."""
    return fgac.authorization_request(
        "ConditionCheckItem",
        resource,
        {
            fgac.LEADING_KEYS: leading_keys(request.get("Key"), hash_key),
            fgac.ATTRIBUTES: fgac.attribute_names(request, ("Key",), (), compiled),
            fgac.RETURN_CONSUMED_CAPACITY: fgac.consumed_capacity(request),
            fgac.ENCLOSING_OPERATION: enclosing_operation,
        },
    )


def _check(table: Table, action: _Action) -> None:
    """An action's checks against its table; a failure cancels the transaction."""
    if action.kind == "Put":
        check_item_keys(table, action.key)
        return
    check_key(table, action.key)
    if action.kind == "Update":
        check_key_not_updated(table, action.expressions.update)


def _apply(
    txn: WriteTxn,
    tables: Mapping[str, Table],
    actions: list[_Action],
    token: idempotency.Token | None,
    now: float,
) -> _Outcome:
    # Documents and items are read (and so locked, on PostgreSQL) in one global order, so
    # two transactions naming the same items in opposite orders never wait on each other.
    current = {name: current_table(txn, tables[name]) for name in sorted(tables)}
    positions = [storage_key(current[a.table_name], a.key) for a in actions]
    addresses = [
        (current[a.table_name].table_id, pk, sk)
        for a, (pk, sk) in zip(actions, positions, strict=True)
    ]
    read = {address: txn.get_item(*address) for address in sorted(addresses)}
    olds = [read[address] for address in addresses]
    if token is not None and idempotency.already_applied(txn, token, now):
        return _Outcome(_replay_reads(actions, olds), {}, replayed=True)
    _check_conditions(actions, olds)
    news = _new_items(current, actions, olds)
    clock = FixedClock(now)
    used: dict[str, capacity.Consumption] = {}
    collections: dict[str, dict[bytes, item_collections.CollectionSize]] = {}
    for action, (pk, sk), old, new in zip(actions, positions, olds, news, strict=True):
        table = current[action.table_name]
        size = _write(txn, table, action, pk, sk, old, new, clock)
        capacity_totals.accumulate(used, table.name, _cost(table, action, old, new))
        if size is not None:
            collections.setdefault(table.name, {})[pk] = size
    if token is not None:
        idempotency.record(txn, token, now)
    metrics = {
        name: [item_collections.metrics(size) for size in sizes.values()]
        for name, sizes in collections.items()
    }
    return _Outcome(used, metrics, replayed=False)


def _check_conditions(actions: list[_Action], olds: list[Item | None]) -> None:
    """Every condition is evaluated against the items as they were before the transaction;
    any failure cancels it, with each action's reason in request order."""
    reasons: list[dict[str, Any]] = []
    for action, old in zip(actions, olds, strict=True):
        condition = action.expressions.condition
        if condition is None or condition.evaluate(old):
            reasons.append(NO_REASON)
        else:
            reasons.append(condition_failed(old, action.returns_old_on_failure))
    if any(reason is not NO_REASON for reason in reasons):
        raise cancelled(reasons)


def _new_items(
    tables: Mapping[str, Table], actions: list[_Action], olds: list[Item | None]
) -> list[Item | None]:
    """The item each action leaves (None: deleted or untouched); an update that cannot
    apply, or makes an invalid item, cancels the transaction with a ValidationError."""
    news: list[Item | None] = []
    reasons: list[dict[str, Any]] = []
    for action, old in zip(actions, olds, strict=True):
        try:
            news.append(_new_item(tables[action.table_name], action, old))
            reasons.append(NO_REASON)
        except ValidationException as error:
            news.append(None)
            reasons.append(validation_error(error))
    if any(reason is not NO_REASON for reason in reasons):
        raise cancelled(reasons)
    return news


def _new_item(table: Table, action: _Action, old: Item | None) -> Item | None:
    if action.kind == "Put":
        return action.key
    if action.kind != "Update":
        return None
    update = action.expressions.update
    assert update is not None  # UpdateExpression is required
    new = update.apply(old if old is not None else action.key)
    check_index_keys(table, new)
    check_item_size(new, update=True)
    return new


def _write(
    txn: WriteTxn,
    table: Table,
    action: _Action,
    pk: bytes,
    sk: bytes,
    old: Item | None,
    new: Item | None,
    clock: Clock,
) -> item_collections.CollectionSize | None:
    if action.kind == "ConditionCheck":
        return None
    if action.kind == "Delete":
        return item_writes.remove(txn, table, pk, sk, old, clock=clock)
    assert new is not None
    return item_writes.store(txn, table, pk, sk, old, new, clock=clock)


def _cost(
    table: Table, action: _Action, old: Item | None, new: Item | None
) -> capacity.Consumption:
    """Twice what the plain write costs; a condition check costs a write of the item read."""
    if action.kind == "ConditionCheck":
        plain = capacity.Consumption(write_capacity_units(item_size(old) if old else 0))
    else:
        plain = capacity.write(table, old, new)
    return capacity_totals.doubled(plain)


def _replay_reads(
    actions: list[_Action], olds: list[Item | None]
) -> dict[str, capacity.Consumption]:
    """A replayed request writes nothing and is charged as transactional reads."""
    used: dict[str, capacity.Consumption] = {}
    for action, old in zip(actions, olds, strict=True):
        read = capacity_totals.doubled(capacity.read(old, consistent=True))
        capacity_totals.accumulate(used, action.table_name, read)
    return used
