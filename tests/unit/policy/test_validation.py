"""Document validation: IAM's MalformedPolicyDocument messages (iam-fgac.md 1.1 and 1.3).

The wording and the order of checks follow IAM's recorded responses (every message and its
evidence: src/dynafed/policy/messages.py; the recorded cases themselves are pinned in
tests/conformance/policy/validation.yaml). "LS invalid-N / valid-N" below names a CreatePolicy
case recorded against AWS in localstack/localstack
tests/aws/services/iam/test_iam_policies.snapshot.json."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.unit.policy.support import allow, condition_holds, decide, deny, document

from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import PolicyKind, parse_policy

SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"


def rejection(text: str, kind: PolicyKind = PolicyKind.IDENTITY) -> str:
    with pytest.raises(MalformedPolicyDocument) as raised:
        parse_policy(text, kind)
    assert raised.value.code == "MalformedPolicyDocument"
    assert raised.value.status == 400
    return raised.value.message


def with_statement(**statement: Any) -> str:
    return document(statement)


BASE = '"Effect": "Allow", "Action": "s3:*", "Resource": "*"'


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"Version": "2012-10-17", "Statement": []}',
        '{"Version": "2012-10-17"}',
        '{"Version": "2012-10-17", "Statement": "x"}',
        '{"Version": "2012-10-18", "Statement": {' + BASE + "}}",
        '{"Statement": {' + BASE + '}, "Extra": 1}',
        '{"Statement": {"Effect": "Deny", ' + BASE + "}}",
        '{"Statement": {' + BASE + ', "Condition": {"Bool": {"a:b": "1", "a:b": "2"}}}}',
        '{"Statement": {' + BASE + ', "Condition": {"Bool": {"a:b": NaN}}}}',
    ],
)
def test_syntax_errors(text: str) -> None:
    assert rejection(text) == SYNTAX


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Permit", "Action": "s3:*", "Resource": "*"},
        {"Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:Get*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "*"},
        {"Effect": "Allow", "Action": 3, "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:*", 3], "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Sid": 1},
        {"Effect": "Allow", "action": "s3:*", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEqualz": {"a:b": "c"}},
        },
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"stringequals": {"a:b": "c"}},
        },
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"a:b": {"x": 1}}},
        },
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"a:b": None}},
        },
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEquals": "a:b"},
        },
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"ForAllValues:ForAnyValue:StringEquals": {"a:b": "c"}},
        },
    ],
)
def test_statement_syntax_errors(statement: dict[str, Any]) -> None:
    assert rejection(with_statement(**statement)) == SYNTAX


def test_effect_case_is_a_legacy_parsing_error() -> None:
    assert rejection(with_statement(Effect="allow", Action="s3:*", Resource="*")) == LEGACY


@pytest.mark.parametrize(
    "value",
    [
        "tomorrow",
        "2026-13",  # month (LS invalid-72)
        "2026-02-31T24:00",  # hour
        "2026-02-18T10:00:00+1",  # one-digit zone (LS invalid-73)
        "2026-02-18T10:00:00.1234567890Z",  # ten fraction digits (LS invalid-74)
        "9223372036854775808",  # past 2^63 - 1 (LS invalid-75)
        "2026-02-18T10:00:00+24:00",
        "",
    ],
)
def test_date_values_iam_refuses(value: str) -> None:
    text = document(allow(Condition={"DateLessThan": {"aws:CurrentTime": value}}))
    assert rejection(text) == LEGACY


@pytest.mark.parametrize(
    "value",
    [
        "2026-02-18T10:00:00Z",
        "2026-02-18T10:00:00.123456789+05:30",
        "2026-02-18T10:00-05:00",
        "2026-02",
        "01T",  # LS valid-30
        "2016-12-13t2:00:00.593194+23",  # LS valid-36
        "-292275054",  # LS valid-37
        "1771408800",
    ],
)
def test_date_values_iam_accepts(value: str) -> None:
    parse_policy(
        document(allow(Condition={"DateLessThan": {"aws:CurrentTime": value}})),
        PolicyKind.MANAGED,
    )


def test_a_date_iam_accepts_but_cannot_be_read_never_matches() -> None:
    assert not condition_holds("DateLessThan", "aws:CurrentTime", "01T", {"aws:CurrentTime": "1"})
    assert condition_holds(
        "DateNotEquals", "aws:CurrentTime", "01T", {"aws:CurrentTime": "2026-02-18T10:00:00Z"}
    )


def test_missing_actions_and_resources() -> None:
    assert (
        rejection(with_statement(Effect="Allow", Resource="*"))
        == "Policy statement must contain actions."
    )
    assert (
        rejection(with_statement(Effect="Allow", Action=[], Resource="*"))
        == "Policy statement must contain actions."
    )
    assert (
        rejection(with_statement(Effect="Allow", Action="s3:*"))
        == "Policy statement must contain resources."
    )
    assert (
        rejection(with_statement(Effect="Allow", Action="s3:*", Resource=[]))
        == "Policy statement must contain resources."
    )


def test_sids() -> None:
    duplicate = document(allow(Sid="A"), allow(Sid="A"))
    assert rejection(duplicate) == "Statement IDs (SID) in a single policy must be unique."
    assert rejection(document(allow(Sid="has space"))).startswith(
        "Statement IDs (SID) must be alpha-numeric."
    )
    parse_policy(document(allow(Sid=""), allow(Sid="")), PolicyKind.IDENTITY)  # empty Sids are fine


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("GetObject", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        ("", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        ("s3:Get:Object", "Actions/Condition can contain only one colon."),
        ("s_3:GetObject", "Vendor s_3 is not valid"),
    ],
)
def test_action_format(action: str, message: str) -> None:
    assert rejection(document(allow(action))) == message


@pytest.mark.parametrize(
    "action", ["*", "s3:*", "*:GetObject", "dynamodb:Get?tem", "execute-api:Invoke", "a.b:c"]
)
def test_accepted_actions(action: str) -> None:
    parse_policy(document(allow(action)), PolicyKind.IDENTITY)


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        ("bucket", 'Resource bucket must be in ARN format or "*".'),
        ("arn:aws", "Resource vendor must be fully qualified and cannot contain regexes."),
        (
            "arn:aws:*:us-east-1:1:x",
            "Resource vendor must be fully qualified and cannot contain regexes.",
        ),
        ("arn:foo:s3:::b", 'Partition "foo" is not valid for resource "arn:foo:s3:::b".'),
        ("arn:foo", 'Partition "foo" is not valid for resource "arn:foo:*:*:*:*".'),
        (
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "IAM resource arn:aws:iam:us-east-1:123456789012:role/x"
            " cannot contain region information.",
        ),
    ],
)
def test_resource_format(resource: str, message: str) -> None:
    assert rejection(document(allow(resource=resource))) == message


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3::b",  # a `::` in an ARN of fewer than six segments (LS invalid-36)
        "arn:aws::us-east-1:1:x",  # an empty service segment (LS invalid-68, -77)
        "arn:aws::::t",
    ],
)
def test_legacy_resource_parsing(resource: str) -> None:
    assert rejection(document(allow(resource=resource))) == LEGACY


def test_a_resource_format_error_stops_legacy_parsing_of_later_resources() -> None:
    # LS invalid-25: the first resource's error is reported, the second's `::` never is.
    later_statement = document(allow(resource="bucket"), allow(resource="arn:aws:s3::b"))
    assert rejection(later_statement) == 'Resource bucket must be in ARN format or "*".'
    earlier = document(allow(resource="arn:aws:s3::b"), allow(resource="bucket"))
    assert rejection(earlier) == LEGACY


IAM_PATH = (
    'IAM resource path must either be "*", root, or start with user/, federated-user/, role/, '
    "group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, "
    "oidc-provider/, report/, access-report/."
)


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:iam:::GameRole", "arn:aws:iam::123456789012:roles/x", "arn:aws:iam::1:x*"],
)
def test_iam_resource_paths_refused(resource: str) -> None:
    assert rejection(document(allow(resource=resource))) == IAM_PATH  # LS invalid-35


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:*",
        "arn:aws:iam::*:user/${aws:username}",
        "arn:aws:iam::123456789012:ro*",  # could be role/... or root
        "arn:aws:iam::123456789012:${aws:PrincipalTag/path}",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ],
)
def test_iam_resource_paths_accepted(resource: str) -> None:
    parse_policy(document(allow(resource=resource)), PolicyKind.MANAGED)


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:us-west-2:123456789012:accesspoint/scores",  # LS valid-50
        "arn:aws:s3:us-west-2:123456789012:job/*",
    ],
)
def test_regional_s3_resources_accepted(resource: str) -> None:
    parse_policy(document(allow(resource=resource)), PolicyKind.MANAGED)


@pytest.mark.parametrize(
    "resource",
    [
        "*",
        "arn:aws:s3:::bucket/*",
        "arn:aws:dynamodb:*:*:table/*",
        "arn:aws:dynamodb:us-west-2:123456789012:table/T",
        "arn:aws:dynamodb:*",
    ],
)
def test_accepted_resources(resource: str) -> None:
    parse_policy(document(allow(resource=resource)), PolicyKind.IDENTITY)


def test_resource_format_error_is_reported_after_missing_actions() -> None:
    # moto's order: legacy parsing, Sids, presence of actions/resources, then the resource error.
    text = document(allow(resource="bucket"), {"Effect": "Allow", "Resource": "*"})
    assert rejection(text) == "Policy statement must contain actions."


def test_principal_not_allowed_outside_trust_and_resource_policies() -> None:
    text = document(allow(Principal={"AWS": "123456789012"}))
    for kind in (PolicyKind.IDENTITY, PolicyKind.MANAGED, PolicyKind.SESSION, PolicyKind.BOUNDARY):
        assert rejection(text, kind) == "Policy document should not specify a principal."


def trust(**statement: Any) -> str:
    base = {
        "Effect": "Allow",
        "Principal": {"Federated": "www.amazon.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    return document({**base, **statement})


def test_trust_policy_rules() -> None:
    parse_policy(trust(), PolicyKind.TRUST)
    assert rejection(trust(Resource="*"), PolicyKind.TRUST) == "Has prohibited field Resource"
    assert rejection(trust(NotResource="*"), PolicyKind.TRUST) == "Has prohibited field NotResource"
    no_principal = document({"Effect": "Allow", "Action": "sts:AssumeRole"})
    assert rejection(no_principal, PolicyKind.TRUST) == "Missing required field Principal"
    assert (
        rejection(trust(Action="s3:GetObject"), PolicyKind.TRUST)
        == "AssumeRole policy may only specify STS AssumeRole actions."
    )
    parse_policy(
        trust(Action=["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]), PolicyKind.TRUST
    )


TRUST_ACTIONS_ONLY = "AssumeRole policy may only specify STS AssumeRole actions."


@pytest.mark.parametrize(
    "action", ["sts:InvalidAction", "sts:GetCallerIdentity", "sts:Get*", "dynamodb:GetItem"]
)
def test_trust_actions_refused(action: str) -> None:
    # localstack test_iam_roles.snapshot.json: UpdateAssumeRolePolicy refuses sts:InvalidAction.
    assert rejection(trust(Action=action), PolicyKind.TRUST) == TRUST_ACTIONS_ONLY


@pytest.mark.parametrize(
    "action",
    [
        "sts:AssumeRole",
        "STS:assumerolewithwebidentity",
        "sts:AssumeRoleWithSAML",
        "sts:SetSourceIdentity",
        "sts:SetContext",
        "sts:AssumeRole*",
        "sts:*",
        "*",
    ],
)
def test_trust_actions_accepted(action: str) -> None:
    parse_policy(trust(Action=action), PolicyKind.TRUST)


NO_PRINCIPALS = (
    "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
    "The passed in policy has a statement with no principals!"
)


def test_a_statement_with_no_principals() -> None:
    # terraform-aws-modules/terraform-aws-iam#47: CreateRole with `"AWS": []`.
    assert rejection(trust(Principal={"AWS": []}), PolicyKind.TRUST) == NO_PRINCIPALS
    assert rejection(trust(Principal={}), PolicyKind.TRUST) == NO_PRINCIPALS
    parse_policy(trust(Principal={"AWS": [], "Federated": "www.amazon.com"}), PolicyKind.TRUST)


def test_not_principal_rules() -> None:
    # NotPrincipal element page: only with Deny, never in a role trust policy.
    not_principal = {"Federated": "www.amazon.com"}
    deny_all_but = document(
        {"Effect": "Deny", "NotPrincipal": not_principal, "Action": "sts:AssumeRole"}
    )
    assert rejection(deny_all_but, PolicyKind.TRUST) == (
        "AssumeRole policy must not contain NotPrincipal field."
    )
    allow_all_but = document(
        {"Effect": "Allow", "NotPrincipal": not_principal, "Action": "sts:AssumeRole"}
    )
    assert rejection(allow_all_but, PolicyKind.TRUST) == "Allow with NotPrincipal is not allowed."
    table_policy = document(deny(NotPrincipal={"AWS": "123456789012"}))
    parse_policy(table_policy, PolicyKind.RESOURCE)


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (PolicyKind.MANAGED, "not json", SYNTAX),  # CreatePolicy, LS invalid-0
        (PolicyKind.IDENTITY, "not json", SYNTAX),  # PutRolePolicy
        (PolicyKind.BOUNDARY, "{", SYNTAX),
        (PolicyKind.TRUST, "not json", "This policy contains invalid Json"),  # LS roles
        (PolicyKind.TRUST, '{"Statement": [],}', "This policy contains invalid Json"),
        (PolicyKind.TRUST, '{"Version": NaN}', "This policy contains invalid Json"),
        (PolicyKind.SESSION, "}", "The policy is not in the valid JSON format."),  # hadoop
        (PolicyKind.SESSION, " [1]", "The policy is not in the valid JSON format."),
        (PolicyKind.SESSION, "{'Version': 1}", SYNTAX),  # hadoop
        (PolicyKind.MANAGED, "null", SYNTAX),  # 99designs/iamy#74
        (PolicyKind.TRUST, "[]", SYNTAX),
    ],
)
def test_not_json_message_depends_on_the_api(kind: PolicyKind, text: str, message: str) -> None:
    assert rejection(text, kind) == message


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": "arn:aws:iam::123456789012:role/*"},
        {"AWS": "not-an-account"},
        {"Federated": "*.example.com"},
        {"Service": ""},
    ],
)
def test_invalid_principals(principal: dict[str, str]) -> None:
    type_name, value = next(iter(principal.items()))
    message = rejection(trust(Principal=principal), PolicyKind.TRUST)
    # IAM upper-cases the type ("SERVICE", aws-samples/aws-cdk-examples#801).
    assert message == f'Invalid principal in policy: "{type_name.upper()}":"{value}"'


def test_principal_syntax() -> None:
    assert rejection(trust(Principal={"Unknown": "x"}), PolicyKind.TRUST) == SYNTAX
    assert rejection(trust(Principal="someone"), PolicyKind.TRUST) == SYNTAX
    parse_policy(trust(Principal="*"), PolicyKind.TRUST)
    parse_policy(
        trust(Principal={"AWS": ["123456789012", "arn:aws:iam::123456789012:root"]}),
        PolicyKind.TRUST,
    )


def test_version_rules() -> None:
    unversioned = document(allow(), version=None)
    old = document(allow(), version="2008-10-17")
    message = "Policy document must be version 2012-10-17 or greater."
    for kind in (PolicyKind.MANAGED, PolicyKind.BOUNDARY):
        assert rejection(unversioned, kind) == message
        assert rejection(old, kind) == message
    assert parse_policy(unversioned, PolicyKind.IDENTITY).version is None
    assert parse_policy(old, PolicyKind.SESSION).version == "2008-10-17"


def test_id_is_accepted_in_every_kind() -> None:
    # LS valid-24: CreatePolicy accepts an Id although the Id page reserves it for
    # resource-based policies.
    text = json.dumps({"Version": "2012-10-17", "Id": "x", "Statement": [allow()]})
    for kind in (PolicyKind.IDENTITY, PolicyKind.MANAGED, PolicyKind.SESSION):
        assert parse_policy(text, kind).document_id == "x"
    resource_policy = json.dumps(
        {"Version": "2012-10-17", "Id": "x", "Statement": [allow(Principal="*")]}
    )
    assert parse_policy(resource_policy, PolicyKind.RESOURCE).document_id == "x"
    assert rejection(json.dumps({"Id": 1, "Statement": [allow()]})) == SYNTAX


def test_characters_outside_the_allowed_set() -> None:
    text = document(allow(Sid="A")).replace('"A"', '"\u4e2d"')
    assert rejection(text) == "Policy document contains characters outside the allowed set."
    parse_policy(
        document(allow(Condition={"StringEquals": {"k:x": "caf\u00e9"}})), PolicyKind.IDENTITY
    )


def test_condition_value_rules() -> None:
    assert rejection(document(allow(Condition={"NullIfExists": {"k:x": "true"}}))).startswith(
        "The Null operator"
    )
    assert rejection(
        document(allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}))
    ).startswith("Invalid IP")


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"k:x": []}},  # LS valid-18: an empty value list
        {"ForAllValues:StringEquals": {"k:x": []}},
        {"StringEquals": {"nokey": "x"}},  # LS valid-32: a key without a prefix
        {"StringEqualz": {}},  # LS valid-19: an unknown operator with an empty body
        {"DateGreaterThan": {}},  # LS valid-17
    ],
)
def test_conditions_iam_accepts(condition: dict[str, Any]) -> None:
    parse_policy(document(allow(Condition=condition)), PolicyKind.MANAGED)


def test_what_an_empty_value_list_means() -> None:
    # No value to equal: a positive operator never holds, a negated one always does.
    assert not condition_holds("StringEquals", "k:x", [], {"k:x": "v"})
    assert condition_holds("StringNotEquals", "k:x", [], {"k:x": "v"})
    assert decide(document(allow(Condition={"Nonsense": {}}))).allowed


def test_condition_keys_may_hold_several_colons() -> None:
    # OIDC keys: the provider URL without scheme, port included (issue 3 item 3).
    parse_policy(
        document(allow(Condition={"StringEquals": {"127.0.0.1:4010/idp:sub": "x"}})),
        PolicyKind.IDENTITY,
    )


@pytest.mark.parametrize(
    "statement",
    [
        allow("s3:Get${*}"),
        allow(resource="arn:aws:dynamodb:${aws:RequestedRegion}:123456789012:table/T"),
        allow(Condition={"NumericEquals": {"k:x": "${aws:username}"}}),
        allow(Condition={"Bool": {"k:x": "${aws:username}"}}),
        allow(Condition={"StringEquals": {"k:${aws:username}": "x"}}),
    ],
)
def test_variables_outside_supported_places(statement: dict[str, Any]) -> None:
    assert rejection(document(statement)).startswith("Variable unsupported in")
    parse_policy(document(statement, version="2008-10-17"), PolicyKind.IDENTITY)


def test_variable_syntax_errors_surface_as_malformed_documents() -> None:
    text = document(allow(Condition={"StringEquals": {"k:x": "${aws:username"}}))
    assert rejection(text).startswith("Missing brace in variable")
