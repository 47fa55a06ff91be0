"""The PartiQL parser: DynamoDB's statement forms into the expression engine's AST, with
`?` parameters bound in order (AWS "PartiQL for DynamoDB" reference pages)."""

from __future__ import annotations

import pytest

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.partiql import statements as st
from dynafed.dynamodb.partiql.parser import NOT_WELL_FORMED, PARAMETER_COUNT, parse
from dynafed.errors import ValidationException


def path(*elements: str | int) -> ast.Path:
    return ast.Path(tuple(elements))


def literal_value(node: object) -> object:
    assert isinstance(node, ast.Literal)
    return node.value


def test_select_with_projection_nested_paths_and_a_parameter() -> None:
    statement = parse(
        'SELECT UserId, "Stats".Best[1] FROM "GameScores" WHERE UserId = ?', [{"S": "alice"}]
    )
    assert isinstance(statement, st.Select)
    assert statement.target == st.Target("GameScores")
    assert statement.projection == (path("UserId"), path("Stats", "Best", 1))
    assert isinstance(statement.where, ast.Comparison)
    assert statement.where.left == path("UserId")
    assert literal_value(statement.where.right) == {"S": "alice"}


def test_select_star_from_an_index_with_order_by_desc() -> None:
    statement = parse(
        'select * from "GameScores"."ByTitle" where GameTitle = \'x\' order by T desc'
    )
    assert isinstance(statement, st.Select)
    assert statement.projection is None
    assert statement.target == st.Target("GameScores", "ByTitle")
    assert statement.descending


def test_functions_and_is_missing_become_expression_functions() -> None:
    statement = parse(
        "SELECT * FROM t WHERE begins_with(a, 'x') AND contains(b, 1) AND c IS MISSING "
        "AND d IS NOT MISSING AND size(e) > 2"
    )
    assert isinstance(statement, st.Select)
    text = repr(statement.where)
    for name in ("begins_with", "contains", "attribute_not_exists", "attribute_exists", "size"):
        assert f"name='{name}'" in text


def test_not_in_between_or_and_precedence() -> None:
    statement = parse("SELECT * FROM t WHERE a = 1 OR b NOT IN [1, 2] AND c BETWEEN 1 AND 5")
    assert isinstance(statement, st.Select)
    where = statement.where
    assert isinstance(where, ast.Or)
    assert isinstance(where.right, ast.And)
    assert isinstance(where.right.left, ast.Not)
    assert isinstance(where.right.right, ast.Between)


def test_insert_values_of_every_type() -> None:
    statement = parse(
        "INSERT INTO t VALUE {'s': 'it''s', 'n': -1.5e3, 'b': true, 'z': null, "
        "'l': [1, 'a'], 'm': {'k': ?}, 'ss': <<'a', 'b'>>, 'ns': <<1, 2>>}",
        [{"B": "AAE="}],
    )
    assert isinstance(statement, st.Insert)
    assert statement.item == {
        "M": {
            "s": {"S": "it's"},
            "n": {"N": "-1.5e3"},
            "b": {"BOOL": True},
            "z": {"NULL": True},
            "l": {"L": [{"N": "1"}, {"S": "a"}]},
            "m": {"M": {"k": {"B": "AAE="}}},
            "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2"]},
        }
    }


def test_update_with_several_set_clauses_remove_and_returning() -> None:
    statement = parse(
        "UPDATE t SET a = a + 1 SET b.c = 'x', d = list_append(d, [1]) REMOVE e "
        "WHERE pk = 'k' RETURNING MODIFIED NEW *"
    )
    assert isinstance(statement, st.Update)
    assert [(a.kind, a.path) for a in statement.actions] == [
        ("SET", path("a")),
        ("SET", path("b", "c")),
        ("SET", path("d")),
        ("REMOVE", path("e")),
    ]
    assert isinstance(statement.actions[0].value, ast.Arithmetic)
    assert statement.returning == "UPDATED_NEW"


def test_delete_returning_all_old() -> None:
    statement = parse("DELETE FROM t WHERE pk = 'k' RETURNING ALL OLD *")
    assert isinstance(statement, st.Delete)
    assert statement.returning == "ALL_OLD"


@pytest.mark.parametrize(
    "text",
    [
        "SELEC * FROM t",
        "SELECT FROM t",
        "SELECT * FROM t WHERE",
        "SELECT * FROM t WHERE a",
        "INSERT INTO t VALUE 5",
        "INSERT INTO t VALUE {'a' 1}",
        "UPDATE t WHERE a = 1",
        "DELETE FROM t RETURNING ALL NEW *",
        "SELECT * FROM t extra",
        "SELECT * FROM t WHERE a = <<1, 'x'>>",
    ],
)
def test_statements_that_are_not_well_formed(text: str) -> None:
    with pytest.raises(ValidationException) as raised:
        parse(text)
    assert raised.value.message.startswith(NOT_WELL_FORMED)


@pytest.mark.parametrize("count", [0, 2])
def test_parameter_count_must_match(count: int) -> None:
    with pytest.raises(ValidationException) as raised:
        parse("SELECT * FROM t WHERE a = ?", [{"S": "x"}] * count)
    assert raised.value.message == PARAMETER_COUNT
