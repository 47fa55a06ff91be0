"""Small builders shared by the policy unit tests."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dynafed.policy import (
    Decision,
    NamedPolicy,
    PolicyKind,
    PolicySet,
    Request,
    evaluate,
    parse_policy,
)

CURRENT = "2012-10-17"
ContextInput = Mapping[str, str | Sequence[str]]


def document(*statements: dict[str, Any], version: str | None = CURRENT) -> str:
    body: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        body = {"Version": version, **body}
    return json.dumps(body)


def allow(
    action: str | list[str] = "s3:GetObject", resource: str | list[str] = "*", **elements: Any
) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **elements}


def deny(
    action: str | list[str] = "s3:GetObject", resource: str | list[str] = "*", **elements: Any
) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **elements}


def identity_set(*texts: str) -> PolicySet:
    return PolicySet(
        identity=tuple(
            NamedPolicy(f"policy{i}", parse_policy(t, PolicyKind.IDENTITY))
            for i, t in enumerate(texts)
        )
    )


def decide(
    text: str,
    action: str = "s3:GetObject",
    resource: str = "*",
    context: ContextInput | None = None,
) -> Decision:
    return evaluate(identity_set(text), Request(action, resource, context))


def condition_holds(
    operator: str,
    key: str,
    values: Any,
    context: ContextInput | None = None,
    *,
    version: str | None = CURRENT,
) -> bool:
    """Whether `{"Condition": {operator: {key: values}}}` lets an Allow statement apply."""
    text = document(allow(Condition={operator: {key: values}}), version=version)
    return decide(text, context=context).allowed
