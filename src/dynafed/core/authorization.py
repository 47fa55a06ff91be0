"""What a service asks the authorizer: one action on one resource, with its condition keys.

Services (DynamoDB operations, STS, IAM) describe each access they need as an
`AuthorizationRequest`; the authorizer turns it into a policy-engine evaluation for the
caller. A request that needs several accesses (batches, transactions) passes several; all
must be allowed, and the first denied one decides the error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    action: str
    """`service:Operation`, e.g. `dynamodb:GetItem`."""
    resource: str
    """The resource ARN (a table or index ARN), or `*` for actions on no resource."""
    condition_keys: dict[str, list[str]] = field(default_factory=dict)
    """Service condition keys (`dynamodb:LeadingKeys`, ...); a key that is absent from the
    request is absent here, never an empty list unless the request really carries none."""


class Authorizer(Protocol):
    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        """Return if every request is allowed; raise the protocol's AccessDenied otherwise."""
        ...


class AllowAll:
    """The authorizer for admin (long-term) credentials: they may do everything."""

    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        return None
