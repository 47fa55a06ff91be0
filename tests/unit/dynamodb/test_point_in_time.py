"""The recovery log of point-in-time recovery: the state at any moment of the window, and
folding what falls out of the window into the base without changing any restorable state."""

from __future__ import annotations

from dynafed.core.clock import FixedClock
from dynafed.dynamodb import point_in_time
from dynafed.dynamodb.tables import KeySchema, Table
from dynafed.storage.memory import MemoryStorage
from dynafed.storage.port import WriteTxn

DAY = point_in_time.SECONDS_PER_DAY
TABLE = Table(
    name="T",
    table_id="t-1",
    arn="arn:aws:dynamodb:us-east-1:123456789012:table/T",
    created_at=0.0,
    attribute_types={"pk": "S"},
    key_schema=KeySchema("pk"),
)


def item(value: str) -> dict[str, dict[str, str]]:
    return {"v": {"S": value}}


def state(storage: MemoryStorage, table: Table, at: float) -> dict[bytes, str]:
    with storage.read() as view:
        return {pk: found["v"]["S"] for pk, _, found in point_in_time.state_at(view, table, at)}


def test_state_at_each_moment_and_after_folding() -> None:
    storage = MemoryStorage()
    storage.write(lambda txn: txn.put_item("t-1", b"a", b"", item("a0"), 1))

    def enable(txn: WriteTxn) -> Table:
        return point_in_time.switched_on(txn, TABLE, 100.0, 1)

    table = storage.write(enable)

    def write(pk: bytes, value: str | None, at: float) -> None:
        storage.write(
            lambda txn: point_in_time.record(
                txn, table, pk, b"", None if value is None else item(value), at
            )
        )

    write(b"a", "a1", 200.0)
    write(b"b", "b1", 300.0)
    write(b"a", None, 2 * DAY)
    write(b"b", "b2", 2 * DAY + 5)
    assert state(storage, table, 100.0) == {b"a": "a0"}
    assert state(storage, table, 250.0) == {b"a": "a1"}
    assert state(storage, table, 300.0) == {b"a": "a1", b"b": "b1"}
    assert state(storage, table, 2 * DAY) == {b"b": "b1"}
    assert state(storage, table, 3 * DAY) == {b"b": "b2"}

    storage.write(lambda txn: txn.put_document("table", table.key, table.to_document()))
    clock = FixedClock(DAY + 1000.0)  # the window now starts at 1000: 200 and 300 fold
    point_in_time.fold(storage, clock)
    assert point_in_time.earliest(table, clock.now()) == 1000.0
    assert state(storage, table, 1000.0) == {b"a": "a1", b"b": "b1"}
    assert state(storage, table, 2 * DAY) == {b"b": "b1"}
    assert state(storage, table, 3 * DAY) == {b"b": "b2"}
    with storage.read() as view:
        logged = list(view.scan(point_in_time.log_id(table)))
    assert len(logged) == 2  # only the writes inside the window remain logged
