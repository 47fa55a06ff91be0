"""Errors found when an expression is resolved against a request's placeholders: undefined
or unused names and values, operand counts and types, repeated operands, BETWEEN bounds,
attribute_type names, limits, overlapping and conflicting document paths.

Expected texts are DynamoDB's (validator sentences, and messages captured from the service
by dynalite's and ExtendDB's suites).
"""

from typing import Any

import pytest
from tests.unit.expr.helpers import compiled, error, n, s

VALUES = {
    ":a": s("a"),
    ":b": n("1"),
    ":c": {"B": "YQ=="},
    ":d": {"BOOL": True},
    ":e": {"NULL": True},
    ":f": {"SS": ["a"]},
    ":g": {"NS": ["1"]},
    ":h": {"BS": ["YQ=="]},
    ":i": {"M": {}},
    ":j": {"L": []},
}


def expression_error(
    param: str, text: str, values: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> str:
    params: dict[str, Any] = {param: text}
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    message = error(**params)
    prefix = f"Invalid {param}: "
    assert message.startswith(prefix), message
    return message[len(prefix) :]


# --- the placeholder maps themselves ------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ExpressionAttributeNames": {}}, "ExpressionAttributeNames must not be empty"),
        ({"ExpressionAttributeValues": {}}, "ExpressionAttributeValues must not be empty"),
        (
            {"ExpressionAttributeNames": {"#": "a"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"',
        ),
        (
            {"ExpressionAttributeNames": {"#a-b": "a"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"',
        ),
        (
            {"ExpressionAttributeNames": {"a": "a"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"',
        ),
        (
            {"ExpressionAttributeNames": {"#" + "a" * 255 + "-x": "a"}},
            "ExpressionAttributeNames contains invalid key: The expression attribute map contains "
            "a key that is too long; size of key: 258",
        ),
        (
            {"ExpressionAttributeNames": {"#a": ""}},
            "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a",
        ),
        (
            {"ExpressionAttributeValues": {":": s("x")}},
            'ExpressionAttributeValues contains invalid key: Syntax error; key: ":"',
        ),
        (
            {"ExpressionAttributeValues": {":" + "a" * 255: s("x")}},
            "ExpressionAttributeValues contains invalid key: The expression attribute map "
            "contains a key that is too long;",
        ),
        (
            {"ExpressionAttributeValues": {":v": {}}},
            "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, "
            "must contain exactly one of the supported datatypes for key :v",
        ),
        (
            {"ExpressionAttributeValues": {":v": {"SS": []}}},
            "ExpressionAttributeValues contains invalid value: One or more parameter values were "
            "invalid: An string set  may not be empty for key :v",
        ),
        (
            {"ExpressionAttributeValues": {":v": {"N": "12e"}}},
            "ExpressionAttributeValues contains invalid value: The parameter cannot be converted "
            "to a numeric value: 12e for key :v",
        ),
    ],
)
def test_placeholder_maps_are_checked_first(params: dict[str, Any], message: str) -> None:
    assert error(ConditionExpression="a = b", **params) == message


def test_unused_names_and_values_are_errors_across_all_expressions() -> None:
    assert (
        error(
            UpdateExpression="remove a set b = list_append(b, if_not_exists(a, :a))",
            ConditionExpression="a = :b",
            ExpressionAttributeValues={":a": s("a"), ":b": s("a")},
            ExpressionAttributeNames={"#a": "a", "#b": "b"},
        )
        == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"
    )
    assert (
        error(
            UpdateExpression="remove a",
            ConditionExpression="a = :b",
            ExpressionAttributeValues={":a": s("a"), ":b": s("a"), ":c": s("a")},
        )
        == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :c}"
    )


def test_a_name_used_in_any_expression_counts_as_used() -> None:
    result = compiled(
        ProjectionExpression="#p",
        FilterExpression="#f = :v",
        ExpressionAttributeNames={"#p": "p", "#f": "f"},
        ExpressionAttributeValues={":v": n("1")},
    )
    assert result.projection is not None and result.filter is not None
    assert result.attribute_names == {"p", "f"}


def test_path_errors_come_before_unused_names() -> None:
    assert error(ProjectionExpression="a, a.b", ExpressionAttributeNames={"#z": "zzz"}) == (
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
        "or rewrite one of these paths; path one: [a], path two: [a, b]"
    )


# --- undefined placeholders ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "attribute_exists(#Pictures.RearView, :a) and a=a",
            "An expression attribute name used in the document path is not defined; attribute "
            "name: #Pictures",
        ),
        (
            "(#P between :lo and :hi) and (#PC in (:cat1, :cat2))",
            "An expression attribute name used in the document path is not defined; attribute "
            "name: #P",
        ),
        (
            "#_ > a",
            "An expression attribute name used in the document path is not defined; "
            "attribute name: #_",
        ),
        (
            "begins_with(:hello, #a, #b)",
            "An expression attribute value used in expression is not defined; attribute value: "
            ":hello",
        ),
        (
            ":a < :b",
            "An expression attribute value used in expression is not defined; attribute value: :a",
        ),
    ],
)
def test_undefined_placeholders(text: str, message: str) -> None:
    assert expression_error("FilterExpression", text) == message


# --- operands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "function", "count"),
    [
        ("attribute_exists(things, a) and a=a", "attribute_exists", 2),
        ("attribute_not_exists(things, b)", "attribute_not_exists", 2),
        ("attribute_type(things)", "attribute_type", 1),
        ("begins_with(things)", "begins_with", 1),
        ("begins_with(things, size(a), b)", "begins_with", 3),
        ("contains(things)", "contains", 1),
        ("size(things, a) > b", "size", 2),
    ],
)
def test_operand_counts(text: str, function: str, count: int) -> None:
    assert expression_error("FilterExpression", text) == (
        "Incorrect number of operands for operator or function; operator or function: "
        f"{function}, number of operands: {count}"
    )


@pytest.mark.parametrize(
    ("text", "value", "function", "shown"),
    [
        ("attribute_type(a, size(a)) and a=a and a=:a", n("1"), "attribute_type", "N"),
        ("attribute_type(a, :a)", {"BOOL": True}, "attribute_type", "BOOL"),
        ("attribute_type(a, b)", s("S"), "attribute_type", "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"),
        ("begins_with(a, size(a)) and a=:a", n("1"), "begins_with", "N"),
        ("begins_with(a, :a)", {"L": []}, "begins_with", "L"),
        ("begins_with(:a, a)", {"SS": ["1"]}, "begins_with", "SS"),
        ("size(size(a)) > :a", n("1"), "size", "N"),
        ("attribute_not_exists(size(:a))", n("1"), "size", "N"),
        ("size(:a) > a", {"BOOL": True}, "size", "BOOL"),
        ("n > :a", {"BOOL": True}, ">", "BOOL"),
        ("n <= :a", {"NULL": True}, "<=", "NULL"),
        (":a < n", {"M": {"k": s("a")}}, "<", "M"),
        ("size(s) >= :a", {"NS": ["1"]}, ">=", "NS"),
        ("n BETWEEN :a AND :a", {"BOOL": True}, "BETWEEN", "BOOL"),
    ],
)
def test_literal_operands_of_the_wrong_type_are_refused(
    text: str, value: dict[str, Any], function: str, shown: str
) -> None:
    assert expression_error("FilterExpression", text, {":a": value}) == (
        "Incorrect operand type for operator or function; operator or function: "
        f"{function}, operand type: {shown}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "n = :a",
        "n <> :a",
        "n IN (:a, :b)",
        "flag > n",
        "contains(n, :a)",
        "attribute_exists(n) OR n > :b",
    ],
)
def test_equality_and_paths_accept_any_type(text: str) -> None:
    values = {":a": {"BOOL": True}, ":b": n("0")}
    used = {key: value for key, value in values.items() if key in text}
    assert compiled(FilterExpression=text, ExpressionAttributeValues=used or None).filter


def test_the_whole_expression_is_validated_even_where_it_would_short_circuit() -> None:
    for text in ["attribute_not_exists(zzz) OR n > :v", "NOT (n > :v)"]:
        assert "Incorrect operand type" in expression_error(
            "ConditionExpression", text, {":v": {"BOOL": True}}
        )


@pytest.mark.parametrize(
    ("text", "operator", "first"),
    [
        ("a = a AND #a = b AND :views > a", "=", "[a]"),
        ("#a <> a", "<>", "[a]"),
        ("a > #a", ">", "[a]"),
        ("((a=a) AND (a=a))", "=", "[a]"),
        ("contains(ab.bc[1].a, ab.bc[1].#a)", "contains", "[ab, bc, [1], a]"),
        ("attribute_type(ab.bc[1].#a, ab.bc[1].a)", "attribute_type", "[ab, bc, [1], a]"),
        ("begins_with(ab.bc[1].a, ab.bc[1].#a)", "begins_with", "[ab, bc, [1], a]"),
        ("a IN (b, #a)", "IN", "[a]"),
    ],
)
def test_the_first_operand_must_differ_from_the_others(
    text: str, operator: str, first: str
) -> None:
    assert expression_error("FilterExpression", text, names={"#a": "a"}) == (
        "The first operand must be distinct from the remaining operands for this operator or "
        f"function; operator: {operator}, first operand: {first}"
    )


def test_repeated_values_are_allowed() -> None:
    assert compiled(FilterExpression=":a > :a", ExpressionAttributeValues={":a": n("1")}).filter


@pytest.mark.parametrize(
    ("text", "function"),
    [
        ("attribute_exists(:a) and a=a", "attribute_exists"),
        ("attribute_not_exists(size(:a))", "attribute_not_exists"),
    ],
)
def test_existence_functions_need_a_path(text: str, function: str) -> None:
    assert expression_error("FilterExpression", text, {":a": s("1")}) == (
        f"Operator or function requires a document path; operator or function: {function}"
    )


def test_attribute_type_names_are_checked() -> None:
    assert expression_error("FilterExpression", "attribute_type(a, :a)", {":a": s("1")}) == (
        "Invalid attribute type name found; type: 1, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
    )


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (
            n("10"),
            n("1"),
            "The BETWEEN operator requires upper bound to be greater than or equal "
            "to lower bound; lower bound operand: AttributeValue: {N:10}, upper "
            "bound operand: AttributeValue: {N:1}",
        ),
        (
            n("1"),
            s("a"),
            "The BETWEEN operator requires same data type for lower and upper "
            "bounds; lower bound operand: AttributeValue: {N:1}, upper bound "
            "operand: AttributeValue: {S:a}",
        ),
    ],
)
def test_between_bounds(low: dict[str, Any], high: dict[str, Any], message: str) -> None:
    values = {":lo": low, ":hi": high}
    assert expression_error("ConditionExpression", "a BETWEEN :lo AND :hi", values) == message


def test_in_takes_at_most_100_values() -> None:
    values = {f":v{i}": n(str(i)) for i in range(101)}
    text = "a IN (" + ", ".join(values) + ")"
    assert expression_error("FilterExpression", text, values) == (
        "The IN operator is provided with too many operands; number of operands: 101"
    )
    del values[":v100"]
    assert compiled(
        FilterExpression=text.replace(", :v100", ""), ExpressionAttributeValues=values
    ).filter


def test_at_most_300_operators() -> None:
    text = " OR ".join(["a < :v"] * 151)  # 151 comparisons + 150 ORs
    assert expression_error("ConditionExpression", text, {":v": n("1")}) == (
        "The expression contains too many operators; operator count: 301"
    )
    assert compiled(
        ConditionExpression=" OR ".join(["a < :v"] * 150), ExpressionAttributeValues={":v": n("1")}
    ).condition


def test_paths_deeper_than_32_levels_are_refused() -> None:
    assert expression_error("ProjectionExpression", "a" + ".b" * 32) == (
        "The document path has too many nesting levels; nesting levels: 33"
    )
    assert compiled(ProjectionExpression="a" + ".b" * 31).projection


# --- document paths of updates and projections --------------------------------------------------


@pytest.mark.parametrize(
    ("param", "text", "one", "two"),
    [
        (
            "UpdateExpression",
            "set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)",
            "[c, [1], a]",
            "[c]",
        ),
        ("UpdateExpression", "set c.b.#c = a, c = a, #d = a", "[c, b, c]", "[c]"),
        ("UpdateExpression", "set a = b remove a, #c, #d", "[a]", "[a]"),
        ("UpdateExpression", "set #c[3].#d = a, #c[3] = a", "[c, [3], [3]]", "[c, [3]]"),
        ("UpdateExpression", "remove c, #c.a, #d", "[c]", "[c, a]"),
        ("UpdateExpression", "remove a, #c, a, #d", "[a]", "[a]"),
        ("UpdateExpression", "SET lst[0] = a, lst[0].ok = a", "[lst, [0]]", "[lst, [0], ok]"),
        ("ProjectionExpression", "a, a.b", "[a]", "[a, b]"),
        ("ProjectionExpression", "a.b, a", "[a, b]", "[a]"),
        ("ProjectionExpression", "a, a", "[a]", "[a]"),
        ("ProjectionExpression", "x, a.b, a", "[a, b]", "[a]"),
        ("ProjectionExpression", "alist[0], alist", "[alist, [0]]", "[alist]"),
    ],
)
def test_overlapping_paths(param: str, text: str, one: str, two: str) -> None:
    names = {"#c": "c", "#d": "[3]"}
    used = {k: v for k, v in names.items() if k in text}
    assert expression_error(param, text, names=used or None) == (
        "Two document paths overlap with each other; must remove or rewrite one of these "
        f"paths; path one: {one}, path two: {two}"
    )


@pytest.mark.parametrize(
    ("text", "one", "two"),
    [
        ("set #c[3].#d = a, #c.#d[3] = if_not_exists(a)", "[c, [3], [3]]", "[c, [3], [3]]"),
        ("remove a.#c set a[1] = #d", "[a, c]", "[a, [1]]"),
    ],
)
def test_conflicting_paths(text: str, one: str, two: str) -> None:
    names = {"#c": "c", "#d": "[3]"}
    assert expression_error("UpdateExpression", text, names=names) == (
        "Two document paths conflict with each other; must remove or rewrite one of these "
        f"paths; path one: {one}, path two: {two}"
    )


def test_sibling_paths_are_fine() -> None:
    assert compiled(ProjectionExpression="a.b, a.c, l[0], l[1]").projection


@pytest.mark.parametrize(
    ("text", "value", "operator", "shown"),
    [
        ("set b = list_append(:a, a), c = if_not_exists(a) add a.b :a", s("a"), "ADD", "STRING"),
        ("delete a.b :a", s("a"), "DELETE", "STRING"),
        ("add a.b :a", {"NULL": True}, "ADD", "NULL"),
        ("add a.b :a", {"BOOL": False}, "ADD", "BOOLEAN"),
        ("delete a.b :a", {"B": "YQ=="}, "DELETE", "BINARY"),
        ("add a.b :a", {"M": {}}, "ADD", "MAP"),
        ("add a.b :a", {"L": [n("1")]}, "ADD", "LIST"),
        ("delete a.b :a", n("1"), "DELETE", "NUMBER"),
    ],
)
def test_add_and_delete_operand_types(
    text: str, value: dict[str, Any], operator: str, shown: str
) -> None:
    # Actions are checked last to first, like DynamoDB: the ADD is reported, not the
    # list_append.
    assert expression_error("UpdateExpression", text, {":a": value}) == (
        "Incorrect operand type for operator or function; operator: "
        f"{operator}, operand type: {shown}, typeSet: ALLOWED_FOR_{operator}_OPERAND"
    )


@pytest.mark.parametrize(
    ("text", "function", "shown"),
    [
        ("set a = list_append(:a, a)", "list_append", "S"),
        ("set a = list_append(:i, a)", "list_append", "M"),
        ("set a = a + :a", "+", "S"),
        ("set a = :c + a", "+", "B"),
        ("set a = a - :j", "-", "L"),
        ("set a = a - :g", "-", "NS"),
    ],
)
def test_update_function_operand_types(text: str, function: str, shown: str) -> None:
    values = {key: value for key, value in VALUES.items() if key in text}
    assert expression_error("UpdateExpression", text, values) == (
        "Incorrect operand type for operator or function; operator or function: "
        f"{function}, operand type: {shown}"
    )


@pytest.mark.parametrize(
    "text", ["set a = if_not_exists(:a, c)", "set a = if_not_exists(if_not_exists(a, b), c)"]
)
def test_if_not_exists_needs_a_path(text: str) -> None:
    values = {":a": s("a")} if ":a" in text else None
    assert expression_error("UpdateExpression", text, values) == (
        "Operator or function requires a document path; operator or function: if_not_exists"
    )


def test_nesting_as_deep_as_300_operators_allow_is_accepted() -> None:
    values = {":v": n("1")}
    deepest = "NOT (" * 299 + "a = :v" + ")" * 299  # 300 operators
    condition = compiled(ConditionExpression=deepest, ExpressionAttributeValues=values).condition
    assert condition is not None and condition.evaluate({"a": n("1")}) is False  # odd NOTs
    too_deep = "NOT (" * 300 + "a = :v" + ")" * 300
    assert expression_error("ConditionExpression", too_deep, values) == (
        "The expression contains too many operators; operator count: 301"
    )


def test_absurdly_nested_functions_are_refused_not_crashed() -> None:
    text = "size(" * 650 + "a" + ")" * 650 + " = :v"
    assert expression_error("FilterExpression", text, {":v": n("1")}).startswith(
        "The expression contains too many operators"
    )
