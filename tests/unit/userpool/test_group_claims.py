"""The group claims of user-pool tokens (Cognito's precedence rules), pure."""

from __future__ import annotations

from dynafed.userpool.model import Group
from dynafed.userpool.tokens import group_claims

POOL = "us-east-1_Pool"
A, B = "arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:role/B"


def group(name: str, role: str | None = None, precedence: int | None = None) -> Group:
    return Group(POOL, name, 0.0, role_arn=role, precedence=precedence)


def test_no_groups_no_claims() -> None:
    assert group_claims([]) == {}


def test_the_lowest_precedence_with_a_role_is_preferred_and_null_comes_last() -> None:
    claims = group_claims([group("c", A), group("b", B, 3), group("a", None, 0)])
    assert claims["cognito:groups"] == ["a", "b", "c"]
    assert claims["cognito:roles"] == [B, A]
    assert claims["cognito:preferred_role"] == B


def test_a_tie_between_different_roles_prefers_none() -> None:
    claims = group_claims([group("x", A, 1), group("y", B, 1)])
    assert claims["cognito:roles"] == [A, B] and "cognito:preferred_role" not in claims


def test_a_tie_on_the_same_role_prefers_it() -> None:
    claims = group_claims([group("x", A, 1), group("y", A, 1), group("z", B, 2)])
    assert claims["cognito:roles"] == [A, B] and claims["cognito:preferred_role"] == A
