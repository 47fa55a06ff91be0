"""What TransactGetItems and TransactWriteItems share: cancellation reasons and the checks
that cancel a transaction instead of failing the request.

A transaction that cannot run is answered with TransactionCanceledException whose
CancellationReasons hold one entry per action, in request order: `{"Code": "None"}` for an
action that was fine, `ConditionalCheckFailed` (with the old item when the action asked for
ALL_OLD) or `ValidationError` (with DynamoDB's message) for one that was not
(API reference: TransactWriteItems, "Errors"). A key value that is an empty string or binary
is not a cancellation but the request's own ValidationException, as DynamoDB answers it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dynafed.errors import TransactionCanceledException, ValidationException

DUPLICATE_ITEMS = "Transaction request cannot include multiple operations on one item"
NO_REASON: dict[str, Any] = {"Code": "None"}
CONDITION_FAILED = "ConditionalCheckFailed"
_EMPTY_KEY_VALUE = "One or more parameter values are not valid. "


def cancelled(reasons: Sequence[dict[str, Any]]) -> TransactionCanceledException:
    codes = ", ".join(str(reason["Code"]) for reason in reasons)
    return TransactionCanceledException(
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        list(reasons),
    )


def condition_failed(old: dict[str, Any] | None, return_old: bool) -> dict[str, Any]:
    reason: dict[str, Any] = {"Code": CONDITION_FAILED, "Message": "The conditional request failed"}
    if return_old and old is not None:
        reason["Item"] = old
    return reason


def validation_error(error: ValidationException) -> dict[str, Any]:
    return {"Code": "ValidationError", "Message": error.message}


def check_actions(checks: Sequence[Callable[[], None]]) -> None:
    """Run each action's checks against its table; cancel the transaction if any fails."""
    reasons: list[dict[str, Any]] = []
    for check in checks:
        try:
            check()
        except ValidationException as error:
            if error.message.startswith(_EMPTY_KEY_VALUE):
                raise
            reasons.append(validation_error(error))
        else:
            reasons.append(NO_REASON)
    if any(reason is not NO_REASON for reason in reasons):
        raise cancelled(reasons)
