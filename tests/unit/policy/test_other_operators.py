"""Bool, Binary, IP address, ARN and Null condition operators (IAM condition operators page)."""

from __future__ import annotations

import base64

import pytest
from tests.unit.policy.support import condition_holds

SECURE = "aws:SecureTransport"
SOURCE_IP = "aws:SourceIp"
SOURCE_ARN = "aws:SourceArn"


@pytest.mark.parametrize(
    ("policy", "context", "expected"),
    [
        ("true", "true", True),
        ("true", "TRUE", True),
        (True, "true", True),
        ("false", "true", False),
        (False, "false", True),
        ("yes", "yes", False),
        ("true", "1", False),
    ],
)
def test_bool(policy: object, context: str, expected: bool) -> None:
    assert condition_holds("Bool", SECURE, policy, {SECURE: context}) is expected


def test_bool_absent_key() -> None:
    assert not condition_holds("Bool", SECURE, "true", {})
    assert condition_holds("BoolIfExists", SECURE, "true", {})


def test_binary_compares_decoded_bytes() -> None:
    key = "custom:blob"
    encoded = base64.b64encode(b"\x00\xffdata").decode()
    assert condition_holds("BinaryEquals", key, encoded, {key: encoded})
    assert not condition_holds("BinaryEquals", key, encoded, {key: base64.b64encode(b"x").decode()})
    assert not condition_holds("BinaryEquals", key, encoded, {key: "not base64!"})


@pytest.mark.parametrize(
    ("policy", "address", "expected"),
    [
        ("203.0.113.0/24", "203.0.113.7", True),
        ("203.0.113.0/24", "203.0.114.7", False),
        ("203.0.113.7", "203.0.113.7", True),
        ("203.0.113.7", "203.0.113.8", False),
        ("2001:db8::/32", "2001:db8:1234::1", True),
        ("2001:db8::/32", "2001:db9::1", False),
        ("2001:db8::1", "2001:db8::1", True),
        ("203.0.113.0/24", "2001:db8::1", False),
        (["10.0.0.0/8", "2001:db8::/32"], "2001:db8::5", True),
        ("203.0.113.0/24", "not-an-ip", False),
    ],
)
def test_ip_address(policy: object, address: str, expected: bool) -> None:
    assert condition_holds("IpAddress", SOURCE_IP, policy, {SOURCE_IP: address}) is expected


def test_not_ip_address() -> None:
    assert condition_holds("NotIpAddress", SOURCE_IP, "10.0.0.0/8", {SOURCE_IP: "192.0.2.1"})
    assert not condition_holds("NotIpAddress", SOURCE_IP, "10.0.0.0/8", {SOURCE_IP: "10.1.2.3"})
    # Negated operators are true on an absent key (PMapper's simulator notes).
    assert condition_holds("NotIpAddress", SOURCE_IP, "10.0.0.0/8", {})


@pytest.mark.parametrize("operator", ["ArnLike", "ArnEquals"])
def test_arn_like_and_arn_equals_behave_identically(operator: str) -> None:
    pattern = "arn:aws:sns:*:123456789012:topic-*"
    assert condition_holds(
        operator, SOURCE_ARN, pattern, {SOURCE_ARN: "arn:aws:sns:us-east-1:123456789012:topic-a"}
    )
    assert not condition_holds(
        operator, SOURCE_ARN, pattern, {SOURCE_ARN: "arn:aws:sns:us-east-1:999999999999:topic-a"}
    )


@pytest.mark.parametrize("operator", ["ArnNotLike", "ArnNotEquals"])
def test_arn_negated(operator: str) -> None:
    pattern = "arn:aws:sns:*:123456789012:*"
    assert condition_holds(
        operator, SOURCE_ARN, pattern, {SOURCE_ARN: "arn:aws:sns:r:999999999999:t"}
    )
    assert not condition_holds(
        operator, SOURCE_ARN, pattern, {SOURCE_ARN: "arn:aws:sns:r:123456789012:t"}
    )
    assert condition_holds(operator, SOURCE_ARN, pattern, {})


def test_arn_segments_do_not_let_a_wildcard_cross_a_colon() -> None:
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/x"
    assert not condition_holds("ArnLike", SOURCE_ARN, pattern, {SOURCE_ARN: value})
    assert condition_holds("StringLike", SOURCE_ARN, pattern, {SOURCE_ARN: value})


@pytest.mark.parametrize("operator", ["ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals"])
def test_a_context_value_that_is_not_an_arn_fails_both_forms(operator: str) -> None:
    # IAM simulator behaviour recorded by PMapper (iam-fgac.md 3.8 [C]).
    assert not condition_holds(operator, SOURCE_ARN, "*", {SOURCE_ARN: "not-an-arn"})


@pytest.mark.parametrize(
    ("policy", "context", "expected"),
    [
        ("true", {}, True),
        ("true", {"k:x": []}, True),
        ("true", {"k:x": "v"}, False),
        ("true", {"k:x": ""}, False),
        ("false", {"k:x": "v"}, True),
        ("false", {"k:x": ""}, True),
        ("false", {}, False),
        (True, {}, True),
        ("maybe", {}, False),
    ],
)
def test_null(policy: object, context: dict[str, object], expected: bool) -> None:
    assert condition_holds("Null", "k:x", policy, context) is expected  # type: ignore[arg-type]


def test_null_under_set_qualifiers() -> None:
    # Access Analyzer "Null with qualifier": ForAllValues always true, ForAnyValue always false.
    assert condition_holds("ForAllValues:Null", "k:x", "false", {})
    assert not condition_holds("ForAnyValue:Null", "k:x", "true", {})
