"""Requests prepared once per shape (`dynamodb.prepared_requests`): a request of a known shape
gets the same answer, the same error and the same authorization request as it would uncached."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.dynamodb.conftest import Dynamo

from dynafed.dynamodb.fgac import ATTRIBUTES, LEADING_KEYS, SELECT
from dynafed.dynamodb.prepared_requests import PreparedRequests, request_shape


def key(artist: str, title: str = "Call Me Today") -> dict[str, Any]:
    return {"Artist": {"S": artist}, "SongTitle": {"S": title}}


def get_request(artist: str, **extra: Any) -> dict[str, Any]:
    return {"TableName": "Music", "Key": key(artist), "ProjectionExpression": "Released", **extra}


# --- shapes ----------------------------------------------------------------------------------


def test_requests_differing_only_in_key_values_share_a_shape() -> None:
    assert request_shape(get_request("Acme"), "Key") == request_shape(get_request("Zed"), "Key")


@pytest.mark.parametrize(
    "other",
    [
        get_request("Acme", ProjectionExpression="Tags"),
        get_request("Acme", ConsistentRead=True),
        {**get_request("Acme"), "Key": {"Artist": {"N": "1"}, "SongTitle": {"S": "x"}}},
        {**get_request("Acme"), "Key": {"Artist": {"S": "Acme"}}},
        {**get_request("Acme"), "Key": {"SongTitle": {"S": "x"}, "Artist": {"S": "Acme"}}},
    ],
    ids=["projection", "consistent-read", "key-type", "key-names", "key-order"],
)
def test_anything_but_key_values_makes_another_shape(other: dict[str, Any]) -> None:
    assert request_shape(other, "Key") != request_shape(get_request("Acme"), "Key")


def test_json_values_that_validate_differently_are_other_shapes() -> None:
    shapes = {
        request_shape(get_request("Acme", ConsistentRead=value), "Key") for value in (True, 1, 1.0)
    }
    assert len(shapes) == 3


@pytest.mark.parametrize(
    "body",
    [
        {"TableName": "Music", "Key": {"Artist": {"B": "AAE="}}},
        {"TableName": "Music", "Key": {"Artist": {"S": 5}}},
        {"TableName": "Music", "Key": {"Artist": {"S": "a", "N": "1"}}},
        {"TableName": "Music", "Key": [{"Artist": {"S": "a"}}]},
        {"TableName": "Music"},
    ],
    ids=["binary", "not-a-string", "two-types", "not-a-map", "no-key"],
)
def test_unusual_keys_have_no_shape(body: dict[str, Any]) -> None:
    assert request_shape(body, "Key") is None


def test_only_requests_that_prepare_are_kept() -> None:
    prepared: list[dict[str, Any]] = []

    def prepare(body: dict[str, Any]) -> str:
        if body["Key"]["Artist"]["S"] == "bad":
            raise ValueError("invalid")
        prepared.append(body)
        return "ready"

    requests = PreparedRequests("Key", prepare)
    with pytest.raises(ValueError):
        requests.get(get_request("bad"))
    assert requests.get(get_request("Acme")) == "ready"
    assert requests.get(get_request("Zed")) == "ready"
    assert len(prepared) == 1


# --- GetItem through the cache -----------------------------------------------------------------


@pytest.fixture
def music(dynamo: Dynamo) -> Dynamo:
    dynamo.create_table("Music")
    for artist in ("Acme", "Zed"):
        item = {**key(artist), "Released": {"N": "2015"}, "Secret": {"S": artist}}
        dynamo("PutItem", {"TableName": "Music", "Item": item})
    return dynamo


def test_each_request_of_a_shape_reads_and_authorizes_its_own_key(music: Dynamo) -> None:
    first = music("GetItem", get_request("Acme"))
    second = music("GetItem", get_request("Zed"))
    assert first == {"Item": {"Released": {"N": "2015"}}}
    assert second == {"Item": {"Released": {"N": "2015"}}}
    gets = [r for r in music.authorizer.requests if r.action == "dynamodb:GetItem"]
    assert [r.condition_keys[LEADING_KEYS] for r in gets] == [["Acme"], ["Zed"]]
    for request in gets:
        assert request.condition_keys[ATTRIBUTES] == ["Artist", "Released", "SongTitle"]
        assert request.condition_keys[SELECT] == ["SPECIFIC_ATTRIBUTES"]


def test_a_known_shape_with_a_bad_number_gets_the_uncached_error(music: Dynamo) -> None:
    numeric = {"TableName": "Music", "Key": {"Artist": {"N": "1"}, "SongTitle": {"S": "x"}}}
    # Valid as a request (its shape is kept), refused against the table's schema.
    assert music.error("GetItem", numeric) == (
        "ValidationException",
        "The provided key element does not match the schema",
    )
    numeric["Key"]["Artist"]["N"] = "1e"
    code, message = music.error("GetItem", numeric)
    assert (code, message.split(":")[0]) == (
        "ValidationException",
        "The parameter cannot be converted to a numeric value",
    )


def test_a_known_shape_with_an_empty_key_gets_the_uncached_error(music: Dynamo) -> None:
    music("GetItem", get_request("Acme"))
    code, message = music.error("GetItem", get_request(""))
    assert code == "ValidationException"
    assert "empty string value" in message


# --- Query through the cache -------------------------------------------------------------------


def query_request(artist: str, low: str = "A", high: str = "Z") -> dict[str, Any]:
    return {
        "TableName": "Music",
        "KeyConditionExpression": "Artist = :a AND SongTitle BETWEEN :low AND :high",
        "ExpressionAttributeValues": {
            ":a": {"S": artist},
            ":low": {"S": low},
            ":high": {"S": high},
        },
        "ProjectionExpression": "Released",
    }


def test_each_query_of_a_shape_reads_and_authorizes_its_own_partition(music: Dynamo) -> None:
    assert music("Query", query_request("Acme"))["Count"] == 1
    assert music("Query", query_request("Zed"))["Count"] == 1
    assert music("Query", query_request("Nobody"))["Count"] == 0
    queries = [r for r in music.authorizer.requests if r.action == "dynamodb:Query"]
    assert [r.condition_keys[LEADING_KEYS] for r in queries] == [["Acme"], ["Zed"], ["Nobody"]]


def test_a_known_query_shape_checks_what_its_values_make_of_it(music: Dynamo) -> None:
    music("Query", query_request("Acme"))
    code, message = music.error("Query", query_request("Acme", low="Z", high="A"))
    assert code == "ValidationException"
    assert "BETWEEN" in message
    numeric = query_request("Acme")
    numeric["ExpressionAttributeValues"][":a"] = {"N": "1"}
    music.error("Query", numeric)  # prepares the numeric shape (a type the key refuses)
    numeric["ExpressionAttributeValues"][":a"] = {"N": "1e"}
    code, message = music.error("Query", numeric)
    assert code == "ValidationException"
    assert message.startswith("ExpressionAttributeValues contains invalid value")
    assert "cannot be converted to a numeric value" in message
