"""Role choice in the enhanced flow, as "Role-based access control" (Cognito Developer Guide)
describes it: default roles, Rules (first match, in order), Token (preferred role, single
role, CustomRoleArn among cognito:roles), AmbiguousRoleResolution."""

from __future__ import annotations

from typing import Any

import pytest

from dynafed.cognito.role_mapping import resolve_role
from dynafed.errors import InvalidIdentityPoolConfigurationException, InvalidParameterException

AUTH = "arn:aws:iam::123456789012:role/Players"
UNAUTH = "arn:aws:iam::123456789012:role/Guests"
ADMINS = "arn:aws:iam::123456789012:role/Admins"
PAID = "arn:aws:iam::123456789012:role/Paid"
ROLES = {"authenticated": AUTH, "unauthenticated": UNAUTH}
KEY = "idp.example.com/pool:client"


def rules(*rules: dict[str, str], ambiguous: str = "AuthenticatedRole") -> dict[str, Any]:
    return {
        KEY: {
            "Type": "Rules",
            "AmbiguousRoleResolution": ambiguous,
            "RulesConfiguration": {"Rules": list(rules)},
        }
    }


def rule(claim: str, match: str, value: str, role: str) -> dict[str, str]:
    return {"Claim": claim, "MatchType": match, "Value": value, "RoleARN": role}


TOKEN = {KEY: {"Type": "Token", "AmbiguousRoleResolution": "Deny"}}


def test_unauthenticated_identities_get_the_unauthenticated_role() -> None:
    assert resolve_role(ROLES, {}, None) == UNAUTH


def test_authenticated_identities_without_mapping_get_the_authenticated_role() -> None:
    assert resolve_role(ROLES, {}, (KEY, {"sub": "x"})) == AUTH


def test_missing_role_is_a_configuration_error() -> None:
    with pytest.raises(InvalidIdentityPoolConfigurationException):
        resolve_role({"authenticated": AUTH}, {}, None)


def test_first_matching_rule_wins() -> None:
    mapping = rules(
        rule("plan", "Equals", "paid", PAID),
        rule("email", "Contains", "@example.com", ADMINS),
    )
    assert resolve_role(ROLES, mapping, (KEY, {"plan": "paid", "email": "a@example.com"})) == PAID
    assert resolve_role(ROLES, mapping, (KEY, {"plan": "free", "email": "a@example.com"})) == ADMINS


def test_multivalued_claims_match_any_value() -> None:
    mapping = rules(rule("cognito:groups", "Equals", "admins", ADMINS))
    assert resolve_role(ROLES, mapping, (KEY, {"cognito:groups": ["players", "admins"]})) == ADMINS


def test_starts_with_and_not_equal() -> None:
    mapping = rules(
        rule("email", "StartsWith", "boss", ADMINS), rule("plan", "NotEqual", "free", PAID)
    )
    assert resolve_role(ROLES, mapping, (KEY, {"email": "boss@x", "plan": "free"})) == ADMINS
    assert resolve_role(ROLES, mapping, (KEY, {"email": "a@x", "plan": "gold"})) == PAID


def test_no_matching_rule_falls_back_or_denies() -> None:
    claims = {"plan": "free"}
    assert resolve_role(ROLES, rules(rule("plan", "Equals", "paid", PAID)), (KEY, claims)) == AUTH
    deny = rules(rule("plan", "Equals", "paid", PAID), ambiguous="Deny")
    with pytest.raises(InvalidIdentityPoolConfigurationException):
        resolve_role(ROLES, deny, (KEY, claims))


def test_token_mapping_uses_the_preferred_role_then_a_single_role() -> None:
    claims = {"cognito:roles": [ADMINS, PAID], "cognito:preferred_role": PAID}
    assert resolve_role(ROLES, TOKEN, (KEY, claims)) == PAID
    assert resolve_role(ROLES, TOKEN, (KEY, {"cognito:roles": [ADMINS]})) == ADMINS
    with pytest.raises(InvalidIdentityPoolConfigurationException):
        resolve_role(ROLES, TOKEN, (KEY, {"cognito:roles": [ADMINS, PAID]}))


def test_custom_role_arn_must_be_one_of_the_token_roles() -> None:
    claims = {"cognito:roles": [ADMINS, PAID]}
    assert resolve_role(ROLES, TOKEN, (KEY, claims), ADMINS) == ADMINS
    with pytest.raises(InvalidParameterException):
        resolve_role(ROLES, TOKEN, (KEY, claims), AUTH)
    with pytest.raises(InvalidParameterException):
        resolve_role(ROLES, {}, (KEY, claims), ADMINS)
