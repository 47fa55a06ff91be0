"""CreateUserPool, DescribeUserPool, UpdateUserPool, ListUserPools, DeleteUserPool: the same
pools the hosted UI and `dynafed users` use. Pool ids are `<region>_<id>`; a region sees
only its own."""

from __future__ import annotations

from typing import Any

from dynafed.storage.port import WriteTxn
from dynafed.userpool import store
from dynafed.userpool.admin import new_pool_id
from dynafed.userpool.api.context import ApiContext, Call, page, require_pool
from dynafed.userpool.api.custom_attributes import parse_schema
from dynafed.userpool.api.errors import InvalidParameterException
from dynafed.userpool.model import POOL_ID_PATTERN, LockoutRules, UserPool
from dynafed.userpool.password_policy import DEFAULT_MINIMUM_LENGTH, PasswordPolicy
from dynafed.userpool.schema import described_schema

TEMPORARY_PASSWORD_DAYS = 7
MIN_POLICY_LENGTH, MAX_POLICY_LENGTH = 6, 99
"""Cognito's bounds for `MinimumLength`."""


def pool_view(ctx: ApiContext, pool: UserPool, users: int) -> dict[str, Any]:
    """`UserPoolType`: what DescribeUserPool and CreateUserPool answer."""
    policy = pool.password_policy
    view: dict[str, Any] = {
        "Id": pool.pool_id,
        "Name": pool.name,
        "Arn": ctx.pool_arn(pool.pool_id),
        "CreationDate": pool.created_at,
        "LastModifiedDate": pool.modified_at or pool.created_at,
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": policy.minimum_length,
                "RequireUppercase": policy.require_uppercase,
                "RequireLowercase": policy.require_lowercase,
                "RequireNumbers": policy.require_numbers,
                "RequireSymbols": policy.require_symbols,
                "TemporaryPasswordValidityDays": TEMPORARY_PASSWORD_DAYS,
            }
        },
        "DeletionProtection": "ACTIVE" if pool.deletion_protection else "INACTIVE",
        "LambdaConfig": {},
        "MfaConfiguration": "OFF",
        "EstimatedNumberOfUsers": users,
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": pool.allow_admin_create_user_only},
        "UsernameConfiguration": {"CaseSensitive": False},
        "SchemaAttributes": described_schema(pool.custom_attributes, pool.required_attributes),
    }
    if pool.username_attributes:
        view["UsernameAttributes"] = list(pool.username_attributes)
    if pool.alias_attributes:
        view["AliasAttributes"] = list(pool.alias_attributes)
    if pool.auto_verified_attributes:
        view["AutoVerifiedAttributes"] = list(pool.auto_verified_attributes)
    return view


def _password_policy(body: dict[str, Any]) -> PasswordPolicy:
    """The given policy; without one, 8 characters of any kind (AWS's default also
    requires every character class: see docs/reference/operations.md)."""
    given = (body.get("Policies") or {}).get("PasswordPolicy") or {}
    minimum = given.get("MinimumLength", DEFAULT_MINIMUM_LENGTH)
    if not MIN_POLICY_LENGTH <= minimum <= MAX_POLICY_LENGTH:
        raise InvalidParameterException(
            f"Password policy MinimumLength must be between {MIN_POLICY_LENGTH} and "
            f"{MAX_POLICY_LENGTH}."
        )
    return PasswordPolicy(
        minimum_length=minimum,
        require_uppercase=bool(given.get("RequireUppercase", False)),
        require_lowercase=bool(given.get("RequireLowercase", False)),
        require_numbers=bool(given.get("RequireNumbers", False)),
        require_symbols=bool(given.get("RequireSymbols", False)),
    )


POOL_ID_TAG = "dynafed:pool-id"
LOCKOUT_AFTER_TAG = "dynafed:lockout-after"
LOCKOUT_SECONDS_TAG = "dynafed:lockout-seconds"
"""dynafed's extensions to CreateUserPool, as `UserPoolTags` (tags are free-form on AWS, so a
client that sends them works against both): the pool's id, chosen rather than generated (a
pool with that id is answered as it is: creating it is idempotent), and its sign-in lockout
(`dynafed users create-pool` sends them)."""


def refuse_unserved_settings(body: dict[str, Any]) -> None:
    """Settings of features dynafed does not serve are refused, never stored and ignored:
    a pool that says it runs a trigger or asks for MFA must not quietly do neither."""
    if any((body.get("LambdaConfig") or {}).values()):
        raise InvalidParameterException(
            "LambdaConfig is not supported: dynafed runs no Lambda triggers"
        )
    if body.get("MfaConfiguration", "OFF") != "OFF":
        raise InvalidParameterException(
            "MfaConfiguration must be OFF: dynafed serves no multi-factor authentication"
        )


BOTH_SIGN_IN_SETTINGS = (
    "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
)


def _sign_in_settings(body: dict[str, Any]) -> tuple[list[str], list[str]]:
    """`UsernameAttributes` and `AliasAttributes` (values checked by the service model),
    which exclude each other."""
    username_attributes = list(dict.fromkeys(body.get("UsernameAttributes") or []))
    alias_attributes = list(dict.fromkeys(body.get("AliasAttributes") or []))
    if username_attributes and alias_attributes:
        raise InvalidParameterException(BOTH_SIGN_IN_SETTINGS)
    return username_attributes, alias_attributes


def create(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    refuse_unserved_settings(body)
    username_attributes, alias_attributes = _sign_in_settings(body)
    custom_attributes, required_attributes = parse_schema(body.get("Schema") or [])
    admin_only = (body.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly")
    tags = body.get("UserPoolTags") or {}
    chosen_id = tags.get(POOL_ID_TAG)
    if chosen_id is not None:
        _check_chosen_id(chosen_id, call.region)
    pool = UserPool(
        pool_id=chosen_id or new_pool_id(call.region),
        name=body["PoolName"],
        created_at=ctx.now(),
        lockout=_lockout(tags),
        deletion_protection=body.get("DeletionProtection") == "ACTIVE",
        password_policy=_password_policy(body),
        allow_admin_create_user_only=bool(admin_only),
        username_attributes=username_attributes,
        alias_attributes=alias_attributes,
        custom_attributes=custom_attributes,
        required_attributes=required_attributes,
        auto_verified_attributes=_auto_verified(body),
    )

    def write(txn: WriteTxn) -> tuple[UserPool, int]:
        existing = store.get_pool(txn, pool.pool_id) if chosen_id is not None else None
        if existing is not None:
            return existing, len(store.list_users(txn, existing.pool_id))
        store.save_pool(txn, pool)
        return pool, 0

    stored, users = ctx.pools.deps.storage.write(write)
    return {"UserPool": pool_view(ctx, stored, users)}


def _auto_verified(body: dict[str, Any]) -> list[str]:
    """`AutoVerifiedAttributes` (values checked by the service model); none given: SignUp
    sends no code, as on AWS."""
    return list(dict.fromkeys(body.get("AutoVerifiedAttributes") or []))


def _check_chosen_id(pool_id: str, region: str) -> None:
    if not POOL_ID_PATTERN.fullmatch(pool_id) or len(pool_id) > 55:
        raise InvalidParameterException(f"{POOL_ID_TAG} {pool_id!r} must look like {region}_AbC123")
    if not pool_id.startswith(f"{region}_"):
        raise InvalidParameterException(
            f"{POOL_ID_TAG} {pool_id!r} names another region than the request's ({region})"
        )


_DEFAULT_LOCKOUT = LockoutRules()


def _lockout(tags: dict[str, str]) -> LockoutRules:
    default = _DEFAULT_LOCKOUT
    try:
        threshold = int(tags.get(LOCKOUT_AFTER_TAG, default.threshold))
        base = float(tags.get(LOCKOUT_SECONDS_TAG, default.base_seconds))
    except ValueError:
        raise InvalidParameterException(
            f"{LOCKOUT_AFTER_TAG} must be a whole number and {LOCKOUT_SECONDS_TAG} a number"
        ) from None
    if threshold < 1 or not 0 < base <= default.max_seconds:
        raise InvalidParameterException(
            f"{LOCKOUT_AFTER_TAG} must be at least 1 and {LOCKOUT_SECONDS_TAG} between 0 and "
            f"{default.max_seconds:g}"
        )
    return LockoutRules(threshold, base)


def update(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """The password policy, deletion protection, `AllowAdminCreateUserOnly` and
    `AutoVerifiedAttributes`; as on AWS, a setting not given returns to its default."""
    refuse_unserved_settings(body)
    policy = _password_policy(body)
    admin_only = (body.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly")

    def write(txn: WriteTxn) -> None:
        pool = require_pool(txn, body["UserPoolId"], call.region)
        pool.password_policy = policy
        pool.deletion_protection = body.get("DeletionProtection") == "ACTIVE"
        pool.allow_admin_create_user_only = bool(admin_only)
        pool.auto_verified_attributes = _auto_verified(body)
        pool.modified_at = ctx.now()
        store.save_pool(txn, pool)

    ctx.pools.deps.storage.write(write)
    return {}


def describe(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        pool = require_pool(view, body["UserPoolId"], call.region)
        users = len(store.list_users(view, pool.pool_id))
    return {"UserPool": pool_view(ctx, pool, users)}


def list_pools(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        pools = [p for p in store.list_pools(view) if p.pool_id.startswith(f"{call.region}_")]
    chosen, token = page(pools, lambda p: p.pool_id, body["MaxResults"], body.get("NextToken"))
    answer: dict[str, Any] = {
        "UserPools": [
            {
                "Id": p.pool_id,
                "Name": p.name,
                "LambdaConfig": {},
                "CreationDate": p.created_at,
                "LastModifiedDate": p.created_at,
            }
            for p in chosen
        ]
    }
    if token is not None:
        answer["NextToken"] = token
    return answer


def delete(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        pool = require_pool(txn, body["UserPoolId"], call.region)
        if pool.deletion_protection:
            raise InvalidParameterException(
                "The user pool cannot be deleted because deletion protection is activated. "
                "Deletion protection must be inactivated first."
            )
        store.delete_pool(txn, pool.pool_id)

    ctx.pools.deps.storage.write(write)
    return {}
