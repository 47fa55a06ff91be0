"""CreateTable (API reference: CreateTable).

validate the request → check key schema, indexes and billing → authorize
`dynamodb:CreateTable` on the new table's ARN → store the table document unless the name is
taken → answer the description with TableStatus CREATING, as AWS does (the table is usable
at once; DescribeTable reports ACTIVE).
"""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.control_plane import schema_rules as rules
from dynafed.dynamodb.control_plane import stored_settings
from dynafed.dynamodb.control_plane.table_description import describe
from dynafed.dynamodb.requests import CreateTableInput, ProvisionedThroughput, StreamSpecification
from dynafed.dynamodb.streams import lifecycle as stream_lifecycle
from dynafed.dynamodb.streams.model import StreamPolicy
from dynafed.dynamodb.tables import (
    DOCUMENT_KIND,
    PAY_PER_REQUEST,
    PROVISIONED,
    Stream,
    Table,
    Throughput,
)
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.common import require_table_name_present
from dynafed.dynamodb.validation.model import NOT_SERVED, request_shape
from dynafed.errors import ResourceInUseException
from dynafed.storage.port import TableStats, WriteTxn

RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[CreateTableInput] = RequestShape(
    request_shape("CreateTable"), NOT_SERVED["CreateTable"]
)


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    # A missing TableName has a message of its own; a bad one is reported with every other
    # constraint violation, as DynamoDB answers CreateTable (the conformance suite's
    # recording of AWS), unlike DescribeTable and friends' table-name pre-check.
    request = validate_request(REQUEST, body, precheck=require_table_name_present)
    table = define_table(ctx, request)
    ctx.authorize(fgac.control_plane("CreateTable", table.arn))
    ctx.storage.write(lambda txn: _insert(txn, table, ctx.stream_policy))
    description = describe(table, TableStats(0, 0), status="CREATING", index_status="CREATING")
    return {"TableDescription": description}


def define_table(ctx: OperationContext, request: CreateTableInput) -> Table:
    """The table the request defines, after every semantic check, in AWS's order."""
    throughput = request.get("ProvisionedThroughput")
    billing_mode = request.get("BillingMode", PROVISIONED)
    rules.check_throughput_bounds(throughput)
    rules.check_billing(billing_mode, throughput)
    definitions = {d["AttributeName"]: d["AttributeType"] for d in request["AttributeDefinitions"]}
    schema = rules.table_key_schema(request["KeySchema"], definitions)
    local = rules.local_indexes(request.get("LocalSecondaryIndexes"), schema, definitions)
    global_ = rules.global_indexes(request.get("GlobalSecondaryIndexes"), billing_mode, definitions)
    rules.check_unique_names((*local, *global_))
    rules.check_definitions_used(len(request["AttributeDefinitions"]), schema, (*local, *global_))
    now = ctx.clock.now()
    name = request["TableName"]
    arn = ctx.table_arn(name)
    return Table(
        name=name,
        table_id=ctx.new_id(),
        arn=arn,
        created_at=now,
        attribute_types=definitions,
        key_schema=schema,
        billing_mode=billing_mode,
        billing_mode_given="BillingMode" in request,
        pay_per_request_since=now if billing_mode == PAY_PER_REQUEST else None,
        throughput=_table_throughput(throughput),
        local_indexes=local,
        global_indexes=global_,
        stream=_stream(request.get("StreamSpecification"), arn, now, ctx.stream_policy.lanes),
        tags={tag["Key"]: tag["Value"] for tag in request.get("Tags", [])},
        deletion_protection=request.get("DeletionProtectionEnabled", False),
        table_class=request.get("TableClass"),
        encryption=stored_settings.encryption(
            request.get("SSESpecification"), ctx.region, ctx.account_id
        ),
        on_demand=stored_settings.request_limits(request.get("OnDemandThroughput")),
        warm=stored_settings.warm_throughput(request.get("WarmThroughput")),
    )


def _table_throughput(wire: ProvisionedThroughput | None) -> Throughput:
    if wire is None:
        return Throughput()
    return Throughput(wire["ReadCapacityUnits"], wire["WriteCapacityUnits"])


def _stream(
    spec: StreamSpecification | None, table_arn: str, now: float, lanes: int
) -> Stream | None:
    if spec is None:
        return None
    view_type = spec.get("StreamViewType")
    if not spec["StreamEnabled"]:
        if view_type is not None:
            raise rules.invalid("StreamViewType cannot be specified when StreamEnabled is false")
        return None
    if view_type is None:
        raise rules.invalid("You must specify a StreamViewType when enabling a stream")
    return rules.new_stream(view_type, table_arn, now, lanes)


def _insert(txn: WriteTxn, table: Table, policy: StreamPolicy) -> None:
    if txn.get_document(DOCUMENT_KIND, table.key) is not None:
        raise ResourceInUseException(f"Table already exists: {table.name}")
    txn.put_document(DOCUMENT_KIND, table.key, table.to_document())
    if table.stream is not None:
        stream_lifecycle.open_stream(txn, table, table.created_at, policy)
