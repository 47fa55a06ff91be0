"""Every request of a role session is decided by the role's policies ∩ boundary ∩ session
policies, with AWS's AccessDeniedException wording (iam-fgac.md §2.2, §5.6, §6.1; DynamoDB
FGAC page "Using IAM policy conditions for fine-grained access control")."""

from __future__ import annotations

from typing import Any

import pytest
from enforcement_support import (
    ADMIN,
    TABLE,
    World,
    denied_message,
    document,
    game_role_statement,
    get_item,
    put_item,
)

from dynafed.core.authorization import AuthorizationRequest, Authorizer
from dynafed.dynamodb import fgac
from dynafed.dynamodb.operations.scan import authorization as scan_authorization
from dynafed.errors import AccessDeniedException


def scan() -> AuthorizationRequest:
    return scan_authorization({"TableName": "GameScores"}, TABLE, select="ALL_ATTRIBUTES")


def denial(authorizer: Authorizer, *requests: AuthorizationRequest) -> str:
    with pytest.raises(AccessDeniedException) as raised:
        authorizer.authorize(list(requests))
    return raised.value.message


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def game_role(world: World) -> str:
    return world.create_role("GameRole", game_role_statement())


def test_a_user_reads_their_own_item_with_listed_attributes(world: World, game_role: str) -> None:
    alice = world.session(game_role, "alice")
    world.authorize(alice, get_item("alice", "UserId", "TopScore"))
    world.authorize(alice, put_item("alice", Wins="3", TopScore="5842"))


def test_another_users_partition_is_denied_with_awss_message(world: World, game_role: str) -> None:
    alice = world.session(game_role, "alice")
    message = denial(world.authorizers(alice), get_item("bob", "UserId", "TopScore"))
    assert message == denied_message(
        alice,
        "dynamodb:GetItem",
        TABLE,
        "because no identity-based policy allows the dynamodb:GetItem action",
    )
    assert alice.arn == "arn:aws:sts::123456789012:assumed-role/GameRole/alice"


@pytest.mark.parametrize(
    "request_",
    [
        get_item("alice"),  # no projection: Select is ALL_ATTRIBUTES
        get_item("alice", "UserId", "Email"),  # an unlisted attribute
        put_item("alice", Secret="1"),
        scan(),
        fgac.control_plane("DescribeTable", TABLE)[0],
        fgac.control_plane("DeleteTable", TABLE)[0],
    ],
    ids=["select-all", "unlisted-read", "unlisted-write", "scan", "describe", "delete-table"],
)
def test_what_the_game_role_does_not_allow(
    world: World, game_role: str, request_: AuthorizationRequest
) -> None:
    alice = world.session(game_role, "alice")
    assert "because no identity-based policy allows" in denial(world.authorizers(alice), request_)


def test_one_denied_request_of_a_batch_denies_it_and_names_that_one(
    world: World, game_role: str
) -> None:
    alice = world.session(game_role, "alice")
    other_table = TABLE.replace("GameScores", "Other")
    allowed = put_item("alice", Wins="1")
    refused = AuthorizationRequest("dynamodb:PutItem", other_table, allowed.condition_keys)
    assert f"on resource: {other_table} " in denial(world.authorizers(alice), allowed, refused)


def test_admin_credentials_are_allowed_everything(world: World) -> None:
    world.authorize(
        ADMIN,
        scan_authorization({"TableName": "GameScores"}, TABLE, select="ALL_ATTRIBUTES"),
        get_item("x"),
    )


def test_session_policies_narrow_and_cannot_widen(world: World, game_role: str) -> None:
    only_reads = document({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE})
    narrowed = world.session(game_role, "alice", policy=only_reads)
    world.authorize(narrowed, get_item("alice", "UserId"))
    assert denial(world.authorizers(narrowed), put_item("alice", Wins="1")).endswith(
        "because no session policy allows the dynamodb:PutItem action"
    )
    everything = document({"Effect": "Allow", "Action": "*", "Resource": "*"})
    widened = world.session(game_role, "alice", policy=everything)
    for request in (
        get_item("bob", "UserId"),
        scan_authorization({}, TABLE, select="ALL_ATTRIBUTES"),
        get_item("alice"),
    ):
        assert "because no identity-based policy allows" in denial(
            world.authorizers(widened), request
        )


def test_managed_session_policies_are_read_from_iam(world: World, game_role: str) -> None:
    reads = world.create_policy(
        "Reads", {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
    )
    alice = world.session(game_role, "alice", policy_arns=(reads,))
    world.authorize(alice, get_item("alice", "UserId"))
    assert "no session policy allows" in denial(world.authorizers(alice), put_item("alice"))
    world.iam_call("DeletePolicy", PolicyArn=reads)
    world.roles.forget()
    # Its only session policy is gone: the session is allowed nothing (fail closed).
    assert "no session policy allows" in denial(
        world.authorizers(alice), get_item("alice", "UserId")
    )


def test_a_permissions_boundary_limits_the_role(world: World, game_role: str) -> None:
    boundary = world.create_policy(
        "ReadOnly", {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
    )
    world.iam_call("PutRolePermissionsBoundary", RoleName="GameRole", PermissionsBoundary=boundary)
    alice = world.session(game_role, "alice")
    world.authorize(alice, get_item("alice", "UserId"))
    assert denial(world.authorizers(alice), put_item("alice")).endswith(
        "because no permissions boundary allows the dynamodb:PutItem action"
    )


def test_an_explicit_deny_is_reported_as_such(world: World) -> None:
    role = world.create_role(
        "Denying",
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": "*"},
    )
    alice = world.session(role, "alice")
    message = denial(world.authorizers(alice), fgac.control_plane("DeleteTable", TABLE)[0])
    assert message.endswith("with an explicit deny in an identity-based policy")


def test_a_deleted_role_denies_everything_once_the_cache_expires(
    world: World, game_role: str
) -> None:
    alice = world.session(game_role, "alice")
    world.authorize(alice, get_item("alice", "UserId"))
    world.iam_call("DeleteRolePolicy", RoleName="GameRole", PolicyName="p0")
    world.iam_call("DeleteRole", RoleName="GameRole")
    world.authorize(alice, get_item("alice", "UserId"))  # within the documented TTL
    world.clock.advance(5)
    assert "because no identity-based policy allows" in denial(
        world.authorizers(alice), get_item("alice", "UserId")
    )


def test_a_recreated_role_gives_old_sessions_nothing_and_new_ones_its_policies(
    world: World, game_role: str
) -> None:
    """Sessions belong to a role by its unique id: a role of the same name created later is
    another role. Its own sessions work at once, without waiting for the cache's TTL."""
    old = world.session(game_role, "alice")
    world.authorize(old, get_item("alice", "UserId"))
    world.iam_call("DeleteRolePolicy", RoleName="GameRole", PolicyName="p0")
    world.iam_call("DeleteRole", RoleName="GameRole")
    recreated = world.create_role("GameRole", game_role_statement())
    new = world.session(recreated, "alice")
    world.authorize(new, get_item("alice", "UserId"))
    assert "because no identity-based policy allows" in denial(
        world.authorizers(old), get_item("alice", "UserId")
    )


def test_sessions_of_a_replaced_role_do_not_read_storage_on_every_request(
    world: World, game_role: str
) -> None:
    old = world.session(game_role, "alice")
    world.iam_call("DeleteRolePolicy", RoleName="GameRole", PolicyName="p0")
    world.iam_call("DeleteRole", RoleName="GameRole")
    world.create_role("GameRole", game_role_statement())
    reads = 0
    real_read = world.storage.read

    def counting_read(*args: Any, **kwargs: Any) -> Any:
        nonlocal reads
        reads += 1
        return real_read(*args, **kwargs)

    world.storage.read = counting_read  # type: ignore[method-assign]
    for _ in range(20):
        denial(world.authorizers(old), get_item("alice", "UserId"))
    assert reads <= 1


def test_a_new_policy_takes_effect_within_the_ttl(world: World, game_role: str) -> None:
    alice = world.session(game_role, "alice")
    describe = fgac.control_plane("DescribeTable", TABLE)[0]
    denial(world.authorizers(alice), describe)
    world.iam_call(
        "PutRolePolicy",
        RoleName="GameRole",
        PolicyName="describe",
        PolicyDocument=document(
            {"Effect": "Allow", "Action": "dynamodb:DescribeTable", "Resource": TABLE}
        ),
    )
    world.clock.advance(4.9)
    denial(world.authorizers(alice), describe)
    world.clock.advance(0.1)
    world.authorize(alice, describe)


def test_principal_tags_and_global_keys_reach_conditions(world: World) -> None:
    role = world.create_role(
        "Tagged",
        {
            "Effect": "Allow",
            "Action": "dynamodb:DescribeTable",
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "aws:PrincipalTag/team": "blue",
                    "aws:PrincipalArn": "arn:aws:iam::123456789012:role/Tagged",
                    "aws:PrincipalType": "AssumedRole",
                    "aws:RequestedRegion": "us-west-2",
                },
                "StringLike": {"aws:userid": "AROA*:alice"},
                "DateLessThan": {"aws:CurrentTime": "2028-01-01T00:00:00Z"},
            },
        },
    )
    world.iam_call(
        "TagRole", RoleName="Tagged", **{"Tags.member.1.Key": "Team", "Tags.member.1.Value": "red"}
    )
    describe = fgac.control_plane("DescribeTable", TABLE)[0]
    # The role's tag says red; the session's tag (different case) overrides it.
    assert "no identity-based" in denial(world.authorizers(world.session(role)), describe)
    world.authorize(world.session(role, tags={"team": "blue"}), describe)
    world.clock.advance(365 * 86_400)  # 2028-01-15: past the DateLessThan
    assert "no identity-based" in denial(
        world.authorizers(world.session(role, tags={"team": "blue"})), describe
    )


def test_decisions_are_audited_with_their_reason(world: World, game_role: str) -> None:
    alice = world.session(game_role, "alice")
    world.authorize(alice, get_item("alice", "UserId"))
    denial(world.authorizers(alice), get_item("bob", "UserId"))
    allowed, refused = world.audit
    assert allowed["decision"] == "Allow" and allowed["principal"] == alice.arn
    assert allowed["statement"]["sid"] == "AllowAccessToOnlyItemsMatchingUserID"
    assert refused["decision"] == "Deny" and refused["action"] == "dynamodb:GetItem"
    assert refused["resource"] == TABLE
    assert refused["failed_conditions"] == [
        {
            "policy_type": "identity-based policy",
            "policy": "p0",
            "sid": "AllowAccessToOnlyItemsMatchingUserID",
            "index": 0,
            "operator": "ForAllValues:StringEquals",
            "key": "dynamodb:LeadingKeys",
        }
    ]


def test_admin_decisions_are_audited_when_the_log_is_on(world: World) -> None:
    world.authorize(ADMIN, fgac.control_plane("ListTables", "*")[0])
    assert world.audit == [
        {
            "event": "authorization",
            "principal": ADMIN.arn,
            "action": "dynamodb:ListTables",
            "resource": "*",
            "decision": "Allow",
            "reason": "admin credentials",
        }
    ]
