"""The growth run's data: the thousand items the small GetItem reads, and the million-item
table that holds them and grows from them."""

from __future__ import annotations

from loadbench.growth import SMALL_DATASET, large_dataset


def test_the_small_table_holds_exactly_a_thousand_items() -> None:
    assert SMALL_DATASET.item_count() == 1000


def test_the_large_table_holds_at_least_the_asked_items_and_starts_with_the_small_ones() -> None:
    large = large_dataset(1_000_000)

    assert 1_000_000 <= large.item_count() < 1_000_000 + 4
    small_keys = list(SMALL_DATASET.all_keys())
    assert list(large.all_keys())[: len(small_keys)] == small_keys
