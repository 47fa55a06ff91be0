"""The storage contract: what every backend must do (see `dynafed.storage.port`).

Runs once per backend listed in conftest.py. Keys are raw bytes here; ordering must be
unsigned byte order, as DynamoDB's order is reduced to it by `dynafed.dynamodb.keys`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from dynafed.storage.port import (
    WHOLE_PARTITION,
    Counter,
    CounterDueError,
    DocumentChangedError,
    KeyRange,
    Storage,
    StorageClosedError,
    StoredItem,
    TableStats,
    WriteTxn,
    counter_usable,
    number_key,
)

T1 = "table-1"
T2 = "table-2"


def item(**attrs: str) -> dict[str, Any]:
    return {name: {"S": value} for name, value in attrs.items()}


def put(storage: Storage, table: str, pk: bytes, sk: bytes, it: dict[str, Any], size: int) -> None:
    storage.write(lambda txn: txn.put_item(table, pk, sk, it, size))


def put_many(storage: Storage, table: str, pks: list[bytes], it: dict[str, Any], size: int) -> None:
    def fn(txn: WriteTxn) -> None:
        for pk in pks:
            txn.put_item(table, pk, b"", it, size)

    storage.write(fn)


def get(storage: Storage, table: str, pk: bytes, sk: bytes = b"") -> dict[str, Any] | None:
    with storage.read() as view:
        return view.get_item(table, pk, sk)


def sort_keys(rows: list[StoredItem]) -> list[bytes]:
    return [row.sk for row in rows]


class Boom(Exception):
    pass


# --- items ---------------------------------------------------------------------------------


def test_missing_item_is_none(storage: Storage) -> None:
    assert get(storage, T1, b"nope") is None


def test_put_then_get_returns_the_item(storage: Storage) -> None:
    stored = {
        "id": {"S": "héllo ✓ \U0001f600"},
        "n": {"N": "-12.5"},
        "m": {"M": {"l": {"L": [{"BOOL": True}, {"NULL": True}, {"B": "AAE="}]}}},
        "ss": {"SS": ["a", "b"]},
    }
    put(storage, T1, b"p", b"s", stored, 42)
    assert get(storage, T1, b"p", b"s") == stored


def test_put_replaces_the_whole_item(storage: Storage) -> None:
    put(storage, T1, b"p", b"", item(a="1", b="2"), 10)
    put(storage, T1, b"p", b"", item(c="3"), 5)
    assert get(storage, T1, b"p") == item(c="3")


def test_returned_items_are_copies(storage: Storage) -> None:
    put(storage, T1, b"p", b"", item(a="1"), 10)
    first = get(storage, T1, b"p")
    assert first is not None
    first["a"] = {"S": "changed"}
    assert get(storage, T1, b"p") == item(a="1")


def test_delete_removes_only_that_item(storage: Storage) -> None:
    put(storage, T1, b"p", b"1", item(a="1"), 10)
    put(storage, T1, b"p", b"2", item(a="2"), 10)
    storage.write(lambda txn: txn.delete_item(T1, b"p", b"1"))
    assert get(storage, T1, b"p", b"1") is None
    assert get(storage, T1, b"p", b"2") == item(a="2")


def test_deleting_a_missing_item_is_a_no_op(storage: Storage) -> None:
    storage.write(lambda txn: txn.delete_item(T1, b"nope", b""))
    with storage.read() as view:
        assert view.table_stats(T1) == TableStats(0, 0)


def test_tables_and_keys_are_separate(storage: Storage) -> None:
    put(storage, T1, b"k", b"", item(t="1"), 1)
    put(storage, T2, b"k", b"", item(t="2"), 1)
    put(storage, T1, b"k\x00", b"", item(t="3"), 1)
    put(storage, T1, b"k", b"\x00", item(t="4"), 1)
    assert get(storage, T1, b"k") == item(t="1")
    assert get(storage, T2, b"k") == item(t="2")
    assert get(storage, T1, b"k\x00") == item(t="3")
    assert get(storage, T1, b"k", b"\x00") == item(t="4")


def test_nul_characters_round_trip(storage: Storage) -> None:
    stored = {"s": {"S": "a\u0000b"}, "m": {"M": {"k\u0000": {"S": "\u0000"}}}}
    put(storage, T1, b"\x00", b"\x00", stored, 8)
    storage.write(lambda txn: txn.put_document("d", "n", {"v": "\u0000"}))
    assert get(storage, T1, b"\x00", b"\x00") == stored
    with storage.read() as view:
        assert view.get_document("d", "n") == {"v": "\u0000"}


def test_large_item_round_trips(storage: Storage) -> None:
    big = item(blob="x" * 400_000)
    put(storage, T1, b"p", b"", big, 400_004)
    assert get(storage, T1, b"p") == big


# --- query ---------------------------------------------------------------------------------

# Sort keys chosen to catch signed comparisons and prefix mistakes.
SORT_KEYS = [
    b"",
    b"\x00",
    b"\x00\x00",
    b"\x01",
    b"a",
    b"a\x00",
    b"ab",
    b"b",
    b"\x7f",
    b"\x80",
    b"\xff",
]


def fill_partition(storage: Storage) -> None:
    def fill(txn: WriteTxn) -> None:
        for sk in SORT_KEYS:
            txn.put_item(T1, b"p", sk, item(sk=sk.hex()), 10)
        # Neighbouring partitions and tables must never leak into a query of b"p".
        for pk in (b"", b"o", b"p\x00", b"pp", b"q"):
            txn.put_item(T1, pk, b"a", item(pk=pk.hex()), 10)
        txn.put_item(T2, b"p", b"a", item(other="table"), 10)

    storage.write(fill)


def query(storage: Storage, key_range: KeyRange = WHOLE_PARTITION, **kw: Any) -> list[StoredItem]:
    with storage.read() as view:
        return list(view.query(T1, b"p", key_range, **kw))


def test_query_returns_the_partition_in_unsigned_byte_order(storage: Storage) -> None:
    fill_partition(storage)
    rows = query(storage)
    assert sort_keys(rows) == sorted(SORT_KEYS)
    assert all(row.pk == b"p" for row in rows)
    assert [row.item for row in rows] == [item(sk=sk.hex()) for sk in sorted(SORT_KEYS)]


def test_query_backward_reverses_the_order(storage: Storage) -> None:
    fill_partition(storage)
    assert sort_keys(query(storage, forward=False)) == sorted(SORT_KEYS, reverse=True)


def test_query_of_an_empty_partition_is_empty(storage: Storage) -> None:
    fill_partition(storage)
    with storage.read() as view:
        assert list(view.query(T1, b"none")) == []
        assert list(view.query("no-such-table", b"p")) == []


BOUNDS = [None, b"\x00", b"a", b"a\x00", b"\x80", b"zz"]


@pytest.mark.parametrize("forward", [True, False])
def test_query_respects_inclusive_and_exclusive_bounds(storage: Storage, forward: bool) -> None:
    fill_partition(storage)
    for low, high, low_inclusive, high_inclusive in itertools.product(
        BOUNDS, BOUNDS, [True, False], [True, False]
    ):
        key_range = KeyRange(low, low_inclusive, high, high_inclusive)

        def inside(sk: bytes, r: KeyRange = key_range) -> bool:
            above = r.low is None or (sk >= r.low if r.low_inclusive else sk > r.low)
            below = r.high is None or (sk <= r.high if r.high_inclusive else sk < r.high)
            return above and below

        expected = sorted((sk for sk in SORT_KEYS if inside(sk)), reverse=not forward)
        assert sort_keys(query(storage, key_range, forward=forward)) == expected, key_range


@pytest.mark.parametrize("forward", [True, False])
def test_query_pages_with_exclusive_start_sort_key(storage: Storage, forward: bool) -> None:
    fill_partition(storage)
    key_range = KeyRange(low=b"\x00", low_inclusive=False, high=b"\xff", high_inclusive=False)
    pages: list[bytes] = []
    start: bytes | None = None
    while True:
        with storage.read() as view:
            rows = view.query(T1, b"p", key_range, forward=forward, exclusive_start_sk=start)
            page = [row.sk for _, row in zip(range(3), rows, strict=False)]
        if not page:
            break
        pages.extend(page)
        start = page[-1]
    expected = sorted((sk for sk in SORT_KEYS if b"\x00" < sk < b"\xff"), reverse=not forward)
    assert pages == expected


def test_query_exclusive_start_need_not_be_an_existing_key(storage: Storage) -> None:
    fill_partition(storage)
    assert sort_keys(query(storage, exclusive_start_sk=b"a\x00\x00")) == [
        b"ab",
        b"b",
        b"\x7f",
        b"\x80",
        b"\xff",
    ]
    assert sort_keys(query(storage, forward=False, exclusive_start_sk=b"\x00\x01")) == [
        b"\x00\x00",
        b"\x00",
        b"",
    ]


def test_abandoning_a_query_half_way_is_harmless(storage: Storage) -> None:
    fill_partition(storage)
    with storage.read() as view:
        rows = view.query(T1, b"p")
        next(rows)
    put(storage, T1, b"p", b"new", item(a="1"), 1)
    assert get(storage, T1, b"p", b"new") == item(a="1")


# --- scan ----------------------------------------------------------------------------------


def test_scan_returns_the_table_in_key_order(storage: Storage) -> None:
    fill_partition(storage)
    with storage.read() as view:
        keys = [(row.pk, row.sk) for row in view.scan(T1)]
        other = [(row.pk, row.sk) for row in view.scan(T2)]
    expected = sorted(
        [(b"p", sk) for sk in SORT_KEYS] + [(pk, b"a") for pk in (b"", b"o", b"p\x00", b"pp", b"q")]
    )
    assert keys == expected
    assert other == [(b"p", b"a")]


def test_range_reads_return_the_stored_size(storage: Storage) -> None:
    put(storage, T1, b"p", b"1", item(a="1"), 123)
    put(storage, T1, b"p", b"2", item(a="2"), 7)
    with storage.read() as view:
        assert [row.size for row in view.query(T1, b"p")] == [123, 7]
        assert [row.size for row in view.scan(T1)] == [123, 7]


def test_scan_pages_with_exclusive_start(storage: Storage) -> None:
    fill_partition(storage)
    seen: list[tuple[bytes, bytes]] = []
    start: tuple[bytes, bytes] | None = None
    while True:
        with storage.read() as view:
            page = [
                (r.pk, r.sk)
                for _, r in zip(range(4), view.scan(T1, exclusive_start=start), strict=False)
            ]
        if not page:
            break
        seen.extend(page)
        start = page[-1]
    with storage.read() as view:
        assert seen == [(r.pk, r.sk) for r in view.scan(T1)]
    assert len(seen) == len(SORT_KEYS) + 5


def test_scan_of_a_missing_table_is_empty(storage: Storage) -> None:
    with storage.read() as view:
        assert list(view.scan("missing")) == []


# --- stats ---------------------------------------------------------------------------------


def stats(storage: Storage, table: str = T1) -> TableStats:
    with storage.read() as view:
        return view.table_stats(table)


def test_stats_count_items_and_sum_sizes(storage: Storage) -> None:
    assert stats(storage) == TableStats(0, 0)
    put(storage, T1, b"a", b"", item(a="1"), 100)
    put(storage, T1, b"b", b"", item(a="1"), 50)
    assert stats(storage) == TableStats(2, 150)
    put(storage, T1, b"a", b"", item(a="2"), 30)  # replace: count unchanged, size adjusted
    assert stats(storage) == TableStats(2, 80)
    storage.write(lambda txn: txn.delete_item(T1, b"b", b""))
    assert stats(storage) == TableStats(1, 30)
    assert stats(storage, T2) == TableStats(0, 0)


def test_delete_table_items_empties_only_that_table(storage: Storage) -> None:
    fill_partition(storage)
    storage.write(lambda txn: txn.delete_table_items(T1))
    with storage.read() as view:
        assert list(view.scan(T1)) == []
        assert view.table_stats(T1) == TableStats(0, 0)
        assert view.table_stats(T2) == TableStats(1, 10)
        assert view.get_item(T2, b"p", b"a") == item(other="table")
    put(storage, T1, b"again", b"", item(a="1"), 7)
    assert stats(storage) == TableStats(1, 7)


# --- documents -----------------------------------------------------------------------------


def test_documents_crud_and_listing_by_name(storage: Storage) -> None:
    def setup(txn: WriteTxn) -> None:
        txn.put_document("role", "b", {"n": 2})
        txn.put_document("role", "a", {"n": 1, "nested": {"list": [1, "x", None]}})
        txn.put_document("role", "É", {"n": 3})
        txn.put_document("policy", "a", {"other": True})

    storage.write(setup)
    with storage.read() as view:
        assert view.get_document("role", "a") == {"n": 1, "nested": {"list": [1, "x", None]}}
        assert view.get_document("role", "zzz") is None
        assert [name for name, _ in view.list_documents("role")] == ["a", "b", "É"]
        assert view.list_documents("policy") == [("a", {"other": True})]
        assert view.list_documents("none") == []
    storage.write(lambda txn: txn.put_document("role", "a", {"n": 10}))
    storage.write(lambda txn: txn.delete_document("role", "b"))
    storage.write(lambda txn: txn.delete_document("role", "never-existed"))
    with storage.read() as view:
        assert view.list_documents("role") == [("a", {"n": 10}), ("É", {"n": 3})]


@pytest.mark.parametrize("forward", [True, False])
def test_a_query_and_a_document_read_together(storage: Storage, forward: bool) -> None:
    """Past the backends' first page too (PostgreSQL reads 32 rows with the document)."""
    for n in range(75):
        put(storage, T1, b"p", b"%03d" % n, item(n=str(n)), 10)
    storage.write(lambda txn: txn.put_document("table", "t", {"id": T1}))
    low = KeyRange(low=b"005", low_inclusive=False, high=b"070", high_inclusive=True)
    start = b"010" if forward else b"065"
    with storage.read() as view:
        expected = list(view.query(T1, b"p", low, forward=forward, exclusive_start_sk=start))
        rows, document = view.query_and_document(
            T1, b"p", low, forward=forward, exclusive_start_sk=start, kind="table", name="t"
        )
        assert list(rows) == expected and len(expected) > 32
        assert document is not None and orjson.loads(document) == {"id": T1}
        rows, document = view.query_and_document(
            T1,
            b"none",
            WHOLE_PARTITION,
            forward=forward,
            exclusive_start_sk=None,
            kind="table",
            name="gone",
        )
        assert (list(rows), document) == ([], None)


def test_an_item_and_a_document_read_together(storage: Storage) -> None:
    put(storage, T1, b"p", b"s", item(a="1"), 10)
    storage.write(lambda txn: txn.put_document("table", "t", {"id": T1}))
    with storage.read() as view:
        found, document = view.get_item_and_document(T1, b"p", b"s", "table", "t")
        assert found == item(a="1")
        assert document is not None and orjson.loads(document) == {"id": T1}
        assert view.get_item_and_document(T1, b"p", b"other", "table", "gone") == (None, None)

    def in_a_write(txn: WriteTxn) -> tuple[Any, bytes | None]:
        return txn.get_item_and_document(T1, b"p", b"s", "table", "gone")

    assert storage.write(in_a_write) == (item(a="1"), None)


def test_a_write_expecting_the_stored_document_commits(storage: Storage) -> None:
    storage.write(lambda txn: txn.put_document("table", "t", {"id": T1, "v": 1}))
    with storage.read() as view:
        stored = view.get_document_bytes("table", "t")
    assert stored is not None

    def expecting(txn: WriteTxn) -> None:
        txn.expect_document("table", "t", stored)
        txn.put_item(T1, b"p", b"s", item(a="1"), 10)

    storage.write(expecting)
    assert get(storage, T1, b"p", b"s") == item(a="1")
    with storage.read() as view:
        assert view.table_stats(T1) == TableStats(1, 10)


@pytest.mark.parametrize("change", ["rewritten", "deleted"])
def test_a_write_expecting_another_document_writes_nothing(storage: Storage, change: str) -> None:
    storage.write(lambda txn: txn.put_document("table", "t", {"id": T1, "v": 1}))
    put(storage, T1, b"p", b"s", item(a="old"), 10)
    with storage.read() as view:
        stored = view.get_document_bytes("table", "t")
    assert stored is not None
    if change == "rewritten":
        storage.write(lambda txn: txn.put_document("table", "t", {"id": T1, "v": 2}))
    else:
        storage.write(lambda txn: txn.delete_document("table", "t"))

    def expecting(txn: WriteTxn) -> None:
        txn.put_document("other", "x", {"written": True})
        txn.expect_document("table", "t", stored)
        txn.put_item(T1, b"p", b"s", item(a="new"), 20)

    with pytest.raises(DocumentChangedError, match="table/t"):
        storage.write(expecting)
    assert get(storage, T1, b"p", b"s") == item(a="old")
    with storage.read() as view:
        assert view.get_document("other", "x") is None
        assert view.table_stats(T1) == TableStats(1, 10)
    put(storage, T1, b"p", b"s", item(a="after"), 10)  # the backend is still usable
    assert get(storage, T1, b"p", b"s") == item(a="after")


def test_an_inserted_item_is_stored_and_counted(storage: Storage) -> None:
    storage.write(lambda txn: txn.insert_item("log", b"p", b"\x01", {"n": {"N": "1"}}, 7))
    storage.write(lambda txn: txn.insert_item("log", b"p", b"\x02", {"n": {"N": "2"}}, 5))
    with storage.read() as view:
        assert [row.item for row in view.query("log", b"p")] == [
            {"n": {"N": "1"}},
            {"n": {"N": "2"}},
        ]
        assert view.table_stats("log") == TableStats(2, 12)


# --- numbered logs (append_numbered) --------------------------------------------------------

NOW = 1000.0


def counter(partition: str, start: int, *, step: int = 1, count: int = 0, **more: Any) -> Any:
    fields = Counter(
        partition, start, step, count, more.pop("until", NOW + 60), more.pop("limit", None)
    )
    return {**fields.fields(), **more}


def log_keys(storage: Storage, partition: bytes) -> list[bytes]:
    with storage.read() as view:
        return sort_keys(list(view.query("log", partition)))


def append(txn: WriteTxn, n: int, now: float = NOW) -> None:
    txn.append_numbered("counter", "c", "log", {"n": {"N": str(n)}}, now)


def test_appended_items_are_numbered_by_their_counter(storage: Storage) -> None:
    storage.write(lambda txn: txn.put_document("counter", "c", counter("p", 5, step=3, owner="x")))
    storage.write(lambda txn: append(txn, 1))

    def two(txn: WriteTxn) -> None:
        append(txn, 2)
        append(txn, 3)

    storage.write(two)
    with storage.read() as view:
        rows = list(view.query("log", b"p"))
        assert [(row.sk, row.item) for row in rows] == [
            (number_key(n), {"n": {"N": str(i)}}) for i, n in enumerate((5, 8, 11), 1)
        ]
        assert view.get_document("counter", "c") == counter("p", 14, step=3, count=3, owner="x")


@pytest.mark.parametrize(
    "stored",
    [
        None,
        counter("p", 5, count=2, limit=2),
        counter("p", 5, count=1, until=NOW),
        {"next": 5},  # not a counter
    ],
    ids=["missing", "full", "expired", "not-a-counter"],
)
def test_a_due_counter_appends_nothing(storage: Storage, stored: Any) -> None:
    if stored is not None:
        storage.write(lambda txn: txn.put_document("counter", "c", stored))

    def fn(txn: WriteTxn) -> None:
        txn.put_item(T1, b"other", b"", item(a="1"), 1)
        append(txn, 1)

    with pytest.raises(CounterDueError):
        storage.write(fn)
    assert log_keys(storage, b"p") == []
    assert get(storage, T1, b"other") is None
    with storage.read() as view:
        assert view.get_document("counter", "c") == stored


def test_a_counter_that_numbered_nothing_is_never_due(storage: Storage) -> None:
    storage.write(lambda txn: txn.put_document("counter", "c", counter("p", 5, until=NOW - 60)))
    storage.write(lambda txn: append(txn, 1))
    assert log_keys(storage, b"p") == [number_key(5)]


def renewing_append(txn: WriteTxn, n: int, limit: int) -> None:
    """Append, renewing the counter when it is due as its owner would: a new partition
    named after its first number."""
    try:
        append(txn, n)
    except CounterDueError:
        stored = txn.get_document_for_update("counter", "c")
        assert stored is not None
        if not counter_usable(stored, NOW):
            start = stored["next"]
            txn.put_document("counter", "c", counter(f"p{start}", start, step=2, limit=limit))
        append(txn, n)


def test_a_caller_renews_a_due_counter_and_appends_again(storage: Storage) -> None:
    storage.write(lambda txn: txn.put_document("counter", "c", counter("p1", 1, step=2, limit=3)))

    def batch(txn: WriteTxn) -> None:
        txn.put_item(T1, b"other", b"", item(a="1"), 1)
        for n in range(5):  # the counter falls due after the third, inside the transaction
            renewing_append(txn, n, limit=3)

    storage.write(batch)
    assert log_keys(storage, b"p1") == [number_key(n) for n in (1, 3, 5)]
    assert log_keys(storage, b"p7") == [number_key(n) for n in (7, 9)]
    assert get(storage, T1, b"other") == item(a="1")
    with storage.read() as view:
        assert view.get_document("counter", "c") == counter("p7", 11, step=2, count=2, limit=3)


def test_concurrent_appends_take_every_number_once_in_order(storage: Storage) -> None:
    threads, per_thread, limit = 6, 20, 7
    storage.write(
        lambda txn: txn.put_document("counter", "c", counter("p1", 1, step=2, limit=limit))
    )

    def worker(n: int) -> None:
        for i in range(per_thread):
            storage.write(lambda txn, v=n * per_thread + i: renewing_append(txn, v, limit))

    assert run_threads(threads, worker) == []
    with storage.read() as view:
        rows = list(view.scan("log"))
        final = view.get_document("counter", "c")
    numbers = [int.from_bytes(row.sk, "big") for row in rows]
    assert sorted(numbers) == list(range(1, 2 * threads * per_thread, 2))  # no gap, no twice
    partitions: dict[bytes, list[int]] = {}
    for row in rows:
        partitions.setdefault(row.pk, []).append(int.from_bytes(row.sk, "big"))
    assert all(len(found) <= limit for found in partitions.values())
    assert sorted({row.item["n"]["N"] for row in rows}, key=int) == [
        str(v) for v in range(threads * per_thread)
    ]
    assert final is not None and final["next"] == 2 * threads * per_thread + 1


def test_a_document_read_for_update_is_the_stored_one(storage: Storage) -> None:
    storage.write(lambda txn: txn.put_document("stream", "s", {"next": 7}))
    assert storage.write(lambda txn: txn.get_document_for_update("stream", "s")) == {"next": 7}
    assert storage.write(lambda txn: txn.get_document_for_update("stream", "none")) is None


def test_a_document_as_stored_json(storage: Storage) -> None:
    """`get_document_bytes` is the document's JSON text: equal documents give equal bytes
    (callers key parse caches by them), and it sees the write transaction's own writes."""
    document = {"name": "GameScores", "key": ["UserId", None], "n": 1}
    storage.write(lambda txn: txn.put_document("table", "us-east-1/GameScores", document))
    with storage.read() as view:
        stored = view.get_document_bytes("table", "us-east-1/GameScores")
        assert stored is not None and orjson.loads(stored) == document
        assert view.get_document_bytes("table", "missing") is None
        assert view.get_document_bytes("table", "us-east-1/GameScores") == stored

    def rewrite(txn: WriteTxn) -> bytes | None:
        txn.put_document("table", "us-east-1/GameScores", {**document, "n": 2})
        return txn.get_document_bytes("table", "us-east-1/GameScores")

    rewritten = storage.write(rewrite)
    assert rewritten is not None and orjson.loads(rewritten)["n"] == 2


def test_the_backend_declares_its_features(storage: Storage) -> None:
    """What the edge chooses by (inline reads, deferred writes) is declared, not guessed."""
    assert isinstance(storage.local_reads, bool)
    if storage.write_later is None:
        return
    done = threading.Event()
    outcome: list[Any] = []

    def on_done(result: Any, error: BaseException | None) -> None:
        outcome.append((result, error))
        done.set()

    storage.write_later(lambda txn: txn.put_document("k", "n", {"v": 1}) or "written", on_done)
    assert done.wait(30)
    assert outcome == [("written", None)]
    with storage.read() as view:
        assert view.get_document("k", "n") == {"v": 1}


# --- atomicity -----------------------------------------------------------------------------


def test_write_returns_what_fn_returns(storage: Storage) -> None:
    assert storage.write(lambda txn: {"answer": 42}) == {"answer": 42}


def test_fn_that_raises_writes_nothing(storage: Storage) -> None:
    put(storage, T1, b"keep", b"", item(v="old"), 10)
    storage.write(lambda txn: txn.put_document("d", "keep", {"v": "old"}))

    def half_done(txn: WriteTxn) -> None:
        txn.put_item(T1, b"keep", b"", item(v="new"), 99)
        txn.put_item(T1, b"new", b"", item(v="new"), 99)
        txn.delete_item(T1, b"keep", b"")
        txn.put_document("d", "keep", {"v": "new"})
        txn.put_document("d", "new", {"v": "new"})
        txn.delete_table_items(T1)
        raise Boom("condition failed")

    with pytest.raises(Boom, match="condition failed"):
        storage.write(half_done)
    with storage.read() as view:
        assert view.get_item(T1, b"keep", b"") == item(v="old")
        assert view.get_item(T1, b"new", b"") is None
        assert view.table_stats(T1) == TableStats(1, 10)
        assert view.get_document("d", "keep") == {"v": "old"}
        assert view.get_document("d", "new") is None


def test_fn_reads_its_own_writes(storage: Storage) -> None:
    def fn(txn: WriteTxn) -> dict[str, Any]:
        txn.put_item(T1, b"p", b"2", item(v="2"), 20)
        txn.put_item(T1, b"p", b"1", item(v="1"), 10)
        txn.put_document("d", "x", {"v": 1})
        seen = {
            "get": txn.get_item(T1, b"p", b"1"),
            "query": [r.sk for r in txn.query(T1, b"p")],
            "scan": [r.sk for r in txn.scan(T1)],
            "stats": txn.table_stats(T1),
            "doc": txn.get_document("d", "x"),
        }
        txn.delete_item(T1, b"p", b"1")
        seen["after_delete"] = txn.get_item(T1, b"p", b"1")
        return seen

    seen = storage.write(fn)
    assert seen == {
        "get": item(v="1"),
        "query": [b"1", b"2"],
        "scan": [b"1", b"2"],
        "stats": TableStats(2, 30),
        "doc": {"v": 1},
        "after_delete": None,
    }


def test_snapshot_read_view_sees_one_state(storage: Storage) -> None:
    put(storage, T1, b"p", b"", item(v="1"), 1)
    written = threading.Event()
    with storage.read(snapshot=True) as view:
        assert view.get_item(T1, b"p", b"") == item(v="1")

        def write_v2() -> None:
            put(storage, T1, b"p", b"", item(v="2"), 1)
            written.set()

        writer = threading.Thread(target=write_v2)
        writer.start()
        written.wait(0.5)  # a backend may instead hold the writer until the view ends
        assert view.get_item(T1, b"p", b"") == item(v="1")
    writer.join()
    assert get(storage, T1, b"p") == item(v="2")


def fill_sort_keys(txn: WriteTxn, sort_keys: list[bytes]) -> None:
    for sk in sort_keys:
        txn.put_item(T1, b"p", sk, {}, 1)


def test_query_during_concurrent_writes_yields_each_key_once_in_order(storage: Storage) -> None:
    originals = [b"k%03d" % n for n in range(150)]  # several pages on a paging backend
    storage.write(lambda txn: fill_sort_keys(txn, originals))
    stop = threading.Event()

    def insert_between() -> None:
        n = 0
        while not stop.is_set() and n < 150:
            put(storage, T1, b"p", b"k%03d-new" % n, {}, 1)
            n += 1

    with storage.read() as view:
        writer = threading.Thread(target=insert_between)  # a backend may hold it until the end
        writer.start()
        seen = [row.sk for row in view.query(T1, b"p")]
    stop.set()
    writer.join()
    assert seen == sorted(set(seen))
    assert set(originals) <= set(seen)


def test_write_inside_fn_is_refused(storage: Storage) -> None:
    def nested(txn: WriteTxn) -> None:
        storage.write(lambda inner: None)

    with pytest.raises(RuntimeError):
        storage.write(nested)


# --- concurrency ---------------------------------------------------------------------------


def increment(txn: WriteTxn, key: bytes) -> int:
    current = txn.get_item(T1, key, b"")
    value = 0 if current is None else int(current["n"]["N"])
    txn.put_item(T1, key, b"", {"n": {"N": str(value + 1)}}, 10)
    return value + 1


def test_concurrent_read_modify_write_loses_no_update(storage: Storage) -> None:
    threads, per_thread = 8, 40
    keys = [b"hot", b"warm"]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(per_thread):
                storage.write(lambda txn, k=keys[(n + i) % 2]: increment(txn, k))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    total = sum(int((get(storage, T1, k) or {"n": {"N": "0"}})["n"]["N"]) for k in keys)
    assert total == threads * per_thread
    assert stats(storage) == TableStats(2, 20)


def run_threads(count: int, target: Callable[[int], None]) -> list[BaseException]:
    """Runs `target(n)` on `count` threads; the exceptions they raised."""
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            target(n)
        except BaseException as exc:  # surfaced to the test
            errors.append(exc)

    pool = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return errors


def test_only_one_of_racing_creators_wins(storage: Storage) -> None:
    # attribute_not_exists-style creation: the key has no row when every racer reads it.
    winners: list[int] = []

    def create(txn: WriteTxn, n: int) -> bool:
        if txn.get_item(T1, b"singleton", b"") is not None:
            return False
        txn.put_item(T1, b"singleton", b"", item(owner=str(n)), 1)
        return True

    def racer(n: int) -> None:
        if storage.write(lambda txn: create(txn, n)):
            winners.append(n)

    assert run_threads(12, racer) == []
    assert len(winners) == 1
    assert get(storage, T1, b"singleton") == item(owner=str(winners[0]))
    assert stats(storage) == TableStats(1, 1)


def test_multi_item_transfers_keep_the_total(storage: Storage) -> None:
    # Transfers touch two items in arbitrary order, as TransactWriteItems may.
    accounts = [b"acct-%d" % i for i in range(5)]
    put_many(storage, T1, accounts, {"n": {"N": "100"}}, 10)

    def transfer(txn: WriteTxn, source: bytes, target: bytes) -> None:
        balances = {}
        for key in (source, target):
            found = txn.get_item(T1, key, b"")
            assert found is not None
            balances[key] = int(found["n"]["N"])
        txn.put_item(T1, source, b"", {"n": {"N": str(balances[source] - 7)}}, 10)
        txn.put_item(T1, target, b"", {"n": {"N": str(balances[target] + 7)}}, 10)

    def worker(n: int) -> None:
        for i in range(15):
            source = accounts[(n + i) % 5]
            target = accounts[(n * 3 + i * 2 + 1) % 5]
            if source != target:
                storage.write(lambda txn, s=source, t=target: transfer(txn, s, t))

    assert run_threads(6, worker) == []
    with storage.read() as view:
        balances = [view.get_item(T1, a, b"") for a in accounts]
    assert sum(int(b["n"]["N"]) for b in balances if b is not None) == 500
    assert stats(storage) == TableStats(5, 50)


def test_failing_writers_do_not_disturb_concurrent_ones(storage: Storage) -> None:
    results: dict[int, str] = {}

    def worker(n: int) -> None:
        def fn(txn: WriteTxn) -> None:
            txn.put_item(T1, b"k%d" % n, b"", item(n=str(n)), 1)
            if n % 3 == 0:
                raise Boom(str(n))

        try:
            storage.write(fn)
            results[n] = "ok"
        except Boom as exc:
            results[n] = f"boom {exc}"

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(30)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    for n in range(30):
        failed = n % 3 == 0
        assert results[n] == (f"boom {n}" if failed else "ok")
        assert (get(storage, T1, b"k%d" % n) is None) == failed
    assert stats(storage) == TableStats(20, 20)


# --- lifecycle -----------------------------------------------------------------------------


def test_write_after_close_is_refused_and_close_is_idempotent(storage: Storage) -> None:
    put(storage, T1, b"p", b"", item(a="1"), 1)
    storage.close()
    with pytest.raises(StorageClosedError):
        storage.write(lambda txn: txn.delete_item(T1, b"p", b""))
    storage.close()
