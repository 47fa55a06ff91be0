"""What operations need to guard key attributes: updates of keys, nested access to keys,
index key types known before the item is read, and wire types of expression parameters.
Messages are DynamoDB's (dynalite's suite, run against the service).
"""

import pytest
from tests.unit.expr.helpers import compiled, n

from dynafed.dynamodb.expr import check_scalar_key_paths
from dynafed.errors import SerializationException, ValidationException


@pytest.mark.parametrize(
    "text",
    [
        "add a.b :a",
        "delete a :s",
        "remove d set b = :a, a = :a",
        "delete b :s remove a",
        "set a = a.b + a[1]",
    ],
)
def test_updating_a_key_attribute_is_refused(text: str) -> None:
    values = {
        key: value for key, value in {":a": n("1"), ":s": {"NS": ["1"]}}.items() if key in text
    }
    update = compiled(UpdateExpression=text, ExpressionAttributeValues=values or None).update
    assert update is not None
    with pytest.raises(ValidationException) as caught:
        update.check_key_not_modified(["a"])
    assert caught.value.message == (
        "One or more parameter values were invalid: Cannot update attribute a. This attribute "
        "is part of the key"
    )
    update.check_key_not_modified(["zz"])


def test_key_attributes_are_scalars_in_every_expression() -> None:
    update = compiled(UpdateExpression="set e = list_append(a, b), f = d[1]").update
    assert update is not None and update.nested_names == {"d"}
    with pytest.raises(ValidationException) as caught:
        check_scalar_key_paths(update.nested_names, ["a", "b"], ["c", "d"])
    assert caught.value.message == (
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
        "allowed: IndexKey: d"
    )
    condition = compiled(FilterExpression="attribute_exists(pk.x)").filter
    assert condition is not None
    with pytest.raises(ValidationException) as caught:
        check_scalar_key_paths(condition.nested_names, ["pk"])
    assert caught.value.message.endswith("allowed: Key: pk")


def test_static_types_of_whole_attribute_writes() -> None:
    update = compiled(
        UpdateExpression="SET c = :s, d = e + :one, f = if_not_exists(f, :s), g = h, "
        "l = list_append(l, :l), m.x = :one ADD k :one",
        ExpressionAttributeValues={":s": {"S": "x"}, ":one": n("1"), ":l": {"L": []}},
    ).update
    assert update is not None
    assert update.static_types() == {"c": "S", "d": "N", "f": "S", "l": "L", "k": "N"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ConditionExpression": 5}, "NUMBER_VALUE cannot be converted to String"),
        (
            {"ProjectionExpression": "#a", "ExpressionAttributeNames": {"#a": 5}},
            "NUMBER_VALUE cannot be converted to String",
        ),
        (
            {"ProjectionExpression": "#a", "ExpressionAttributeNames": []},
            "Unrecognized collection type java.util.Map",
        ),
        (
            {"FilterExpression": "a = :v", "ExpressionAttributeValues": {":v": {"N": 1}}},
            "NUMBER_VALUE cannot be converted to String",
        ),
    ],
)
def test_wrong_wire_types_are_serialization_errors(params: dict[str, object], message: str) -> None:
    from dynafed.dynamodb.expr import compile_expressions

    with pytest.raises(SerializationException) as caught:
        compile_expressions(params)
    assert caught.value.message == message
