"""A PartiQL SELECT answers each selected path under its last name (conformance suite:
`SELECT mymap.nested ...` answers `{"nested": ...}`)."""

from __future__ import annotations

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.partiql.execution import columns_of

ITEM = {
    "pk": {"S": "a"},
    "mymap": {"M": {"nested": {"S": "deep"}, "inner": {"M": {"x": {"N": "1"}}}}},
    "mylist": {"L": [{"S": "zero"}, {"M": {"name": {"S": "one"}}}]},
}


def path(*elements: str | int) -> ast.Path:
    return ast.Path(tuple(elements))


def test_top_level_and_nested_paths_answer_under_their_last_name() -> None:
    columns = (path("pk"), path("mymap", "nested"), path("mymap", "inner", "x"))
    assert columns_of(ITEM, columns) == {
        "pk": {"S": "a"},
        "nested": {"S": "deep"},
        "x": {"N": "1"},
    }


def test_list_elements_and_missing_paths() -> None:
    columns = (path("mylist", 1, "name"), path("mymap", "absent"), path("mylist", 9, "name"))
    assert columns_of(ITEM, columns) == {"name": {"S": "one"}}
