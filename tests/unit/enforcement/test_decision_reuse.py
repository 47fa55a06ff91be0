"""A session's authorizer reuses a decision only while nothing it depends on has changed:
the request (action, resource, condition keys), the time, and how the request arrived."""

from __future__ import annotations

import pytest
from enforcement_support import TABLE, World, game_role_statement, get_item

from dynafed.dynamodb import fgac
from dynafed.enforcement.context import RequestFacts
from dynafed.errors import AccessDeniedException


@pytest.fixture
def world() -> World:
    return World()


def test_repeated_requests_are_each_decided_and_audited(world: World) -> None:
    alice = world.session(world.create_role("GameRole", game_role_statement()), "alice")
    for _ in range(3):
        world.authorize(alice, get_item("alice", "UserId", "TopScore"))
        with pytest.raises(AccessDeniedException):
            world.authorize(alice, get_item("bob", "UserId", "TopScore"))
    assert [event["decision"] for event in world.audit] == ["Allow", "Deny"] * 3


def test_the_time_is_not_frozen_into_a_decision(world: World) -> None:
    role = world.create_role(
        "UntilNewYear",
        {
            "Effect": "Allow",
            "Action": "dynamodb:DescribeTable",
            "Resource": "*",
            "Condition": {"DateLessThan": {"aws:CurrentTime": "2027-01-15T08:00:01Z"}},
        },
    )
    session = world.session(role)  # the same principal: its authorizer is reused
    describe = fgac.control_plane("DescribeTable", TABLE)[0]
    world.authorize(session, describe)  # 2027-01-15T08:00:00Z
    world.clock.advance(1)
    with pytest.raises(AccessDeniedException):
        world.authorize(session, describe)


def test_how_the_request_arrived_is_not_frozen_into_a_decision(world: World) -> None:
    role = world.create_role(
        "OfficeOnly",
        {
            "Effect": "Allow",
            "Action": "dynamodb:DescribeTable",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        },
    )
    session = world.session(role)
    describe = fgac.control_plane("DescribeTable", TABLE)[0]
    office = RequestFacts("us-west-2", source_ip="10.1.2.3")
    elsewhere = RequestFacts("us-west-2", source_ip="192.0.2.7")
    world.authorizers(session, office).authorize([describe])
    with pytest.raises(AccessDeniedException):
        world.authorizers(session, elsewhere).authorize([describe])
    world.authorizers(session, office).authorize([describe])
