"""core.wildcard: IAM's `*` / `?` matching (IAM Action and Resource element pages,
"String condition operators": `*` any run including empty, `?` exactly one character)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynafed.core.wildcard import (
    Wildcard,
    compile_glob,
    compile_pieces,
    glob_match,
    has_wildcard,
    tokenize,
)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("abc", "abc", True),
        ("abc", "abcd", False),
        ("abc", "ab", False),
        ("", "", True),
        ("", "a", False),
        ("*", "", True),
        ("*", "anything at all", True),
        ("a*", "a", True),
        ("a*", "abc", True),
        ("a*", "ba", False),
        ("*c", "abc", True),
        ("*c", "abd", False),
        ("*b*", "abc", True),
        ("*b*", "b", True),
        ("*b*", "ac", False),
        ("a*c", "ac", True),
        ("a*c", "abbbc", True),
        ("a*c", "abcd", False),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("a?c", "abbc", False),
        ("???", "abc", True),
        ("???", "ab", False),
        ("?*", "", False),
        ("?*", "x", True),
        ("a**b", "ab", True),
        ("a**b", "axxb", True),
        ("*a*b*a*", "xaxbxax", True),
        ("*a*b*a*", "xaxbx", False),
    ],
)
def test_glob_semantics(pattern: str, text: str, expected: bool) -> None:
    assert glob_match(pattern, text) is expected


def test_star_spans_slashes_colons_and_newlines() -> None:
    assert glob_match("table/*", "table/GameScores/index/X")
    assert glob_match("a*b", "a:/:b")
    assert glob_match("a*b", "a\nb")
    assert glob_match("a?b", "a\nb")


@pytest.mark.parametrize("char", list(".+()[]{}|^$\\"))
def test_regex_metacharacters_are_literal(char: str) -> None:
    # moto and PMapper fed these to re unescaped (iam-fgac.md section 9).
    assert glob_match(f"a{char}b*", f"a{char}bcd")
    assert not glob_match(f"a{char}b*", "axbcd")
    assert glob_match(f"x{char}", f"x{char}")
    assert not glob_match(f"x{char}?", f"x{char}")


def test_no_trailing_newline_leak() -> None:
    # A `$`-anchored re.match would accept "abc\n" for "abc"; a full match must not.
    assert not glob_match("abc", "abc\n")
    assert not glob_match("a?c", "abc\n")
    assert not glob_match("a*c", "abc\n")


def test_matching_is_case_sensitive_unless_asked() -> None:
    assert not glob_match("Table/*", "table/x")
    matcher = compile_glob("DynamoDB:Get*", ignore_case=True)
    assert matcher("dynamodb:getitem")


def test_literal_pieces_never_act_as_wildcards() -> None:
    # A substituted variable value is literal: a user id "*" must not widen the pattern.
    matcher = compile_pieces([("home/", False), ("*", True), ("/*", False)])
    assert matcher("home/*/file")
    assert not matcher("home/alice/file")
    question = compile_pieces([("id-", False), ("?", True)])
    assert question("id-?")
    assert not question("id-x")


def test_literal_pieces_keep_regex_metacharacters_literal() -> None:
    matcher = compile_pieces([("a", False), (".*", True), ("?", False)])
    assert matcher("a.*z")
    assert not matcher("abcz")


def test_tokenize_collapses_consecutive_stars() -> None:
    assert tokenize([("a**b", False)]) == ["a", Wildcard.STAR, "b"]
    assert tokenize([("*", False), ("*", False)]) == [Wildcard.STAR]
    assert tokenize([("*", True), ("x?", False)]) == ["*x", Wildcard.ONE]


def test_has_wildcard() -> None:
    assert has_wildcard("a*")
    assert has_wildcard("a?")
    assert not has_wildcard("abc")


def _reference_match(pattern: str, text: str) -> bool:
    """Obviously-correct recursive definition of the glob language."""
    if not pattern:
        return not text
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        return any(_reference_match(rest, text[i:]) for i in range(len(text) + 1))
    if not text:
        return False
    return (head == "?" or head == text[0]) and _reference_match(rest, text[1:])


_ALPHABET = st.sampled_from(list("ab*?.:/\n"))


@settings(max_examples=200, deadline=None)
@given(st.text(_ALPHABET, max_size=7), st.text(st.sampled_from(list("ab.:/\n*?")), max_size=8))
def test_agrees_with_recursive_definition(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) is _reference_match(pattern, text)


@settings(max_examples=100, deadline=None)
@given(
    st.text(st.sampled_from(list("ab*?")), max_size=6), st.text(st.sampled_from("ab*?"), max_size=6)
)
def test_literal_piece_equals_escaped_regex(prefix: str, literal: str) -> None:
    matcher = compile_pieces([(prefix, False), (literal, True)])
    source = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in prefix)
    expected = re.compile(source + re.escape(literal), re.DOTALL)
    for text in ("", literal, "ab" + literal, prefix + literal, "a*?b"):
        assert bool(matcher(text)) is bool(expected.fullmatch(text))
