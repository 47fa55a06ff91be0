"""Index entries (pure): which items an index holds, their storage keys and projections
(Developer Guide: "Projections", "Take advantage of sparse indexes")."""

from __future__ import annotations

import pytest

from dynafed.dynamodb import indexes
from dynafed.dynamodb.keys import encode_key_value
from dynafed.dynamodb.tables import Index, KeySchema, Projection, Table

TABLE = Table(
    name="Games",
    table_id="t-1",
    arn="arn:aws:dynamodb:us-east-1:123456789012:table/Games",
    created_at=0.0,
    attribute_types={"User": "S", "Title": "S", "Score": "N", "Region": "S"},
    key_schema=KeySchema("User", "Title"),
    local_indexes=(Index("ByScore", KeySchema("User", "Score"), Projection("KEYS_ONLY")),),
    global_indexes=(
        Index("ByRegion", KeySchema("Region", "Score"), Projection("INCLUDE", ("Wins",))),
        Index("ByTitle", KeySchema("Title"), Projection("ALL")),
    ),
)
BY_SCORE, BY_REGION, BY_TITLE = (*TABLE.local_indexes, *TABLE.global_indexes)

ITEM = {
    "User": {"S": "u1"},
    "Title": {"S": "Meteor"},
    "Score": {"N": "42"},
    "Region": {"S": "eu"},
    "Wins": {"N": "3"},
    "Losses": {"N": "1"},
}


def test_keys_only_include_and_all_projections() -> None:
    assert indexes.project(TABLE, BY_SCORE, ITEM) == {
        name: ITEM[name] for name in ("User", "Title", "Score")
    }
    assert indexes.project(TABLE, BY_REGION, ITEM) == {
        name: ITEM[name] for name in ("User", "Title", "Score", "Region", "Wins")
    }
    assert indexes.project(TABLE, BY_TITLE, ITEM) == ITEM


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({key: value for key, value in ITEM.items() if key != "Region"}, None),
        ({**ITEM, "Region": {"N": "7"}}, None),  # wrong type: left out, as a backfill does
        ({**ITEM, "Score": {"S": "high"}}, None),
    ],
)
def test_items_without_valid_index_keys_have_no_entry(
    item: dict[str, dict[str, str]], expected: None
) -> None:
    assert indexes.entry_for(TABLE, BY_REGION, item) is expected


def test_entry_key_is_index_key_then_table_key() -> None:
    entry = indexes.entry_for(TABLE, BY_REGION, ITEM)
    assert entry is not None
    assert entry.pk == encode_key_value({"S": "eu"})
    lower = indexes.entry_for(
        TABLE, BY_REGION, {**ITEM, "Score": {"N": "41.9"}, "User": {"S": "z"}}
    )
    same_score = indexes.entry_for(TABLE, BY_REGION, {**ITEM, "User": {"S": "u2"}})
    assert lower is not None and same_score is not None
    # Ordered by the index sort key first; the table key only breaks ties.
    assert lower.sk < entry.sk < same_score.sk
    assert entry.size == sum(
        len(name) + size
        for name, size in (("User", 2), ("Title", 6), ("Score", 2), ("Region", 2), ("Wins", 2))
    )


def test_hash_only_index_entries_stay_unique_per_item() -> None:
    first = indexes.entry_for(TABLE, BY_TITLE, ITEM)
    second = indexes.entry_for(TABLE, BY_TITLE, {**ITEM, "User": {"S": "u2"}})
    assert first is not None and second is not None
    assert first.pk == second.pk and first.sk != second.sk


def test_positions_and_key_names() -> None:
    assert indexes.key_names(TABLE, None) == ("User", "Title")
    assert indexes.key_names(TABLE, BY_REGION) == ("User", "Title", "Region", "Score")
    assert indexes.key_names(TABLE, BY_SCORE) == ("User", "Title", "Score")
    entry = indexes.entry_for(TABLE, BY_SCORE, ITEM)
    assert entry is not None
    assert indexes.position(TABLE, BY_SCORE, ITEM) == entry.position
    assert indexes.storage_id(TABLE, BY_SCORE) == "t-1/index/ByScore"
    assert indexes.is_global(TABLE, BY_REGION) and not indexes.is_global(TABLE, BY_SCORE)
