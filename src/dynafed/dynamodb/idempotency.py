"""ClientRequestToken idempotency of TransactWriteItems, kept in storage documents so that
every node of a cluster sees the same tokens.

A token is valid for 10 minutes after the first request that used it. Within that window
the same request (the same actions) succeeds again without writing,
and a different request with the token fails with IdempotentParameterMismatchException
(API reference: TransactWriteItems, `ClientRequestToken`). The token is recorded in the same
write transaction as the writes it guards, so a transaction is never applied twice, even
when two nodes receive the retry at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from dynafed.errors import IdempotentParameterMismatchException
from dynafed.storage.port import ReadView, WriteTxn

DOCUMENT_KIND = "transaction_token"
WINDOW_SECONDS = 600.0
_EXCLUDED = frozenset(
    {"ClientRequestToken", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics"}
)
"""Not compared: the token itself, and what only shapes the answer (a replay reports its
own capacity, as reads)."""


@dataclass(frozen=True, slots=True)
class Token:
    value: str
    fingerprint: str


def token_of(request: Mapping[str, Any]) -> Token | None:
    value = request.get("ClientRequestToken")
    if value is None:
        return None
    return Token(str(value), fingerprint(request))


def fingerprint(request: Mapping[str, Any]) -> str:
    """A digest of the request's parameters that matter (key order ignored)."""
    kept = {name: value for name, value in request.items() if name not in _EXCLUDED}
    return hashlib.sha256(orjson.dumps(kept, option=orjson.OPT_SORT_KEYS)).hexdigest()


def already_applied(txn: WriteTxn, token: Token, now: float) -> bool:
    """Whether a live token says this request was applied; refuses a different request."""
    document = txn.get_document(DOCUMENT_KIND, token.value)
    if document is None or document["expires_at"] <= now:
        return False
    if document["fingerprint"] != token.fingerprint:
        raise IdempotentParameterMismatchException(
            "The request uses the same client token as a previous, but non-identical request."
        )
    return True


def record(txn: WriteTxn, token: Token, now: float) -> None:
    txn.put_document(
        DOCUMENT_KIND,
        token.value,
        {"fingerprint": token.fingerprint, "expires_at": now + WINDOW_SECONDS},
    )


def expired_tokens(view: ReadView, now: float) -> list[str]:
    return [
        name
        for name, document in view.list_documents(DOCUMENT_KIND)
        if document["expires_at"] <= now
    ]


def forget_if_expired(txn: WriteTxn, token: str, now: float) -> None:
    document = txn.get_document(DOCUMENT_KIND, token)
    if document is not None and document["expires_at"] <= now:
        txn.delete_document(DOCUMENT_KIND, token)
