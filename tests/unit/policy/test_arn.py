"""core.arn: ARN parsing and segment-wise ARN matching (IAM Resource element page;
condition operators page, "Amazon Resource Name (ARN) condition operators")."""

from __future__ import annotations

import pytest

from dynafed.core.arn import Arn, arn_pattern_matches, compile_arn_pattern, is_arn, parse_arn

TABLE = "arn:aws:dynamodb:us-west-2:123456789012:table/GameScores"


def test_parse_arn_keeps_colons_in_the_resource_segment() -> None:
    arn = parse_arn("arn:aws:states:us-east-1:123456789012:execution:machine:run-1")
    assert arn == Arn("aws", "states", "us-east-1", "123456789012", "execution:machine:run-1")
    assert str(arn) == "arn:aws:states:us-east-1:123456789012:execution:machine:run-1"


@pytest.mark.parametrize("text", ["*", "arn:aws:s3", "arn:aws:s3::", "nope:aws:s3:::b:c", ""])
def test_parse_arn_rejects_non_arns(text: str) -> None:
    assert parse_arn(text) is None


def test_parse_arn_empty_segments() -> None:
    assert parse_arn("arn:aws:s3:::bucket") == Arn("aws", "s3", "", "", "bucket")
    assert is_arn("arn:aws:s3:::bucket")
    assert not is_arn("bucket")
    assert not is_arn("arn:aws:s3")


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        (TABLE, TABLE, True),
        (TABLE, TABLE + "Archive", False),
        (TABLE + "*", TABLE + "Archive", True),
        (TABLE + "*", TABLE + "/index/TopScoreDateTimeIndex", True),
        (TABLE + "/index/*", TABLE + "/index/TopScoreDateTimeIndex", True),
        (TABLE + "/index/*", TABLE, False),
        ("arn:aws:dynamodb:*:123456789012:table/GameScores", TABLE, True),
        ("arn:aws:dynamodb:us-west-?:123456789012:table/GameScores", TABLE, True),
        ("arn:aws:dynamodb:us-west-2:*:table/*", TABLE, True),
        ("arn:aws:dynamodb:*", TABLE, True),
        ("arn:aws:s3:*", TABLE, False),
        ("*", TABLE, True),
        ("*", "*", True),
        (TABLE, "*", False),
        ("arn:aws:dynamodb:us-west-2:123456789012:Table/GameScores", TABLE, False),
    ],
)
def test_segment_wise_matching(pattern: str, value: str, expected: bool) -> None:
    assert arn_pattern_matches(pattern, value) is expected


def test_wildcard_in_a_leading_segment_never_crosses_a_colon() -> None:
    # The condition operators page's own example: ArnLike does not match, StringLike would.
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/x.txt"
    assert not arn_pattern_matches(pattern, value)
    assert arn_pattern_matches(pattern, "arn:aws:someservice:us-east-2:111122223333:finance/x")


def test_question_mark_in_a_segment_is_one_non_colon_character() -> None:
    assert arn_pattern_matches("arn:aws:s3:::b?", "arn:aws:s3:::bx")
    assert not arn_pattern_matches("arn:aws:s?:::b", "arn:aws:s:::b")
    assert not arn_pattern_matches(
        "arn:aws:dynamodb:us?west-2:1:t", "arn:aws:dynamodb:us:west-2:1:t"
    )


def test_resource_segment_star_spans_colons() -> None:
    assert arn_pattern_matches(
        "arn:aws:states:*:123456789012:execution:*", "arn:aws:states:r:123456789012:execution:m:1"
    )


def test_literal_pieces_from_variables() -> None:
    matcher = compile_arn_pattern([("arn:aws:s3:::bucket/", False), ("a*b", True), ("/*", False)])
    assert matcher("arn:aws:s3:::bucket/a*b/file")
    assert not matcher("arn:aws:s3:::bucket/axxb/file")


def test_regex_metacharacters_in_arns_are_literal() -> None:
    assert not arn_pattern_matches("arn:aws:s3:::my.bucket", "arn:aws:s3:::myxbucket")
    assert arn_pattern_matches("arn:aws:s3:::my.bucket(1)+", "arn:aws:s3:::my.bucket(1)+")
