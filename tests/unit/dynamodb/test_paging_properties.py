"""Property tests: random items, key conditions, filters, page sizes and directions against a
simple model. Paginating a Query or Scan never skips or repeats an item, on the table and on
every index, and the segments of a parallel scan partition the table (Developer Guide:
"Paginating table query results", "Parallel scan", "Take advantage of sparse indexes").

The service runs in process on the memory storage, and on SQLite for a few examples (its
BLOB order is what the key encodings are built for)."""

from __future__ import annotations

import itertools
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.dynamodb.conftest import NOW, RecordingAuthorizer

from dynafed.core.clock import FixedClock
from dynafed.dynamodb.service import DynamoDBService
from dynafed.storage.memory import MemoryStorage
from dynafed.storage.port import Storage
from dynafed.storage.sqlite import SqliteStorage

Item = dict[str, Any]

TABLE = {
    "TableName": "Model",
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
        {"AttributeName": "g", "AttributeType": "S"},
        {"AttributeName": "r", "AttributeType": "N"},
        {"AttributeName": "h", "AttributeType": "B"},
        {"AttributeName": "l", "AttributeType": "S"},
    ],
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "ByGR",
            "KeySchema": [
                {"AttributeName": "g", "KeyType": "HASH"},
                {"AttributeName": "r", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": "ByH",
            "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        },
    ],
    "LocalSecondaryIndexes": [
        {
            "IndexName": "ByL",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "l", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}

# (partition attribute, sort attribute or None) of the table and each index
TARGETS: dict[str | None, tuple[str, str | None]] = {
    None: ("pk", "sk"),
    "ByGR": ("g", "r"),
    "ByH": ("h", None),
    "ByL": ("pk", "l"),
}
SORT_TYPES = {"sk": "N", "r": "N", "l": "S"}

small_text = st.text(alphabet="ab\x00é", min_size=1, max_size=3)
numbers = st.integers(-20, 20).map(lambda n: Decimal(n) / 4)

items_strategy = st.lists(
    st.fixed_dictionaries(
        {"pk": st.sampled_from(["p", "q", "qq"]), "sk": numbers},
        optional={
            "g": st.sampled_from(["x", "y"]),
            "r": numbers,
            "h": st.sampled_from([b"\x00", b"\x00\x00", b"\xff"]),
            "l": small_text,
            "v": st.integers(0, 5),
        },
    ),
    max_size=30,
    unique_by=lambda item: (item["pk"], item["sk"]),
)


def wire(item: dict[str, Any]) -> Item:
    out: Item = {}
    for name, value in item.items():
        if isinstance(value, bytes):
            out[name] = {"B": __import__("base64").b64encode(value).decode()}
        elif isinstance(value, str):
            out[name] = {"S": value}
        else:
            out[name] = {"N": str(value)}
    return out


def sort_value(item: dict[str, Any], attribute: str) -> Any:
    value = item[attribute]
    return value.encode() if isinstance(value, str) else value


class Service:
    def __init__(self, storage: Storage) -> None:
        ids = (f"id-{n}" for n in itertools.count())
        self.storage = storage
        self.service = DynamoDBService(
            storage, "123456789012", "us-east-1", FixedClock(NOW), lambda: next(ids)
        )
        self.authorizer = RecordingAuthorizer()

    def __call__(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.service.handle(operation, body, self.authorizer)


def loaded(storage: Storage, items: list[dict[str, Any]]) -> Service:
    service = Service(storage)
    service("CreateTable", TABLE)
    for item in items:
        service("PutItem", {"TableName": "Model", "Item": wire(item)})
    return service


def walk(service: Service, operation: str, body: dict[str, Any]) -> list[Item]:
    """Every item of every page."""
    seen: list[Item] = []
    for _page in range(200):
        page = service(operation, body)
        seen.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return seen
        body = {**body, "ExclusiveStartKey": page["LastEvaluatedKey"]}
    raise AssertionError("pagination did not end")


def identity(item: Item) -> tuple[str, str]:
    return item["pk"]["S"], str(Decimal(item["sk"]["N"]))


def model_identity(item: dict[str, Any]) -> tuple[str, str]:
    return item["pk"], str(Decimal(item["sk"]))


def in_target(item: dict[str, Any], index: str | None) -> bool:
    partition, sort = TARGETS[index]
    return partition in item and (sort is None or sort in item)


conditions = st.sampled_from(["EQ", "LT", "LE", "GT", "GE", "BETWEEN", "BEGINS_WITH", None])


@st.composite
def queries(draw: st.DrawFn) -> dict[str, Any]:
    index = draw(st.sampled_from(list(TARGETS)))
    partition, sort = TARGETS[index]
    if partition == "pk":
        value: Any = draw(st.sampled_from(["p", "q", "qq"]))
    elif partition == "g":
        value = draw(st.sampled_from(["x", "y"]))
    else:
        value = draw(st.sampled_from([b"\x00", b"\x00\x00", b"\xff"]))
    op = draw(conditions) if sort is not None else None
    if op == "BEGINS_WITH" and SORT_TYPES.get(sort or "") != "S":
        op = None
    operands: list[Any] = []
    if op is not None and sort is not None:
        strategy = small_text if SORT_TYPES[sort] == "S" else numbers
        operands = sorted(
            draw(st.lists(strategy, min_size=2, max_size=2)),
            key=lambda v: v.encode() if isinstance(v, str) else v,
        )
    return {
        "index": index,
        "value": value,
        "op": op,
        "operands": operands,
        "limit": draw(st.one_of(st.none(), st.integers(1, 4))),
        "forward": draw(st.booleans()),
        "filter": draw(st.one_of(st.none(), st.integers(0, 5))),
    }


def matches(item: dict[str, Any], query: dict[str, Any]) -> bool:
    partition, sort = TARGETS[query["index"]]
    if not in_target(item, query["index"]) or item[partition] != query["value"]:
        return False
    # The KEYS_ONLY global index holds no `v`: a filter on it matches nothing there.
    visible = item.get("v", -1) if query["index"] != "ByH" else -1
    if query["filter"] is not None and not visible >= query["filter"]:
        return False
    op = query["op"]
    if op is None or sort is None:
        return True
    value = sort_value(item, sort)
    bounds = [v.encode() if isinstance(v, str) else v for v in query["operands"]]
    return {
        "EQ": value == bounds[0],
        "LT": value < bounds[0],
        "LE": value <= bounds[0],
        "GT": value > bounds[0],
        "GE": value >= bounds[0],
        "BETWEEN": bounds[0] <= value <= bounds[1],
        "BEGINS_WITH": isinstance(value, bytes) and value.startswith(bounds[0]),
    }[op]


def request(query: dict[str, Any]) -> dict[str, Any]:
    partition, sort = TARGETS[query["index"]]
    expression = "#p = :p"
    names = {"#p": partition}
    values: Item = {":p": wire({"x": query["value"]})["x"]}
    op = query["op"]
    if op is not None and sort is not None:
        names["#s"] = sort
        a, b = (wire({"x": operand})["x"] for operand in query["operands"])
        values[":a"] = a
        symbol = {"EQ": "=", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}.get(op)
        if symbol:
            expression += f" AND #s {symbol} :a"
        elif op == "BETWEEN":
            expression += " AND #s BETWEEN :a AND :b"
            values[":b"] = b
        else:
            expression += " AND begins_with(#s, :a)"
    body: dict[str, Any] = {
        "TableName": "Model",
        "KeyConditionExpression": expression,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": query["forward"],
    }
    if query["filter"] is not None:
        body["FilterExpression"] = "v >= :f"
        values[":f"] = {"N": str(query["filter"])}
    if query["index"] is not None:
        body["IndexName"] = query["index"]
        if query["index"] == "ByH":
            body["Select"] = "ALL_PROJECTED_ATTRIBUTES"
    if query["limit"] is not None:
        body["Limit"] = query["limit"]
    return body


def check_query(service: Service, items: list[dict[str, Any]], query: dict[str, Any]) -> None:
    returned = walk(service, "Query", request(query))
    keys = [identity(item) for item in returned]
    assert len(keys) == len(set(keys)), "an item was returned twice"
    expected = {model_identity(item) for item in items if matches(item, query)}
    assert set(keys) == expected
    _, sort = TARGETS[query["index"]]
    if sort is not None:
        by_identity = {model_identity(item): item for item in items}
        order = [sort_value(by_identity[key], sort) for key in keys]
        assert order == sorted(order, reverse=not query["forward"])


def check_scans(service: Service, items: list[dict[str, Any]], limit: int, total: int) -> None:
    for index in TARGETS:
        expected = {model_identity(item) for item in items if in_target(item, index)}
        base: dict[str, Any] = {"TableName": "Model", "Limit": limit}
        if index is not None:
            base["IndexName"] = index
        seen: list[tuple[str, str]] = []
        for segment in range(total):
            body = {**base, "Segment": segment, "TotalSegments": total}
            seen.extend(identity(item) for item in walk(service, "Scan", body))
        assert len(seen) == len(set(seen)), "segments overlap or a page repeated an item"
        assert set(seen) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=items_strategy,
    query_list=st.lists(queries(), min_size=1, max_size=6),
    limit=st.integers(1, 5),
    total=st.integers(1, 4),
)
def test_pages_never_skip_or_repeat_on_memory(
    items: list[dict[str, Any]], query_list: list[dict[str, Any]], limit: int, total: int
) -> None:
    service = loaded(MemoryStorage(), items)
    for query in query_list:
        check_query(service, items, query)
    check_scans(service, items, limit, total)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=items_strategy, query_list=st.lists(queries(), min_size=3, max_size=6))
def test_pages_never_skip_or_repeat_on_sqlite(
    items: list[dict[str, Any]], query_list: list[dict[str, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        storage = SqliteStorage(Path(directory) / "model.sqlite3")
        try:
            service = loaded(storage, items)
            for query in query_list:
                check_query(service, items, query)
            check_scans(service, items, limit=3, total=3)
        finally:
            storage.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=items_strategy,
    changes=st.lists(st.tuples(st.integers(0, 29), st.booleans()), max_size=15),
)
def test_indexes_equal_a_rebuild_after_updates_and_deletes(
    items: list[dict[str, Any]], changes: list[tuple[int, bool]]
) -> None:
    service = loaded(MemoryStorage(), items)
    current = {model_identity(item): dict(item) for item in items}
    for position, delete in changes:
        if not items:
            break
        item = items[position % len(items)]
        key = {"pk": {"S": item["pk"]}, "sk": {"N": str(item["sk"])}}
        if delete:
            service("DeleteItem", {"TableName": "Model", "Key": key})
            current.pop(model_identity(item), None)
        else:
            service(
                "UpdateItem",
                {
                    "TableName": "Model",
                    "Key": key,
                    "UpdateExpression": "SET g = :g REMOVE l",
                    "ExpressionAttributeValues": {":g": {"S": "y"}},
                },
            )
            # UpdateItem of a deleted item creates it again from its key.
            key_only = {"pk": item["pk"], "sk": item["sk"]}
            updated = {**current.get(model_identity(item), key_only), "g": "y"}
            updated.pop("l", None)
            current[model_identity(item)] = updated
    check_scans(service, list(current.values()), limit=4, total=2)
