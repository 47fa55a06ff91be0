"""The `Principal` / `NotPrincipal` element of trust and resource-based policies.

`"*"` is everyone. `{"AWS": ...}` names an account (`123456789012` or
`arn:aws:iam::123456789012:root`), a role, a user or a session ARN; `{"Federated": ...}` an
identity provider; `{"Service": ...}` a service. Principals take no wildcards other than a
whole `*` (IAM Principal element page), and no policy variables.

How a statement names the caller matters to the evaluation (iam-fgac.md 2.2 step 2): a
grant to the caller itself (its session ARN, its provider, or everyone) stands on its own;
a grant to the session's role still needs the permissions boundary and session policies;
a grant to the account only delegates to the identity policies.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

from dynafed.core.arn import parse_arn
from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import messages
from dynafed.policy.request import PrincipalType, RequestPrincipal

_ACCOUNT_ID = re.compile(r"\d{12}")


class PrincipalMatch(enum.IntEnum):
    """How a `Principal` element names the caller; larger is stronger."""

    NONE = 0
    ACCOUNT = 1
    ROLE = 2
    CALLER = 3


def check_principal_value(principal_type: str, value: str) -> None:
    if value == "*":
        return
    if value == "" or "*" in value or "?" in value or "${" in value:
        raise MalformedPolicyDocument(messages.invalid_principal(principal_type, value))
    if principal_type == PrincipalType.AWS.value and not (
        _ACCOUNT_ID.fullmatch(value) or parse_arn(value) is not None
    ):
        raise MalformedPolicyDocument(messages.invalid_principal(principal_type, value))


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    everyone: bool
    """`"Principal": "*"`."""
    names: Mapping[PrincipalType, frozenset[str]]
    negated: bool
    """True for `NotPrincipal`."""

    def match(self, caller: RequestPrincipal | None) -> PrincipalMatch:
        found = self._match(caller)
        if not self.negated:
            return found
        return PrincipalMatch.NONE if found else PrincipalMatch.CALLER

    def _match(self, caller: RequestPrincipal | None) -> PrincipalMatch:
        if self.everyone:
            return PrincipalMatch.CALLER
        if caller is None:
            return PrincipalMatch.NONE
        names = self.names.get(caller.type, frozenset())
        if "*" in names or caller.id in names:
            return PrincipalMatch.CALLER
        if caller.type is not PrincipalType.AWS:
            return PrincipalMatch.NONE
        if caller.role_arn is not None and caller.role_arn in names:
            return PrincipalMatch.ROLE
        account = caller.account_id()
        if account is not None and (account in names or _root_arn(caller, account) in names):
            return PrincipalMatch.ACCOUNT
        return PrincipalMatch.NONE


def _root_arn(caller: RequestPrincipal, account: str) -> str:
    arn = parse_arn(caller.id)
    partition = arn.partition if arn is not None else "aws"
    return f"arn:{partition}:iam::{account}:root"


def compile_principal(element: object, *, negated: bool) -> PrincipalSpec:
    """`element` has passed the syntax check: `"*"` or a map of type → string(s)."""
    if element == "*":
        return PrincipalSpec(everyone=True, names={}, negated=negated)
    assert isinstance(element, dict)
    names: dict[PrincipalType, frozenset[str]] = {}
    for type_name, values in element.items():
        listed = [values] if isinstance(values, str) else list(values)
        for value in listed:
            check_principal_value(type_name, value)
        if listed:
            names[PrincipalType(type_name)] = frozenset(listed)
    if not names:
        raise MalformedPolicyDocument(messages.NO_PRINCIPALS)
    return PrincipalSpec(everyone=False, names=names, negated=negated)
