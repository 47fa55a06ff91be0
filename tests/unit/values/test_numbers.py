"""Number rules: canonical form, range and precision limits, stored size.

AWS references: Developer Guide "Supported data types" (38 significant digits, magnitude
1E-130..9.99..E+125) and "DynamoDB item sizes and formats" (number size); error texts as
DynamoDB returns them.
"""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynafed.dynamodb.values import format_number, number_size, parse_number
from dynafed.errors import ValidationException


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1.50", "1.5"),
        ("-0", "0"),
        ("0.000", "0"),
        ("1e2", "100"),
        ("1E+2", "100"),
        ("+.5", "0.5"),
        ("5.", "5"),
        ("-12.3400", "-12.34"),
        ("0.00001", "0.00001"),
        ("1e-5", "0.00001"),
        ("007", "7"),
        ("1E+125", "1" + "0" * 125),
        ("-1e-130", "-0." + "0" * 129 + "1"),
    ],
)
def test_numbers_are_returned_in_canonical_form(text: str, canonical: str) -> None:
    assert format_number(parse_number(text)) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The parameter cannot be converted to a numeric value"),
        ("b", "The parameter cannot be converted to a numeric value: b"),
        ("12e", "The parameter cannot be converted to a numeric value: 12e"),
        ("1_000", "The parameter cannot be converted to a numeric value: 1_000"),
        ("NaN", "The parameter cannot be converted to a numeric value: NaN"),
        ("Infinity", "The parameter cannot be converted to a numeric value: Infinity"),
        (" 1", "The parameter cannot be converted to a numeric value:  1"),
        (
            "1e126",
            "Number overflow. Attempting to store a number with magnitude larger than "
            "supported range",
        ),
        (
            "-1e126",
            "Number overflow. Attempting to store a number with magnitude larger than "
            "supported range",
        ),
        (
            "1e-131",
            "Number underflow. Attempting to store a number with magnitude smaller than "
            "supported range",
        ),
        (
            "123456789012345678901234567890123456789",
            "Attempting to store more than 38 significant digits in a Number",
        ),
        (
            "-1.23456789012345678901234567890123456789",
            "Attempting to store more than 38 significant digits in a Number",
        ),
    ],
)
def test_invalid_numbers_are_refused_with_dynamodbs_message(text: str, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        parse_number(text)
    assert caught.value.message == message


def test_the_extremes_of_the_range_are_accepted() -> None:
    largest = "9.9999999999999999999999999999999999999E+125"
    assert Decimal(format_number(parse_number(largest))) == Decimal(largest)
    assert format_number(parse_number("1E-130")).endswith("1")
    # trailing zeros are not significant digits
    assert format_number(parse_number("1" * 38 + "0" * 88)) == "1" * 38 + "0" * 88


@pytest.mark.parametrize(
    ("text", "size"),
    [
        # Sizes measured against DynamoDB through the 400 KB limit and consumed capacity.
        ("12.3456", 4),
        ("1" * 38 + "0" * 88, 20),
        ("1" + "0" * 125, 2),
        ("11" + "0" * 124, 2),
        ("11111" + "0" * 121, 4),
        ("111111" + "0" * 120, 4),
        ("1111111" + "0" * 119, 5),
        ("0", 1),
        ("1", 2),
        ("-1", 3),
        ("100.5", 4),
    ],
)
def test_number_size_counts_base_100_digits(text: str, size: int) -> None:
    assert number_size(Decimal(text)) == size


# Any storable number: up to 38 significant digits, magnitude within 1E-130..1E+126.
storable = st.builds(
    lambda digits, exponent: Decimal(f"{digits}E{exponent}"),
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.integers(min_value=-168, max_value=88),
).filter(lambda d: d == 0 or -130 <= d.adjusted() <= 125)


@settings(max_examples=300, deadline=None)
@given(storable)
def test_canonical_form_keeps_the_value_and_is_stable(value: Decimal) -> None:
    text = format_number(parse_number(str(value)))
    assert Decimal(text) == value
    assert "e" not in text.lower()
    assert not ("." in text and text.endswith("0"))
    assert format_number(parse_number(text)) == text
