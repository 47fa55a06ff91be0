"""What the demo finds already in a data directory, and what stops it from seeding.

`--demo` may start on any data directory: one where the README's own examples already made
a `GameScores` table or a `GameRole` role, or one a crashed earlier start half-seeded. Each
demo resource is looked up by its name first: one that matches what the demo would make is
reused; one that differs is a conflict, said in one line with what to do, and nothing is
written (the demo seeds all or nothing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dynafed.cognito.model import POOL_KIND, IdentityPool, login_name
from dynafed.cognito.pools import region_of
from dynafed.demo import gamescores as demo
from dynafed.dynamodb.context import find_table
from dynafed.dynamodb.tables import table_key
from dynafed.iam import repository
from dynafed.storage.port import ReadView
from dynafed.userpool import store
from dynafed.userpool.passwords import Passwords

OWN_DIRECTORY = (
    "or start the demo on a data directory of its own (dynafed serve --demo --data-dir DIR)"
)


@dataclass(frozen=True, slots=True)
class Existing:
    """The demo's resources found by name (None: to be made)."""

    user_pool: bool
    client: bool
    player_subs: dict[str, str]
    identity_pool_id: str | None
    role_arn: str | None
    table: bool
    linked_identities: dict[str, str]
    """Player → identity id, for players already linked to the identity pool."""


def find_existing(view: ReadView, region: str, passwords: Passwords) -> tuple[Existing, list[str]]:
    """The demo resources that exist, and one line per resource that exists but differs."""
    conflicts: list[str] = []
    pool_id = demo.user_pool_id(region)
    user_pool = store.get_pool(view, pool_id) is not None
    client = user_pool and store.get_client(view, pool_id, demo.CLIENT_ID) is not None
    subs: dict[str, str] = {}
    for name, password in demo.PLAYERS:
        user = store.get_user(view, pool_id, name) if user_pool else None
        if user is None:
            continue
        if not passwords.verify(user.password_hash, password):
            conflicts.append(
                f"user {name} of pool {pool_id} has another password: reset it with "
                f"`dynafed users set-password {pool_id} {name} --password {password}`, "
                f"{OWN_DIRECTORY}"
            )
        subs[name] = user.sub
    identity_pool = _identity_pool(view, region)
    role_arn = _role(view, region, identity_pool, conflicts)
    table = _table(view, region, conflicts)
    linked = _linked(view, region, identity_pool, subs)
    found = Existing(user_pool, client, subs, identity_pool, role_arn, table, linked)
    return found, conflicts


def _identity_pool(view: ReadView, region: str) -> str | None:
    for pool_id, document in view.list_documents(POOL_KIND):
        if region_of(pool_id) == region:
            pool = IdentityPool.from_document(document)
            if pool.name == demo.IDENTITY_POOL_NAME:
                return pool.pool_id
    return None


def _role(
    view: ReadView, region: str, identity_pool: str | None, conflicts: list[str]
) -> str | None:
    role = repository.find_role(view, demo.ROLE)
    if role is None:
        return None
    trusted = identity_pool is not None and _same_json(
        role.trust_policy, demo.trust_policy(identity_pool)
    )
    policies = role.inline_policies
    wanted = demo.permission_policy(region, role.arn.split(":")[4])
    allowed = demo.POLICY_NAME in policies and _same_json(policies[demo.POLICY_NAME], wanted)
    if not (trusted and allowed):
        conflicts.append(
            f"role {demo.ROLE} exists with other policies than the demo's: delete it "
            f"(aws iam delete-role-policy / delete-role --role-name {demo.ROLE}), {OWN_DIRECTORY}"
        )
    return role.arn


def _table(view: ReadView, region: str, conflicts: list[str]) -> bool:
    table = find_table(view, table_key(region, demo.TABLE))
    if table is None:
        return False
    wanted = demo.create_table_request()
    schema = [(e["AttributeName"], e["KeyType"]) for e in wanted["KeySchema"]]
    types = {d["AttributeName"]: d["AttributeType"] for d in wanted["AttributeDefinitions"]}
    found = [(table.key_schema.hash_key, "HASH")]
    if table.key_schema.range_key is not None:
        found.append((table.key_schema.range_key, "RANGE"))
    found_types = {name: table.attribute_types.get(name) for name in types}
    if found != schema or found_types != types:
        conflicts.append(
            f"table {demo.TABLE} exists with another key schema than the demo's "
            f"(UserId, GameTitle): delete it (aws dynamodb delete-table --table-name "
            f"{demo.TABLE}), {OWN_DIRECTORY}"
        )
    return True


def _linked(
    view: ReadView, region: str, identity_pool: str | None, subs: dict[str, str]
) -> dict[str, str]:
    if identity_pool is None:
        return {}
    provider = f"cognito-idp.{region}.amazonaws.com/{demo.user_pool_id(region)}"
    linked: dict[str, str] = {}
    for name, sub in subs.items():
        link = view.get_document("cognito-login", login_name(identity_pool, provider, sub))
        if link is not None:
            linked[name] = str(link["identity_id"])
    return linked


def _same_json(left: Any, right: str) -> bool:
    try:
        parsed = json.loads(left) if isinstance(left, str) else left
    except json.JSONDecodeError:
        return False
    return bool(parsed == json.loads(right))
