"""Which regions the server serves, and the region of an id."""

from __future__ import annotations

import pytest

from dynafed.core.regions import Regions, is_region_name


@pytest.mark.parametrize(
    "name", ["us-east-1", "eu-central-2", "ap-southeast-5", "us-gov-west-1", "cn-north-1"]
)
def test_aws_region_names(name: str) -> None:
    assert is_region_name(name)


@pytest.mark.parametrize("name", ["", "us-east", "US-EAST-1", "local", "us_east_1", "x-1"])
def test_names_no_region_has(name: str) -> None:
    assert not is_region_name(name)


def test_every_region_by_default_and_only_the_listed_ones_when_restricted() -> None:
    assert Regions.of("us-east-1").serves("eu-west-3")
    restricted = Regions.of("us-east-1", ["us-east-1", "eu-west-1"])
    assert restricted.serves("eu-west-1")
    assert not restricted.serves("us-west-2")


def test_the_region_of_an_id_or_the_default() -> None:
    regions = Regions.of("us-east-1")
    assert regions.of_id("us-west-2:4f0c2b7e-0000-4000-8000-000000000000") == "us-west-2"
    assert regions.of_id("garbage") == "us-east-1"
    assert regions.of_id(None) == "us-east-1"
    assert Regions.of("us-east-1", ["us-east-1"]).of_id("us-west-2:x") == "us-east-1"
