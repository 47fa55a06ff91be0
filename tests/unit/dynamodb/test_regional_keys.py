"""Tables stored under bare names (single-region versions) move to their regional keys."""

from __future__ import annotations

from dynafed.dynamodb import backfill, ttl
from dynafed.dynamodb.regional_keys import move_unregioned_tables
from dynafed.dynamodb.tables import DOCUMENT_KIND, KeySchema, Table, table_key
from dynafed.storage.memory import MemoryStorage
from dynafed.storage.port import WriteTxn


def _table(name: str, region: str) -> Table:
    return Table(
        name=name,
        table_id=f"id-{name}",
        arn=f"arn:aws:dynamodb:{region}:123456789012:table/{name}",
        created_at=0.0,
        attribute_types={"Id": "S"},
        key_schema=KeySchema("Id"),
    )


def test_bare_names_move_to_their_arns_region_with_their_jobs() -> None:
    storage = MemoryStorage()
    old = _table("Old", "eu-west-3")
    current = _table("Current", "us-west-2")

    def seed(txn: WriteTxn) -> None:
        txn.put_document(DOCUMENT_KIND, "Old", old.to_document())
        txn.put_document(ttl.BUILD_KIND, "Old", {"table_id": old.table_id, "after": None})
        txn.put_document(backfill.DOCUMENT_KIND, "Old", {"table_id": old.table_id})
        txn.put_document(DOCUMENT_KIND, current.key, current.to_document())

    storage.write(seed)
    assert move_unregioned_tables(storage) == 1
    assert move_unregioned_tables(storage) == 0  # idempotent
    with storage.read() as view:
        names = [name for name, _ in view.list_documents(DOCUMENT_KIND)]
        assert names == sorted(["eu-west-3/Old", "us-west-2/Current"])
        assert view.get_document(ttl.BUILD_KIND, "eu-west-3/Old") is not None
        assert view.get_document(backfill.DOCUMENT_KIND, "eu-west-3/Old") is not None
        assert view.get_document(ttl.BUILD_KIND, "Old") is None


def test_the_key_is_region_and_name() -> None:
    assert table_key("us-west-2", "GameScores") == "us-west-2/GameScores"
    assert _table("GameScores", "us-west-2").key == "us-west-2/GameScores"
    assert _table("GameScores", "us-west-2").region == "us-west-2"
