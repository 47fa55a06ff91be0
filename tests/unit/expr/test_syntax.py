"""Errors that depend only on an expression's text: syntax (with DynamoDB's token/near
rendering), empty and oversized expressions, redundant parentheses, reserved words,
functions used where they are not allowed, list indexes, repeated update sections.

Expected texts come from DynamoDB (its validator's sentences, and messages captured from
the service); see the Developer Guide pages "Expressions", "Reserved words" and
"Update expressions".
"""

import pytest
from tests.unit.expr.helpers import error

MISUSED = "The function is not allowed to be used this way in an expression; function: "
NAMES = {"#a": "a", "#c": "c", "#comment": "COMMENT", "#list": "list"}


@pytest.mark.parametrize(
    ("param", "text", "token", "near"),
    [
        ("ConditionExpression", "a x", "x", "a x"),
        ("ConditionExpression", "a > 4", "4", "> 4"),
        ("ConditionExpression", "a = ", "<EOF>", "= "),
        ("ConditionExpression", "#list[-1].#comment = #a", "-", "[-1"),
        ("ConditionExpression", "#list[abc].#comment = #a", "abc", "[abc]"),
        ("ProjectionExpression", "#list[].#comment", "]", "[]."),
        ("ProjectionExpression", "a,", "<EOF>", ","),
        ("ProjectionExpression", "a b", "b", "a b"),
        ("UpdateExpression", "SET", "<EOF>", "SET"),
        ("UpdateExpression", "ADD numx", "<EOF>", "numx"),
        ("UpdateExpression", "ADD numx 1", "1", "numx 1"),
        ("UpdateExpression", "DELETE setx a", "a", "setx a"),
        ("UpdateExpression", "SET note = #a +", "<EOF>", "+"),
        ("UpdateExpression", "SET numx = numx * #a", "*", "numx * #a"),
        ("UpdateExpression", "SET numx = numx / #a", "/", "numx / #a"),
        ("UpdateExpression", "SET #list[0.#comment = #a", ".", "0.#comment"),
    ],
)
def test_syntax_errors_name_the_token_and_its_neighbours(
    param: str, text: str, token: str, near: str
) -> None:
    assert error(**{param: text}, ExpressionAttributeNames=NAMES) == (
        f'Invalid {param}: Syntax error; token: "{token}", near: "{near}"'
    )


@pytest.mark.parametrize(
    "text",
    [
        "things are not gonna be ok",
        "attribute_exists(Pictures-RearView)",
        'attribute_exists("Pictures.RearView")',
        "attribute_exists(Pictures..RearView)",
        "attribute_exists(Pi#ctures.RearView)",
        "attribute_exists(asdf[a])",
        "a.:a < b.:b",
        "a in b, c",
        "a > between",
        "a in b",
        "a in (b,c,)",
        "(a)between(b.(c.d))and(c)",
        "(a)between(b.c.d)and((c)",
        "#$.b > a",
        "a > :things.stuff",
        "b[:a] > a",
        "b[#_] > a",
        "ü > a",
        "(a)between(b.c[4.5].#d)and(:a)",
        "size(a).b > a",
        "(size(a)).b > a",
        "size(a)[0] > a",
        "   ",
    ],
)
def test_malformed_conditions_are_syntax_errors(text: str) -> None:
    assert error(FilterExpression=text).startswith("Invalid FilterExpression: Syntax error; ")


@pytest.mark.parametrize(
    "text",
    [
        "whatever",
        "set a",
        "add a",
        "set a=set",
        "remove a = b",
        "add a = b",
        "delete a b",
        "remove a b",
        "set :a = b",
        "remove :a",
        "set a = b * c",
        'set a[1] = "eight"',
        "set a[1] = 1",
        "SET if_not_exist(a, b) = a",
        "set (a = (b + c))",
        "set a = (b.c).d + e",
        "set a = b + c + d",
    ],
)
def test_malformed_updates_are_syntax_errors(text: str) -> None:
    assert error(UpdateExpression=text).startswith("Invalid UpdateExpression: Syntax error; ")


@pytest.mark.parametrize(
    "param",
    [
        "ConditionExpression",
        "FilterExpression",
        "KeyConditionExpression",
        "UpdateExpression",
        "ProjectionExpression",
    ],
)
def test_empty_expressions_are_refused(param: str) -> None:
    assert error(**{param: ""}) == f"Invalid {param}: The expression can not be empty;"


@pytest.mark.parametrize(
    ("param", "text", "suffix"),
    [
        ("FilterExpression", "a" * 4097 + " = b", " expression size: 4101"),
        (
            "ConditionExpression",
            "attribute_not_exists(" + "a" * 4097 + ")",
            " expression size: 4119",
        ),
        ("ProjectionExpression", "a" * 4097, ""),
        ("UpdateExpression", "SET " + "a" * 4097 + " = b", ""),
        ("KeyConditionExpression", "pk = :p AND " + "a" * 4097 + " = :q", ""),
    ],
)
def test_expressions_over_4_kb_are_refused(param: str, text: str, suffix: str) -> None:
    # Captured on DynamoDB: only conditions and filters report the size.
    assert error(**{param: text}) == (
        f"Invalid {param}: Expression size has exceeded the maximum allowed size;{suffix}"
    )


def test_an_expression_of_exactly_4_kb_is_accepted() -> None:
    from tests.unit.expr.helpers import compiled

    assert compiled(ProjectionExpression="a" + "z" * 4095).projection is not None


@pytest.mark.parametrize(
    "text",
    [
        "a=a and a > ((views))",
        "(a)between(((b.c)).d)and(c)",
        "a > whatever((:things), ((a)))",
        "a=a AND ((a=a AND a=a)) AND a=a",
        "a=a OR ((a=a OR a=a)) OR a=a",
        "a=a AND ((a=a AND (a=a AND a=a)))",
        "((a = b))",
        "NOT ((a = b))",
    ],
)
def test_doubled_parentheses_are_redundant(text: str) -> None:
    assert error(FilterExpression=text) == (
        "Invalid FilterExpression: The expression has redundant parentheses;"
    )


def test_doubled_parentheses_in_an_update_are_redundant() -> None:
    assert error(UpdateExpression="SET a = ((b))") == (
        "Invalid UpdateExpression: The expression has redundant parentheses;"
    )


@pytest.mark.parametrize(
    ("param", "text", "word"),
    [
        ("FilterExpression", "attribute_exists(views, #a)", "views"),
        ("FilterExpression", ":a < abOrT", "abOrT"),
        ("ProjectionExpression", "list[0].COMMENT", "list"),
        ("ProjectionExpression", "#list[0].COMMENT", "COMMENT"),
        ("UpdateExpression", " set #c = :c set abOrt = :a ", "abOrt"),
        ("UpdateExpression", " remove Absolute ", "Absolute"),
        ("KeyConditionExpression", "data.foo = :v", "data"),
    ],
)
def test_reserved_words_must_be_escaped(param: str, text: str, word: str) -> None:
    # Reserved words are found before placeholders are looked up.
    assert error(**{param: text}) == (
        f"Invalid {param}: Attribute name is a reserved keyword; reserved keyword: {word}"
    )


@pytest.mark.parametrize(
    ("param", "text", "message"),
    [
        (
            "FilterExpression",
            "a=a and whatever((:things)) > a",
            "Invalid function name; function: whatever",
        ),
        (
            "FilterExpression",
            "attRIbute_exIsts((views), #a)",
            "Invalid function name; function: attRIbute_exIsts",
        ),
        (
            "UpdateExpression",
            "set #c = if_not_exist(:c) set c = d",
            "Invalid function name; function: if_not_exist",
        ),
        (
            "FilterExpression",
            "a=a and attribute_exists((views), (#a)) > b",
            MISUSED + "attribute_exists",
        ),
        (
            "FilterExpression",
            "attribute_not_exists(things) > b",
            MISUSED + "attribute_not_exists",
        ),
        (
            "FilterExpression",
            "contains(:things, c) > b",
            MISUSED + "contains",
        ),
        (
            "FilterExpression",
            "size(contains(a, b)) > a",
            MISUSED + "contains",
        ),
        (
            "FilterExpression",
            "size(things)",
            MISUSED + "size",
        ),
        (
            "FilterExpression",
            "a between b and attribute_exists(things)",
            MISUSED + "attribute_exists",
        ),
        (
            "FilterExpression",
            "a in (b, attribute_exists(things))",
            MISUSED + "attribute_exists",
        ),
        (
            "FilterExpression",
            "if_not_exists(a, b) = c",
            "The function is not allowed in a condition expression; function: if_not_exists",
        ),
        (
            "UpdateExpression",
            "SET a = size(b)",
            "The function is not allowed in an update expression; function: size",
        ),
        (
            "UpdateExpression",
            "SET a = b + list_append(c, d)",
            MISUSED + "list_append",
        ),
        (
            "UpdateExpression",
            "SET a = list_append(list_append(b, c), d)",
            MISUSED + "list_append",
        ),
        (
            "ConditionExpression",
            "a[2147483648] = b",
            "List index is not within the allowable range; index: [2147483648]",
        ),
    ],
)
def test_text_only_rules(param: str, text: str, message: str) -> None:
    assert error(**{param: text}) == f"Invalid {param}: {message}"


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("set a = #c set c = :d", "SET"),
        ("remove #d set a = b remove e", "REMOVE"),
        ("add #d :e set a = b add e :f", "ADD"),
        ("delete #d :e set a = b delete #e :f", "DELETE"),
    ],
)
def test_each_update_section_is_allowed_once(text: str, section: str) -> None:
    assert error(UpdateExpression=text) == (
        f'Invalid UpdateExpression: The "{section}" section can only be used once in an '
        "update expression;"
    )
