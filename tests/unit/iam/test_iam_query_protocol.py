"""The Query wire helpers, checked against what botocore's own parser makes of our bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from botocore.parsers import QueryParser

from dynafed.core.query_results import XmlMap
from dynafed.core.validation.query_input import (
    read_list,
    read_map,
    read_struct_list,
    read_tags,
    sub_params,
)
from dynafed.errors import MalformedQueryString
from dynafed.server.query_protocol import (
    format_timestamp,
    parse_form,
    render_error,
    render_result,
)

IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
_SESSION = botocore.session.get_session()


def parse_with_botocore(service: str, operation: str, body: bytes, status: int = 200) -> Any:
    model = _SESSION.get_service_model(service).operation_model(operation)
    response = {"body": body, "headers": {}, "status_code": status}
    return QueryParser().parse(response, model.output_shape)


def test_parse_form_decodes_percent_and_plus() -> None:
    body = b"Action=CreateRole&RoleName=a%2Bb&Description=two+words&Path=%2F"
    assert parse_form(body) == {
        "Action": "CreateRole",
        "RoleName": "a+b",
        "Description": "two words",
        "Path": "/",
    }


def test_parse_form_keeps_empty_values_for_empty_lists() -> None:
    params = parse_form(b"Action=X&ClientIDList=")
    assert read_list(params, "ClientIDList") == []
    assert read_list(params, "ThumbprintList") is None


def test_parse_form_rejects_repeated_parameter() -> None:
    with pytest.raises(MalformedQueryString):
        parse_form(b"RoleName=a&RoleName=b")


def test_parse_form_rejects_non_utf8() -> None:
    with pytest.raises(MalformedQueryString):
        parse_form(b"RoleName=%FF\xff")


def test_read_list_orders_by_index_not_by_text() -> None:
    params = {f"ActionNames.member.{i}": f"a{i}" for i in (10, 2, 1)}
    assert read_list(params, "ActionNames") == ["a1", "a2", "a10"]


def test_read_struct_list_with_nested_list() -> None:
    params = parse_form(
        b"ContextEntries.member.1.ContextKeyName=aws%3ASourceIp"
        b"&ContextEntries.member.1.ContextKeyType=ipList"
        b"&ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1"
        b"&ContextEntries.member.1.ContextKeyValues.member.2=10.0.0.2"
        b"&ContextEntries.member.2.ContextKeyName=aws%3Auserid"
    )
    entries = read_struct_list(params, "ContextEntries")
    assert entries is not None and len(entries) == 2
    assert entries[0]["ContextKeyName"] == "aws:SourceIp"
    assert read_list(entries[0], "ContextKeyValues") == ["10.0.0.1", "10.0.0.2"]
    assert read_list(entries[1], "ContextKeyValues") is None


def test_read_tags_and_map_and_sub_params() -> None:
    params = {
        "Tags.member.1.Key": "team",
        "Tags.member.1.Value": "blue",
        "Tags.member.2.Key": "empty",
        "Attributes.entry.1.key": "k",
        "Attributes.entry.1.value": "v",
    }
    assert read_tags(params) == [("team", "blue"), ("empty", "")]
    assert read_map(params, "Attributes") == {"k": "v"}
    assert read_map(params, "Other") is None
    assert sub_params(params, "Tags.member.1") == {"Key": "team", "Value": "blue"}


def test_timestamp_format_is_iso_utc_seconds() -> None:
    assert format_timestamp(1795314213.9) == "2026-11-22T02:23:33Z"
    naive = datetime(2026, 11, 22, 2, 23, 33)
    assert format_timestamp(naive) == "2026-11-22T02:23:33Z"


def test_create_role_result_parses_in_botocore() -> None:
    created = datetime(2026, 11, 22, 2, 23, 33, tzinfo=UTC)
    result = {
        "Role": {
            "Path": "/app/",
            "RoleName": "GameRole",
            "RoleId": "AROAJU4SA2VW5SZRF2YMG",
            "Arn": "arn:aws:iam::123456789012:role/app/GameRole",
            "CreateDate": created,
            "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D",
            "Description": "a <b> & c",
            "MaxSessionDuration": 7200,
            "Tags": [{"Key": "team", "Value": "blue"}],
            "PermissionsBoundary": None,
        }
    }
    body = render_result("CreateRole", result, IAM_XMLNS, "req-1")
    parsed = parse_with_botocore("iam", "CreateRole", body)
    role = parsed["Role"]
    assert role["RoleName"] == "GameRole"
    assert role["CreateDate"] == created
    assert role["Description"] == "a <b> & c"
    assert role["MaxSessionDuration"] == 7200
    assert role["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert "PermissionsBoundary" not in role
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"


def test_lists_booleans_and_maps_parse_in_botocore() -> None:
    result = {
        "EvaluationResults": [
            {
                "EvalActionName": "dynamodb:GetItem",
                "EvalDecision": "allowed",
                "MatchedStatements": [
                    {
                        "SourcePolicyId": "PolicyInputList.1",
                        "StartPosition": {"Line": 1, "Column": 2},
                    }
                ],
                "MissingContextValues": [],
                "EvalDecisionDetails": XmlMap({"IAM Policy": "allowed"}),
                "PermissionsBoundaryDecisionDetail": {"AllowedByPermissionsBoundary": True},
            }
        ],
        "IsTruncated": False,
    }
    body = render_result("SimulateCustomPolicy", result, IAM_XMLNS, "r")
    parsed = parse_with_botocore("iam", "SimulateCustomPolicy", body)
    evaluation = parsed["EvaluationResults"][0]
    assert evaluation["MatchedStatements"][0]["StartPosition"] == {"Line": 1, "Column": 2}
    assert evaluation["EvalDecisionDetails"] == {"IAM Policy": "allowed"}
    assert evaluation["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert parsed["IsTruncated"] is False


def test_empty_results_parse_for_actions_with_and_without_output_shape() -> None:
    for action in ("DeleteRole", "UpdateRole"):  # no output shape / an empty one
        body = render_result(action, {}, IAM_XMLNS, "r")
        parsed = parse_with_botocore("iam", action, body)
        assert parsed["ResponseMetadata"]["RequestId"] == "r"


def test_carriage_return_survives_xml_parsing() -> None:
    body = render_result("GetRole", {"Role": {"Description": "a\r\nb"}}, IAM_XMLNS, "r")
    assert parse_with_botocore("iam", "GetRole", body)["Role"]["Description"] == "a\r\nb"


def test_sts_credentials_parse_in_botocore() -> None:
    expiration = datetime(2026, 11, 22, 3, 23, 33, tzinfo=UTC)
    result = {
        "Credentials": {
            "AccessKeyId": "ASIAEXAMPLE",
            "SecretAccessKey": "secret",
            "SessionToken": "token",
            "Expiration": expiration,
        },
        "SubjectFromWebIdentityToken": "user-1",
        "PackedPolicySize": 6,
    }
    body = render_result("AssumeRoleWithWebIdentity", result, STS_XMLNS, "r")
    parsed = parse_with_botocore("sts", "AssumeRoleWithWebIdentity", body)
    assert parsed["Credentials"]["Expiration"] == expiration
    assert parsed["PackedPolicySize"] == 6


def test_error_response_parses_in_botocore() -> None:
    body = render_error(
        "NoSuchEntity", "The role with name X cannot be found.", "Sender", IAM_XMLNS, "req-9"
    )
    parsed = parse_with_botocore("iam", "GetRole", body, status=404)
    assert parsed["Error"] == {
        "Type": "Sender",
        "Code": "NoSuchEntity",
        "Message": "The role with name X cannot be found.",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"
