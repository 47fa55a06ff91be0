"""Which role an identity gets in the enhanced flow. Pure.

Rules from "Role-based access control" (Cognito Developer Guide, role-based-access-control):
no login → the pool's unauthenticated role; a login whose provider has a role mapping →
Token (`cognito:preferred_role`, else the only entry of `cognito:roles`; `CustomRoleArn` may
pick any entry of `cognito:roles`) or Rules (first matching rule, in order); nothing
decided → `AmbiguousRoleResolution`: the authenticated role, or Deny. Otherwise the pool's
authenticated role. A pool with no role for the case is misconfigured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dynafed.errors import InvalidIdentityPoolConfigurationException, InvalidParameterException

MISCONFIGURED = "Invalid identity pool configuration. Check assigned IAM roles for this pool."


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [] if value is None else [str(value)]


def _rule_matches(rule: Mapping[str, Any], claims: Mapping[str, Any]) -> bool:
    if rule["Claim"] not in claims:
        return False
    values = _as_list(claims[rule["Claim"]])
    wanted = rule["Value"]
    match rule["MatchType"]:
        case "Equals":
            return wanted in values
        case "Contains":
            return any(wanted in v for v in values)
        case "StartsWith":
            return any(v.startswith(wanted) for v in values)
        case "NotEqual":
            return wanted not in values
    return False


def _from_mapping(
    mapping: Mapping[str, Any], claims: Mapping[str, Any], custom_role_arn: str | None
) -> str | None:
    if mapping["Type"] == "Token":
        roles = _as_list(claims.get("cognito:roles"))
        if custom_role_arn is not None:
            if custom_role_arn not in roles:
                raise InvalidParameterException("CustomRoleArn is not one of the token's roles")
            return custom_role_arn
        preferred = claims.get("cognito:preferred_role")
        if isinstance(preferred, str):
            return preferred
        return roles[0] if len(roles) == 1 else None
    rules: Sequence[Mapping[str, Any]] = mapping["RulesConfiguration"]["Rules"]
    return next((r["RoleARN"] for r in rules if _rule_matches(r, claims)), None)


def resolve_role(
    roles: Mapping[str, str],
    mappings: Mapping[str, Any],
    login: tuple[str, Mapping[str, Any]] | None,
    custom_role_arn: str | None = None,
) -> str:
    """`login` is (role-mapping key, token claims), or None for an unauthenticated identity."""
    if login is None:
        return _required(roles.get("unauthenticated"))
    key, claims = login
    mapping = mappings.get(key)
    if mapping is None:
        if custom_role_arn is not None:
            raise InvalidParameterException("CustomRoleArn needs a Token role mapping")
        return _required(roles.get("authenticated"))
    chosen = _from_mapping(mapping, claims, custom_role_arn)
    if chosen is not None:
        return chosen
    if mapping.get("AmbiguousRoleResolution") == "Deny":
        raise InvalidIdentityPoolConfigurationException(MISCONFIGURED)
    return _required(roles.get("authenticated"))


def _required(role: str | None) -> str:
    if not role:
        raise InvalidIdentityPoolConfigurationException(MISCONFIGURED)
    return role
