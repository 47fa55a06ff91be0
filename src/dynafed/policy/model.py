"""A parsed, validated and compiled policy: what the evaluator runs."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dynafed.policy.actions import ActionMatch
from dynafed.policy.condition_block import ConditionEntry
from dynafed.policy.kinds import PolicyKind
from dynafed.policy.principals import PrincipalSpec
from dynafed.policy.resources import ResourceMatch

CURRENT_VERSION = "2012-10-17"


class Effect(enum.Enum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    """Position in the document's `Statement` list (0-based)."""
    sid: str | None
    effect: Effect
    actions: ActionMatch
    resources: ResourceMatch | None
    """None in trust policies, which have no Resource element."""
    principal: PrincipalSpec | None
    """None in identity, boundary and session policies."""
    conditions: tuple[ConditionEntry, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    kind: PolicyKind
    version: str | None
    """The `Version` element; None when the document has none (2008-10-17 semantics)."""
    document_id: str | None
    """The `Id` element."""
    statements: tuple[Statement, ...]
    text: str
    """The document as submitted."""

    @property
    def substitutes_variables(self) -> bool:
        return self.version == CURRENT_VERSION
