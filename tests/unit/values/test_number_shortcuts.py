"""The integer shortcuts give exactly what the Decimal path gives (canonical text, size)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynafed.dynamodb.values import (
    canonical_number,
    format_number,
    number_size,
    number_text_size,
    parse_number,
)
from dynafed.errors import ValidationException

numbers = st.one_of(
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=5).map(str),
    st.sampled_from(["0", "-0", "007", "1e3", "100", "-1000", "0.10", "+5", "1.", ".5"]),
)


@given(numbers)
def test_canonical_number_is_format_of_parse(text: str) -> None:
    try:
        expected = format_number(parse_number(text))
    except ValidationException:
        with pytest.raises(ValidationException):
            canonical_number(text)
        return
    assert canonical_number(text) == expected


@given(numbers)
def test_number_text_size_is_number_size(text: str) -> None:
    try:
        canonical = canonical_number(text)
    except ValidationException:
        return
    assert number_text_size(canonical) == number_size(Decimal(canonical))


@pytest.mark.parametrize(
    ("text", "size"), [("1", 2), ("10", 2), ("100", 2), ("-1", 3), ("12345", 4), ("99", 2)]
)
def test_sizes_of_integers(text: str, size: int) -> None:
    """Base-100 digit pairs aligned on the decimal point, an exponent byte, and a
    terminator for negatives ("DynamoDB item sizes and formats")."""
    assert number_text_size(text) == size
