"""CreateUserPool, DescribeUserPool, UpdateUserPool, ListUserPools, DeleteUserPool: the same
pools the hosted UI and `dynafed users` use. Pool ids are `<region>_<id>`; a region sees
only its own."""

from __future__ import annotations

from typing import Any

from dynafed.storage.port import WriteTxn
from dynafed.userpool import store
from dynafed.userpool.admin import new_pool_id
from dynafed.userpool.api.context import ApiContext, Call, page, require_pool
from dynafed.userpool.api.errors import InvalidParameterException
from dynafed.userpool.model import UserPool
from dynafed.userpool.password_policy import DEFAULT_MINIMUM_LENGTH, PasswordPolicy

TEMPORARY_PASSWORD_DAYS = 7
MIN_POLICY_LENGTH, MAX_POLICY_LENGTH = 6, 99
"""Cognito's bounds for `MinimumLength`."""


def pool_view(ctx: ApiContext, pool: UserPool, users: int) -> dict[str, Any]:
    """`UserPoolType`: what DescribeUserPool and CreateUserPool answer."""
    policy = pool.password_policy
    return {
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
    }


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


def create(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    admin_only = (body.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly")
    pool = UserPool(
        pool_id=new_pool_id(call.region),
        name=body["PoolName"],
        created_at=ctx.now(),
        deletion_protection=body.get("DeletionProtection") == "ACTIVE",
        password_policy=_password_policy(body),
        allow_admin_create_user_only=bool(admin_only),
    )
    ctx.pools.deps.storage.write(lambda txn: store.save_pool(txn, pool))
    return {"UserPool": pool_view(ctx, pool, 0)}


def update(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """The password policy, deletion protection and `AllowAdminCreateUserOnly`; as on AWS,
    a setting not given returns to its default."""
    policy = _password_policy(body)
    admin_only = (body.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly")

    def write(txn: WriteTxn) -> None:
        pool = require_pool(txn, body["UserPoolId"], call.region)
        pool.password_policy = policy
        pool.deletion_protection = body.get("DeletionProtection") == "ACTIVE"
        pool.allow_admin_create_user_only = bool(admin_only)
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
