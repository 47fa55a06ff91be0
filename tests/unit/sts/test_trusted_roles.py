"""The roles STS assumes are kept for the IAM cache bound: a change made through another node
takes effect within it, one made through this node at once (docs/sts.md)."""

from __future__ import annotations

import json

from dynafed.auth.principal import Principal
from dynafed.core.clock import FixedClock
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.iam.api.service import IamService
from dynafed.policy import PrincipalType, RequestPrincipal
from dynafed.storage.memory import MemoryStorage
from dynafed.sts.trust import TrustedRole, TrustedRoles, TrustRefused, TrustRequest, check_trust

ACCOUNT = "123456789012"
ADMIN = Principal("AKIAADMIN", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/GameRole"
TTL = 5.0


def trust(provider: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": provider},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class TwoNodes:
    """One storage; IAM is changed through `here` (which tells the roles STS keeps) or
    through `elsewhere` (another node, which cannot)."""

    def __init__(self) -> None:
        self.clock = FixedClock(1_700_000_000.0)
        storage = MemoryStorage()
        self.roles = TrustedRoles(storage, self.clock, CompiledPolicies().get, TTL)
        self.here = IamService(storage, ACCOUNT, self.clock, on_change=self.roles.changed)
        self.elsewhere = IamService(storage, ACCOUNT, self.clock)

    def trusts(self, provider: str) -> bool:
        request = TrustRequest(
            principal=RequestPrincipal(provider, PrincipalType.FEDERATED),
            actions=("sts:AssumeRoleWithWebIdentity",),
            context={},
            denied_message="no",
        )
        trusted = self.roles.get(ROLE_ARN)
        try:
            check_trust(trusted, request)
        except TrustRefused:
            return False
        return True

    def role(self) -> TrustedRole | None:
        return self.roles.get(ROLE_ARN)


def create_role(iam: IamService, provider: str) -> None:
    params = {"RoleName": "GameRole", "AssumeRolePolicyDocument": trust(provider)}
    iam.handle("CreateRole", params, ADMIN)


def update_trust(iam: IamService, provider: str) -> None:
    params = {"RoleName": "GameRole", "PolicyDocument": trust(provider)}
    iam.handle("UpdateAssumeRolePolicy", params, ADMIN)


def test_a_change_through_this_node_takes_effect_at_once() -> None:
    nodes = TwoNodes()
    assert nodes.role() is None
    create_role(nodes.here, "accounts.google.com")
    assert nodes.trusts("accounts.google.com")
    update_trust(nodes.here, "www.amazon.com")
    assert not nodes.trusts("accounts.google.com")
    assert nodes.trusts("www.amazon.com")
    nodes.here.handle("DeleteRole", {"RoleName": "GameRole"}, ADMIN)
    assert nodes.role() is None


def test_a_change_through_another_node_takes_effect_within_the_bound() -> None:
    nodes = TwoNodes()
    create_role(nodes.elsewhere, "accounts.google.com")
    assert nodes.trusts("accounts.google.com")
    update_trust(nodes.elsewhere, "www.amazon.com")
    nodes.clock.advance(TTL - 0.1)
    assert nodes.trusts("accounts.google.com")  # still the role this node read
    nodes.clock.advance(0.1)
    assert not nodes.trusts("accounts.google.com")
    assert nodes.trusts("www.amazon.com")


def test_a_role_asked_for_before_it_existed_is_found_within_the_bound() -> None:
    nodes = TwoNodes()
    assert nodes.role() is None
    create_role(nodes.elsewhere, "accounts.google.com")
    nodes.clock.advance(TTL)
    role = nodes.role()
    assert role is not None and role.role.arn == ROLE_ARN


def test_the_role_is_read_once_while_kept() -> None:
    nodes = TwoNodes()
    create_role(nodes.here, "accounts.google.com")
    assert nodes.role() is nodes.role()
