"""Request shapes read from botocore's service models, and the refinements laid over them."""

from __future__ import annotations

from dynafed.core.validation.models import (
    Refinements,
    changed,
    input_shape,
    is_unsigned,
    replaced_by,
)
from dynafed.core.validation.shapes import AttrValue, ListOf, Long, MapOf, Str, Struct
from dynafed.dynamodb.validation.model import TABLE_NAME, request_shape


def test_members_constraints_and_requiredness_come_from_the_model() -> None:
    shape = input_shape("dynamodb", "CreateTable")
    assert shape.name == "CreateTableInput"
    assert shape.fields["TableName"] == Str(required=True, min_len=1, max_len=1024)
    billing = shape.fields["BillingMode"]
    assert isinstance(billing, Str) and billing.enum == ("PROVISIONED", "PAY_PER_REQUEST")
    key_schema = shape.fields["KeySchema"]
    assert isinstance(key_schema, ListOf) and key_schema.min_len == 1
    element = key_schema.member
    assert isinstance(element, Struct) and element.name == "KeySchemaElement"
    assert element.fields["AttributeName"] == Str(required=True, min_len=1, max_len=255)


def test_integer_and_long_members_keep_their_java_type() -> None:
    query = input_shape("dynamodb", "Query")
    assert query.fields["Limit"] == Long(minimum=1, java_type="Integer")
    throughput = input_shape("dynamodb", "CreateTable").fields["ProvisionedThroughput"]
    assert isinstance(throughput, Struct)
    assert throughput.fields["ReadCapacityUnits"] == Long(required=True, minimum=1)


def test_sensitive_strings_are_marked() -> None:
    shape = input_shape("cognito-idp", "SignUp")
    password = shape.fields["Password"]
    assert isinstance(password, Str) and password.sensitive
    assert is_unsigned("cognito-idp", "SignUp")
    assert not is_unsigned("cognito-idp", "AdminCreateUser")


def test_shape_refinement_applies_everywhere_and_keeps_requiredness() -> None:
    refined = Refinements(shapes={"AttributeValue": replaced_by(AttrValue())})
    shape = input_shape("dynamodb", "GetItem", refined)
    assert shape.fields["Key"] == MapOf(required=True, value=AttrValue())
    expression_values = input_shape("dynamodb", "Query", refined).fields[
        "ExpressionAttributeValues"
    ]
    assert expression_values == MapOf(value=AttrValue())


def test_member_refinement_prefers_the_named_structure_over_the_wildcard() -> None:
    refined = Refinements(
        members={
            ("*", "Limit"): changed(maximum=7),
            ("QueryInput", "Limit"): changed(minimum=None),
        }
    )
    assert input_shape("dynamodb", "Query", refined).fields["Limit"] == Long(java_type="Integer")
    scan_limit = input_shape("dynamodb", "Scan", refined).fields["Limit"]
    assert scan_limit == Long(minimum=1, maximum=7, java_type="Integer")


def test_dynamodb_checks_a_data_plane_table_name_as_a_name_after_the_arn_shape() -> None:
    assert request_shape("GetItem").fields["TableName"] == TABLE_NAME
    put = request_shape("TransactWriteItems").fields["TransactItems"]
    assert isinstance(put, ListOf) and isinstance(put.member, Struct)
    nested_put = put.member.fields["Put"]
    assert isinstance(nested_put, Struct) and nested_put.fields["TableName"] == TABLE_NAME
    # an ARN member of the same model shape is not a table name
    source = request_shape("CreateTable").fields["GlobalTableSourceArn"]
    assert source == Str(min_len=1, max_len=1024)


def test_an_operation_without_input_is_an_empty_structure() -> None:
    assert input_shape("sts", "GetCallerIdentity").fields == {}
