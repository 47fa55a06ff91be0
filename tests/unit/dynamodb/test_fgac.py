"""Fine-grained authorization context of each request (iam-fgac.md §5, restating AWS's
"Actions, resources, and condition keys for Amazon DynamoDB" and the FGAC guide page
"Using IAM policy conditions for fine-grained access control")."""

from __future__ import annotations

from dynafed.dynamodb import fgac

TABLE = "arn:aws:dynamodb:us-west-2:123456789012:table/GameScores"
KEY = {"UserId": {"S": "U"}, "GameTitle": {"S": "Meteor Blasters"}}


def test_get_item_without_projection_selects_all_attributes() -> None:
    request = fgac.get_item({"TableName": "GameScores", "Key": KEY}, "UserId", TABLE)
    assert request.action == "dynamodb:GetItem"
    assert request.resource == TABLE
    assert request.condition_keys == {
        "dynamodb:LeadingKeys": ["U"],
        "dynamodb:Attributes": ["GameTitle", "UserId"],
        "dynamodb:Select": ["ALL_ATTRIBUTES"],
    }


def test_get_item_projection_names_only_top_level_attributes() -> None:
    request = fgac.get_item(
        {
            "Key": KEY,
            "ProjectionExpression": "#w, Address.City, Inventory[3].Price, #a.#b",
            "ExpressionAttributeNames": {"#w": "Wins", "#a": "Stats", "#b": "Best"},
            "ReturnConsumedCapacity": "TOTAL",
        },
        "UserId",
        TABLE,
    )
    assert request.condition_keys == {
        "dynamodb:LeadingKeys": ["U"],
        "dynamodb:Attributes": ["Address", "GameTitle", "Inventory", "Stats", "UserId", "Wins"],
        "dynamodb:Select": ["SPECIFIC_ATTRIBUTES"],
        "dynamodb:ReturnConsumedCapacity": ["TOTAL"],
    }


def test_get_item_attributes_to_get_is_a_projection() -> None:
    request = fgac.get_item({"Key": KEY, "AttributesToGet": ["TopScore"]}, "UserId", TABLE)
    assert request.condition_keys["dynamodb:Select"] == ["SPECIFIC_ATTRIBUTES"]
    assert request.condition_keys["dynamodb:Attributes"] == ["GameTitle", "TopScore", "UserId"]


def test_put_item_names_every_item_attribute_and_condition_attribute() -> None:
    request = fgac.put_item(
        {
            "Item": {**KEY, "TopScore": {"N": "5"}},
            "ConditionExpression": "attribute_not_exists(#u) OR Wins < :w",
            "ExpressionAttributeNames": {"#u": "UserId"},
            "ExpressionAttributeValues": {":w": {"N": "3"}},
        },
        "UserId",
        TABLE,
    )
    assert request.action == "dynamodb:PutItem"
    assert request.condition_keys == {
        "dynamodb:LeadingKeys": ["U"],
        "dynamodb:Attributes": ["GameTitle", "TopScore", "UserId", "Wins"],
        "dynamodb:ReturnValues": ["NONE"],
    }


def test_update_item_names_targets_and_operands() -> None:
    request = fgac.update_item(
        {
            "Key": KEY,
            "UpdateExpression": (
                "SET a = b + :one, c = if_not_exists(d, :zero), e = list_append(f, :l) "
                "REMOVE g[1] ADD h :one DELETE #i :s"
            ),
            "ConditionExpression": "size(j) > :zero AND NOT contains(k, :one)",
            "ExpressionAttributeNames": {"#i": "Tags"},
            "ExpressionAttributeValues": {
                ":one": {"N": "1"},
                ":zero": {"N": "0"},
                ":l": {"L": []},
                ":s": {"SS": ["x"]},
            },
            "ReturnValues": "ALL_NEW",
        },
        "UserId",
        TABLE,
    )
    assert request.condition_keys == {
        "dynamodb:LeadingKeys": ["U"],
        "dynamodb:Attributes": [
            "GameTitle",
            "Tags",
            "UserId",
            "a",
            "b",
            "c",
            "d",
            "e",
            "f",
            "g",
            "h",
            "j",
            "k",
        ],
        "dynamodb:ReturnValues": ["ALL_NEW"],
    }


def test_legacy_parameters_name_their_attributes() -> None:
    update = fgac.update_item(
        {
            "Key": KEY,
            "AttributeUpdates": {"Wins": {"Action": "ADD", "Value": {"N": "1"}}},
            "Expected": {"Losses": {"Exists": False}},
        },
        "UserId",
        TABLE,
    )
    assert update.condition_keys["dynamodb:Attributes"] == ["GameTitle", "Losses", "UserId", "Wins"]
    delete = fgac.delete_item(
        {"Key": KEY, "Expected": {"Wins": {"Value": {"N": "0"}}}}, "UserId", TABLE
    )
    assert delete.action == "dynamodb:DeleteItem"
    assert delete.condition_keys["dynamodb:Attributes"] == ["GameTitle", "UserId", "Wins"]
    assert delete.condition_keys["dynamodb:ReturnValues"] == ["NONE"]


def test_leading_keys_canonical_forms() -> None:
    number = fgac.get_item({"Key": {"Id": {"N": "0012.50"}}}, "Id", TABLE)
    assert number.condition_keys["dynamodb:LeadingKeys"] == ["12.5"]
    binary = fgac.get_item({"Key": {"Id": {"B": "AAEC"}}}, "Id", TABLE)
    assert binary.condition_keys["dynamodb:LeadingKeys"] == ["AAEC"]


def test_leading_keys_absent_when_table_unknown_or_key_missing() -> None:
    unknown_table = fgac.get_item({"Key": KEY}, None, TABLE)
    assert "dynamodb:LeadingKeys" not in unknown_table.condition_keys
    missing = fgac.put_item({"Item": {"GameTitle": {"S": "x"}}}, "UserId", TABLE)
    assert "dynamodb:LeadingKeys" not in missing.condition_keys


def test_enclosing_operation_for_transaction_elements() -> None:
    request = fgac.put_item(
        {"Item": KEY}, "UserId", TABLE, enclosing_operation="TransactWriteItems"
    )
    assert request.condition_keys["dynamodb:EnclosingOperation"] == ["TransactWriteItems"]


def test_control_plane_carries_no_condition_keys() -> None:
    (describe,) = fgac.control_plane("DescribeTable", TABLE)
    assert (describe.action, describe.resource, describe.condition_keys) == (
        "dynamodb:DescribeTable",
        TABLE,
        {},
    )
    (tag,) = fgac.control_plane("TagResource", "")
    assert tag.resource == "*"
