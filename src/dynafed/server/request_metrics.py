"""Counting each answered API request for `/metrics`: service, operation, outcome, time.

The labels come from closed sets: the service from the target prefix or the Query
protocol's `Version`, the operation only if the service's model names it (anything else is
`other`), the outcome `ok` or the AWS error code the answer carries. So a client sending
made-up operations cannot grow the number of series.

On the hot path this costs two dictionary look-ups and prometheus-client's own increment
and observation: the labelled children are looked up once per label set and kept.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from dynafed import metrics
from dynafed.core.validation.models import operation_names
from dynafed.server.request import Request
from dynafed.server.services import Response

_TARGET_SERVICES = {
    "DynamoDB_20120810": "dynamodb",
    "DynamoDBStreams_20120810": "dynamodbstreams",
    "AWSCognitoIdentityService": "cognito-identity",
    "AWSCognitoIdentityProviderService": "cognito-idp",
}
IAM_VERSION = "2010-05-08"
TOKEN_EXCHANGES = {
    "sts": frozenset(
        {
            "AssumeRole",
            "AssumeRoleWithWebIdentity",
            "AssumeRoleWithSAML",
            "GetSessionToken",
            "GetFederationToken",
        }
    ),
    "cognito-identity": frozenset(
        {"GetCredentialsForIdentity", "GetOpenIdToken", "GetOpenIdTokenForDeveloperIdentity"}
    ),
}
OTHER = "other"
_MAX_TARGETS = 1024
"""Targets remembered for the fast path (only ones answered with success, so real
operations; a bound all the same)."""
_XML_CODE = re.compile(rb"<Code>([A-Za-z0-9_.]{1,64})</Code>")


class RequestMetrics:
    def __init__(self) -> None:
        self._known: dict[str, frozenset[str]] = {}
        self._counted: dict[tuple[str, str, str], Any] = {}
        self._timed: dict[tuple[str, str], Any] = {}
        self._target_ok: dict[str, tuple[Any, Any]] = {}
        """(counter, timer) of successful requests by `X-Amz-Target`: the common case, found
        with one look-up."""

    def record(self, request: Request, target: str, response: Response, seconds: float) -> None:
        if response[0] < 300 and target:
            fast = self._target_ok.get(target)
            if fast is not None:
                fast[0].inc()
                fast[1].observe(seconds)
                return
        service, operation = self._name(request, target)
        outcome = outcome_of(response)
        key = (service, operation, outcome)
        counter = self._counted.get(key)
        if counter is None:
            counter = self._counted[key] = metrics.REQUESTS.labels(*key)
        counter.inc()
        timer = self._timed.get(key[:2])
        if timer is None:
            timer = self._timed[key[:2]] = metrics.REQUEST_SECONDS.labels(service, operation)
        timer.observe(seconds)
        if operation in TOKEN_EXCHANGES.get(service, ()):
            metrics.TOKEN_EXCHANGES.labels(operation, outcome).inc()
        elif outcome == "ok" and target and len(self._target_ok) < _MAX_TARGETS:
            self._target_ok[target] = (counter, timer)

    def _name(self, request: Request, target: str) -> tuple[str, str]:
        if target:
            prefix, _, operation = target.partition(".")
            service = _TARGET_SERVICES.get(prefix)
            if service is None:
                return OTHER, OTHER
            return service, self._operation(service, operation)
        params = _query_params(request)
        action = params.get("Action")
        if action is None:
            return "http", OTHER  # user-pool pages, issuer documents, the web app
        service = "iam" if params.get("Version") == IAM_VERSION else "sts"
        return service, self._operation(service, action)

    def _operation(self, service: str, operation: str) -> str:
        known = self._known.get(service)
        if known is None:
            known = self._known[service] = frozenset(operation_names(service))
        return operation if operation in known else OTHER


def outcome_of(response: Response) -> str:
    """`ok`, or the error code the answer carries (header, or the Query protocol's XML)."""
    status, body, headers = response
    if status < 300:
        return "ok"
    for name, value in headers:
        if name == "x-amzn-errortype":
            return value.split(":", 1)[0]
    found = _XML_CODE.search(body[:4096])
    return found.group(1).decode() if found else str(status)


def _query_params(request: Request) -> dict[str, str]:
    if request.method == "POST" and request.body:
        try:
            form = parse_qs(request.body.decode("utf-8"), max_num_fields=200)
        except (UnicodeDecodeError, ValueError):
            return {}
        return {name: values[0] for name, values in form.items() if values}
    return dict(request.query_params())
