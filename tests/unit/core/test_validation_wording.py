"""One constraint checker, each service's wording; Query parameters read by the shape."""

from __future__ import annotations

import pytest

from dynafed.core.validation.constraints import DYNAMODB, Wording, check_constraints
from dynafed.core.validation.failures import MalformedValue, ValidationFailed
from dynafed.core.validation.query_input import read_query
from dynafed.core.validation.shapes import Bool, ListOf, Long, MapOf, Str, Struct

NAME = Str(required=True, min_len=1, max_len=8, pattern=r"[\w+=,.@-]+")
TAG = Struct(
    name="Tag",
    fields={
        "Key": Str(required=True, min_len=1, max_len=128, pattern=r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"),
        "Value": Str(required=True, min_len=0, max_len=256, pattern=r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"),
    },
)
SHAPE = Struct(
    name="Input",
    fields={
        "Zeta": Str(min_len=2),
        "Name": NAME,
        "Secret": Str(min_len=8, sensitive=True),
        "Keys": ListOf(member=Str(min_len=1, max_len=4), max_len=3),
        "Tags": ListOf(member=TAG, max_len=2),
        "Max": Long(minimum=1, maximum=10),
        "Flag": Bool(),
        "Labels": MapOf(value=Str()),
        "Inner": Struct(name="Inner", fields={"Depth": Long(minimum=0)}),
    },
)
IAM = Wording(echo_values=False, lengths_first=True, sorted_by_path=True, scalar_lists_as_one=True)


def _message(body: dict[str, object], wording: Wording = DYNAMODB) -> str:
    with pytest.raises(ValidationFailed) as failed:
        check_constraints(SHAPE, body, wording)
    return str(failed.value)


def test_dynamodb_wording_echoes_values_pattern_first_in_member_order() -> None:
    assert _message({"Zeta": "z", "Name": "bad name!"}) == (
        "3 validation errors detected: "
        "Value 'z' at 'zeta' failed to satisfy constraint: Member must have length greater "
        "than or equal to 2; "
        "Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\w+=,.@-]+; "
        "Value 'bad name!' at 'name' failed to satisfy constraint: Member must have length less "
        "than or equal to 8"
    )


def test_iam_wording_hides_values_puts_lengths_first_and_sorts_by_path() -> None:
    assert _message({"Zeta": "z", "Name": "bad name!"}, IAM) == (
        "3 validation errors detected: "
        "Value at 'name' failed to satisfy constraint: Member must have length less than or "
        "equal to 8; "
        "Value at 'name' failed to satisfy constraint: Member must satisfy regular expression "
        "pattern: [\\w+=,.@-]+; "
        "Value at 'zeta' failed to satisfy constraint: Member must have length greater than or "
        "equal to 2"
    )


def test_iam_reports_a_list_of_strings_once_with_the_member_constraints() -> None:
    message = _message({"Name": "ok", "Keys": ["a", "toolong"]}, IAM)
    assert message == (
        "1 validation error detected: Value at 'keys' failed to satisfy constraint: Member must "
        "satisfy constraint: [Member must have length less than or equal to 4, Member must "
        "have length greater than or equal to 1]"
    )
    per_member = _message({"Name": "ok", "Keys": ["a", "toolong"]})
    assert "at 'keys.2.member'" in per_member


def test_missing_required_members_and_sensitive_values() -> None:
    assert _message({"Secret": "short"}) == (
        "2 validation errors detected: "
        "Value null at 'name' failed to satisfy constraint: Member must not be null; "
        "Value '***' at 'secret' failed to satisfy constraint: Member must have length greater "
        "than or equal to 8"
    )
    assert _message({}, IAM).startswith("1 validation error detected: Value at 'name' ")


def test_a_long_value_is_cut_where_the_wording_says() -> None:
    message = _message({"Name": "x" * 300}, Wording(echo_limit=256))
    assert f"Value '{'x' * 256}...' at 'name'" in message


def test_unicode_category_patterns_check_each_character() -> None:
    check_constraints(SHAPE, {"Name": "ok", "Tags": [{"Key": "Émile 7", "Value": ""}]})
    message = _message({"Name": "ok", "Tags": [{"Key": "a;b", "Value": "c"}]})
    assert "at 'tags.1.member.key'" in message and "regular expression pattern" in message
    message = _message({"Name": "ok", "Tags": [{"Key": "", "Value": "v"}]})
    assert "length greater than or equal to 1" in message


def test_query_parameters_are_read_by_the_shape() -> None:
    params = {
        "Name": "alice",
        "Keys.member.1": "a",
        "Keys.member.2": "b",
        "Tags.member.1.Key": "team",
        "Tags.member.1.Value": "blue",
        "Max": " 7 ",
        "Flag": "TRUE",
        "Labels.entry.1.key": "k",
        "Labels.entry.1.value": "v",
        "Inner.Depth": "2",
        "Unknown": "ignored",
    }
    assert read_query(params, SHAPE) == {
        "Name": "alice",
        "Keys": ["a", "b"],
        "Tags": [{"Key": "team", "Value": "blue"}],
        "Max": 7,
        "Flag": True,
        "Labels": {"k": "v"},
        "Inner": {"Depth": 2},
    }
    assert read_query({"Keys": ""}, SHAPE) == {"Keys": []}


@pytest.mark.parametrize("params", [{"Max": "ten"}, {"Flag": "yes"}])
def test_a_number_or_boolean_that_does_not_parse_is_malformed(params: dict[str, str]) -> None:
    with pytest.raises(MalformedValue) as malformed:
        read_query(params, SHAPE)
    assert (malformed.value.parameter, malformed.value.text) == next(iter(params.items()))
