"""The audit log: one JSON object per line for every STS exchange and authorization decision.

`dynafed serve --audit-log -` writes to stdout, `--audit-log PATH` appends to a file; without
the flag nothing is recorded. Lines are written whole under a lock, so concurrent requests
never interleave inside a line, and flushed at once so `tail -f` and crashes lose nothing
that was decided. Field reference: docs/sts.md ("Audit log").
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import orjson

from dynafed.core.clock import Clock
from dynafed.core.current_request import REQUEST_ID
from dynafed.policy import ConditionFailure, Decision, StatementRef

AuditSink = Callable[[dict[str, Any]], None]
"""`record(event)`: services and authorizers call this; the log adds the time."""


class AuditLog:
    def __init__(self, stream: TextIO, clock: Clock, close_stream: bool = False) -> None:
        self._stream = stream
        self._clock = clock
        self._close_stream = close_stream
        self._lock = threading.Lock()

    def record(self, event: Mapping[str, Any]) -> None:
        stamp = {"time": iso_time(self._clock.now())}
        request_id = REQUEST_ID.get()
        if request_id is not None:  # None: recorded outside a request (tests, tools)
            stamp["request_id"] = request_id
        line = orjson.dumps({**stamp, **event}).decode("utf-8")
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def close(self) -> None:
        with self._lock:
            if self._close_stream:
                self._stream.close()
            else:
                self._stream.flush()


def open_audit_log(target: str | None, clock: Clock) -> AuditLog | None:
    """`None`: no log; `"-"`: stdout; anything else: a file opened for appending."""
    if target is None:
        return None
    if target == "-":
        return AuditLog(sys.stdout, clock)
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The log names principals, sessions and tokens' subjects: readable by its owner only.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    return AuditLog(os.fdopen(fd, "a", encoding="utf-8"), clock, close_stream=True)


def iso_time(now: float) -> str:
    """Milliseconds are enough to order lines; UTC with a `Z`, like AWS's timestamps."""
    moment = datetime.fromtimestamp(now, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def decision_event(
    decision: Decision, *, principal: str, action: str, resource: str
) -> dict[str, Any]:
    """An authorization decision and why (see `decision_fields`)."""
    return {
        "event": "authorization",
        "principal": principal,
        "action": action,
        "resource": resource,
        **decision_fields(decision),
    }


def decision_fields(decision: Decision) -> dict[str, Any]:
    """`decision` and why: the deciding statement, or the conditions that failed in allow
    statements that otherwise matched."""
    fields: dict[str, Any] = {"decision": "Allow" if decision.allowed else "Deny"}
    if not decision.allowed:
        fields["reason"] = decision.decision.value
        fields["policy_type"] = decision.policy_type.phrase if decision.policy_type else None
    if decision.statement is not None:
        fields["statement"] = statement_fields(decision.statement)
    if decision.failed_conditions:
        fields["failed_conditions"] = [_failure_fields(f) for f in decision.failed_conditions]
    return fields


def statement_fields(ref: StatementRef) -> dict[str, Any]:
    return {
        "policy_type": ref.policy_type.phrase,
        "policy": ref.policy_id,
        "sid": ref.sid,
        "index": ref.index,
    }


def _failure_fields(failure: ConditionFailure) -> dict[str, Any]:
    return {**statement_fields(failure.statement), "operator": failure.operator, "key": failure.key}
