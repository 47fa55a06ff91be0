"""The id of the request being served (`x-amzn-RequestId`), for records made deep below the
edge that must name it (the audit log).

A context variable: the edge sets it once per request, in the request's own task; the
worker threads that run a request's operation see it because the edge's executor runs each
job in a copy of the submitter's context (server/executor.py)."""

from __future__ import annotations

from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("dynafed_request_id", default=None)
