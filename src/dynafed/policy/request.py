"""What is being authorized: action, resource, caller and condition context.

Condition context keys are case-insensitive (IAM Condition element page), so the request
stores them lower-cased once; every key is either absent or a tuple of strings (a
single-valued key holds one string; a present but empty multivalued key holds none).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dynafed.core.arn import parse_arn

ContextInput = Mapping[str, str | Sequence[str]]
"""Context as callers write it: key → one string or a list of strings."""


class PrincipalType(enum.Enum):
    AWS = "AWS"
    FEDERATED = "Federated"
    SERVICE = "Service"
    CANONICAL_USER = "CanonicalUser"


@dataclass(frozen=True, slots=True)
class RequestPrincipal:
    """The caller, as `Principal` elements of trust and resource-based policies see it."""

    id: str
    """The caller's ARN (an assumed-role session ARN, a user ARN), a federated provider
    (`www.amazon.com`, `arn:aws:iam::ACCT:oidc-provider/host`), or a service principal."""
    type: PrincipalType = PrincipalType.AWS
    role_arn: str | None = None
    """For an assumed-role session: the role's ARN (with its path)."""
    account: str | None = None
    """The caller's account; derived from an ARN `id` when not given."""

    def account_id(self) -> str | None:
        if self.account is not None:
            return self.account
        arn = parse_arn(self.id)
        return arn.account if arn is not None and arn.account else None


class Request:
    """One authorization question. Treat as immutable; built for every authorization, so it
    is a plain slotted class (a frozen dataclass costs microseconds to construct)."""

    __slots__ = ("action", "action_lower", "context", "principal", "resource")

    action: str
    """`service:Action`, e.g. `dynamodb:GetItem`."""
    resource: str
    """The resource ARN, or `*`."""
    context: dict[str, tuple[str, ...]]
    """Lower-cased key → values."""
    principal: RequestPrincipal | None
    action_lower: str

    def __init__(
        self,
        action: str,
        resource: str = "*",
        context: ContextInput | None = None,
        principal: RequestPrincipal | None = None,
    ) -> None:
        self.action = action
        self.action_lower = action.lower()
        self.resource = resource
        self.context = normalize_context(context) if context else {}
        self.principal = principal

    @classmethod
    def prepared(
        cls,
        action: str,
        resource: str,
        context: dict[str, tuple[str, ...]],
        principal: RequestPrincipal | None = None,
    ) -> Request:
        """A request whose context is already normalized (`normalize_context`): callers that
        normalize a session's fixed keys once and add per-request keys skip the work."""
        request = cls.__new__(cls)
        request.action = action
        request.action_lower = action.lower()
        request.resource = resource
        request.context = context
        request.principal = principal
        return request

    def __repr__(self) -> str:
        return (
            f"Request(action={self.action!r}, resource={self.resource!r}, "
            f"context={self.context!r}, principal={self.principal!r})"
        )


def normalize_context(context: ContextInput) -> dict[str, tuple[str, ...]]:
    """Lower-case key names; a single string becomes a one-element tuple. Values given for
    the same key in different spellings are merged."""
    normalized = {
        key.lower(): (value,) if isinstance(value, str) else tuple(value)
        for key, value in context.items()
    }
    if len(normalized) == len(context):
        return normalized
    merged: dict[str, tuple[str, ...]] = {}
    for key, value in context.items():
        values = (value,) if isinstance(value, str) else tuple(value)
        merged[key.lower()] = merged.get(key.lower(), ()) + values
    return merged
