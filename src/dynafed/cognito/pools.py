"""Create/Describe/List/Update/DeleteIdentityPool and Set/GetIdentityPoolRoles.

Behaviour from the Cognito Identity API reference (CreateIdentityPool, SetIdentityPoolRoles,
https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/). Pool ids are
`<region>:<uuid>`; role mappings are checked for the combinations the API documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from dynafed.cognito.model import POOL_CONFIG_FIELDS, POOL_KIND, IdentityPool, get_pool, save_pool
from dynafed.core.arn import parse_arn
from dynafed.errors import (
    CognitoResourceNotFound,
    InvalidParameterException,
)
from dynafed.storage.port import ReadView, Storage, WriteTxn

MAX_RULES_PER_PROVIDER = 25

T = TypeVar("T")


def not_found(pool_id: str) -> CognitoResourceNotFound:
    return CognitoResourceNotFound(f"IdentityPool '{pool_id}' not found.")


def require_pool(view: ReadView, pool_id: str, region: str | None = None) -> IdentityPool:
    """The pool, if it exists (in `region`, when given: a pool id names its region)."""
    pool = get_pool(view, pool_id)
    if pool is None or (region is not None and region_of(pool_id) != region):
        raise not_found(pool_id)
    return pool


def region_of(pool_or_identity_id: str) -> str:
    """The region an identity pool id or identity id begins with (`<region>:<uuid>`)."""
    return pool_or_identity_id.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class PoolAdmin:
    storage: Storage
    new_uuid: Callable[[], str] = lambda: str(uuid.uuid4())
    on_change: Callable[[], None] = lambda: None
    """Told after every write, so what this node keeps of pools is read again at once (STS
    keeps whether a pool allows the basic flow)."""

    def _write(self, fn: Callable[[WriteTxn], T]) -> T:
        try:
            return self.storage.write(fn)
        finally:
            self.on_change()

    def create(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        pool = IdentityPool(
            pool_id=f"{region}:{self.new_uuid()}",
            name=body["IdentityPoolName"],
            config={k: body[k] for k in POOL_CONFIG_FIELDS if k in body},
        )
        self._write(lambda txn: save_pool(txn, pool))
        return pool.describe()

    def describe(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        with self.storage.read() as view:
            return require_pool(view, body["IdentityPoolId"], region).describe()

    def list(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        with self.storage.read() as view:
            pools = [
                IdentityPool.from_document(document)
                for pool_id, document in view.list_documents(POOL_KIND)
                if region_of(pool_id) == region
            ]
        start = int(body["NextToken"]) if str(body.get("NextToken", "")).isdigit() else 0
        page = pools[start : start + body["MaxResults"]]
        result: dict[str, Any] = {
            "IdentityPools": [
                {"IdentityPoolId": p.pool_id, "IdentityPoolName": p.name} for p in page
            ]
        }
        if start + len(page) < len(pools):
            result["NextToken"] = str(start + len(page))
        return result

    def update(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        pool_id = body["IdentityPoolId"]

        def write(txn: WriteTxn) -> IdentityPool:
            pool = require_pool(txn, pool_id, region)
            pool.name = body["IdentityPoolName"]
            # UpdateIdentityPool replaces the configuration: omitted members are cleared.
            tags = pool.config.get("IdentityPoolTags")
            pool.config = {k: body[k] for k in POOL_CONFIG_FIELDS if k in body}
            if "IdentityPoolTags" not in body and tags is not None:
                pool.config["IdentityPoolTags"] = tags
            save_pool(txn, pool)
            return pool

        return self._write(write).describe()

    def delete(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        pool_id = body["IdentityPoolId"]

        def write(txn: WriteTxn) -> None:
            require_pool(txn, pool_id, region)
            txn.delete_document(POOL_KIND, pool_id)

        self._write(write)
        return {}

    def set_roles(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        pool_id = body["IdentityPoolId"]
        roles: dict[str, str] = body["Roles"]
        for arn in roles.values():
            _check_role_arn(arn)
        mappings: dict[str, Any] = body.get("RoleMappings") or {}
        for mapping in mappings.values():
            _check_mapping(mapping)

        def write(txn: WriteTxn) -> None:
            pool = require_pool(txn, pool_id, region)
            pool.roles, pool.role_mappings = dict(roles), dict(mappings)
            save_pool(txn, pool)

        self._write(write)
        return {}

    def get_roles(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        with self.storage.read() as view:
            pool = require_pool(view, body["IdentityPoolId"], region)
        result: dict[str, Any] = {"IdentityPoolId": pool.pool_id, "Roles": pool.roles}
        if pool.role_mappings:
            result["RoleMappings"] = pool.role_mappings
        return result


def _check_role_arn(arn: str) -> None:
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("role/"):
        raise InvalidParameterException(f"Invalid role ARN: {arn}")


def _check_mapping(mapping: dict[str, Any]) -> None:
    kind = mapping["Type"]
    if "AmbiguousRoleResolution" not in mapping:
        raise InvalidParameterException(
            "AmbiguousRoleResolution must be specified when Type is Token or Rules"
        )
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules")
    if kind == "Rules":
        if not rules:
            raise InvalidParameterException("RulesConfiguration is required for Rules type")
        if len(rules) > MAX_RULES_PER_PROVIDER:
            raise InvalidParameterException(
                f"A role mapping can have at most {MAX_RULES_PER_PROVIDER} rules"
            )
        for rule in rules:
            _check_role_arn(rule["RoleARN"])
    elif rules:
        raise InvalidParameterException("RulesConfiguration is only valid for Rules type")
