"""Policy variables (IAM "Variables and tags" page; iam-fgac.md section 4)."""

from __future__ import annotations

import pytest
from tests.unit.policy.support import allow, condition_holds, decide, document

from dynafed.errors import MalformedPolicyDocument
from dynafed.policy.variables import Escaped, Template, Variable, parse_template

USER = "www.amazon.com:user_id"
U = "amzn1.account.AGJZDKHJKAUUSW6C44CHPEXAMPLE"


def test_parse_template_parts() -> None:
    template = parse_template("home/${aws:username}/${*}x${AWS:PrincipalTag/team, 'no one'}")
    assert template.parts == (
        "home/",
        Variable("aws:username", "aws:username"),
        "/",
        Escaped("*"),
        "x",
        Variable("aws:principaltag/team", "AWS:PrincipalTag/team", "no one"),
    )


def test_text_without_variables_is_one_literal_part() -> None:
    assert parse_template("plain $ { text").parts == ("plain $ { text",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("${aws:username", "Missing brace in variable"),
        ("${}", "Empty variable"),
        ("${aws: username}", "Unsupported space in variable"),
        ("${aws:username, default}", "Missing quote in variable"),
        ("${aws:username, 'default}", "Missing quote in variable"),
        ("${aws:username, 'x' y}", "Missing brace in variable"),
    ],
)
def test_variable_syntax_errors(text: str, problem: str) -> None:
    with pytest.raises(MalformedPolicyDocument) as raised:
        parse_template(text)
    assert raised.value.message.startswith(problem)


def test_substitution_in_condition_values() -> None:
    assert condition_holds(
        "StringEquals",
        "dynamodb:LeadingKeys",
        "${www.amazon.com:user_id}",
        {"dynamodb:LeadingKeys": U, USER: U},
    )
    assert not condition_holds(
        "StringEquals",
        "dynamodb:LeadingKeys",
        "${www.amazon.com:user_id}",
        {"dynamodb:LeadingKeys": "someone-else", USER: U},
    )


def test_variable_names_are_case_insensitive() -> None:
    assert condition_holds("StringEquals", "k:v", "${WWW.AMAZON.COM:USER_ID}", {"k:v": U, USER: U})


def test_unresolved_variable_never_matches_even_its_own_text() -> None:
    # Never compare against the literal "${...}" (Variables page, "no value").
    literal = "${www.amazon.com:user_id}"
    assert not condition_holds("StringEquals", "k:v", literal, {"k:v": literal})
    assert not condition_holds("StringLike", "k:v", literal, {"k:v": literal})
    assert condition_holds("StringNotEquals", "k:v", literal, {"k:v": literal})


def test_unresolved_value_is_dropped_from_the_alternatives() -> None:
    values = ["${aws:username}", "fixed"]
    assert condition_holds("StringEquals", "k:v", values, {"k:v": "fixed"})


def test_default_value_is_used_when_the_key_is_absent() -> None:
    policy = "${aws:PrincipalTag/team, 'none'}"
    assert condition_holds("StringEquals", "k:v", policy, {"k:v": "none"})
    assert condition_holds(
        "StringEquals", "k:v", policy, {"k:v": "red", "aws:PrincipalTag/team": "red"}
    )
    assert not condition_holds(
        "StringEquals", "k:v", policy, {"k:v": "none", "aws:PrincipalTag/team": "red"}
    )


def test_multivalued_key_is_no_value() -> None:
    assert not condition_holds(
        "StringEquals", "k:v", "${k:multi}", {"k:v": "a", "k:multi": ["a", "b"]}
    )


def test_escapes() -> None:
    assert condition_holds("StringLike", "k:v", "a${*}b", {"k:v": "a*b"})
    assert not condition_holds("StringLike", "k:v", "a${*}b", {"k:v": "axxb"})
    assert condition_holds("StringEquals", "k:v", "${$}{x}", {"k:v": "${x}"})
    assert condition_holds("StringLike", "k:v", "${?}", {"k:v": "?"})


def test_substituted_value_is_literal_in_like_operators() -> None:
    assert condition_holds(
        "StringLike", "k:v", "home/${aws:userid}/*", {"k:v": "home/*/x", "aws:userid": "*"}
    )
    assert not condition_holds(
        "StringLike", "k:v", "home/${aws:userid}/*", {"k:v": "home/bob/x", "aws:userid": "*"}
    )


def test_substitution_is_single_pass() -> None:
    context = {"k:v": "${aws:other}", "aws:userid": "${aws:other}", "aws:other": "x"}
    assert condition_holds("StringEquals", "k:v", "${aws:userid}", context)


def test_no_substitution_without_version_2012() -> None:
    # Version page: in 2008-10-17 (or missing Version) ${...} is literal text.
    literal = "${aws:username}"
    for version in (None, "2008-10-17"):
        assert condition_holds(
            "StringEquals", "k:v", literal, {"k:v": literal, "aws:username": "bob"}, version=version
        )
        assert not condition_holds(
            "StringEquals", "k:v", literal, {"k:v": "bob", "aws:username": "bob"}, version=version
        )


def test_variables_in_resources() -> None:
    text = document(allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:userid}/*"))
    context = {"aws:userid": "AROA:bob"}
    assert decide(text, resource="arn:aws:s3:::bucket/home/AROA:bob/f", context=context).allowed
    assert not decide(text, resource="arn:aws:s3:::bucket/home/alice/f", context=context).allowed
    # No value: the resource matches nothing, not even its own literal text.
    assert not decide(text, resource="arn:aws:s3:::bucket/home/${aws:userid}/f").allowed


def test_variable_in_resource_is_literal() -> None:
    text = document(allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:userid}"))
    assert not decide(
        text, resource="arn:aws:s3:::bucket/anything", context={"aws:userid": "*"}
    ).allowed


def test_template_reports_its_variables() -> None:
    template: Template = parse_template("${a:b}-${c:d, 'x'}-${*}")
    assert [v.key for v in template.variables] == ["a:b", "c:d"]
    assert not template.is_constant
    assert parse_template("${*}").is_constant
