"""ListStreams (DynamoDB Streams API reference): the streams of the request's region, of one
table if `TableName` says so, including disabled ones still readable, in stream ARN order
(so a table's streams come oldest first), paged by `ExclusiveStartStreamArn`."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb.streams.context import StreamsContext
from dynafed.dynamodb.streams.model import DOCUMENT_KIND
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import streams_request_shape

REQUEST: RequestShape[dict[str, Any]] = RequestShape(streams_request_shape("ListStreams"))
DEFAULT_LIMIT = 100


def run(ctx: StreamsContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    ctx.authorize("ListStreams", "*")
    prefix = f"arn:aws:dynamodb:{ctx.region}:{ctx.account_id}:table/"
    table = request.get("TableName")
    start = request.get("ExclusiveStartStreamArn")
    with ctx.storage.read() as view:
        streams = [
            doc
            for arn, doc in view.list_documents(DOCUMENT_KIND)
            if arn.startswith(prefix)
            and (table is None or doc["table_name"] == table)
            and (start is None or arn > start)
        ]
    limit = request.get("Limit", DEFAULT_LIMIT)
    page = streams[:limit]
    result: dict[str, Any] = {
        "Streams": [
            {"StreamArn": doc["arn"], "TableName": doc["table_name"], "StreamLabel": doc["label"]}
            for doc in page
        ]
    }
    if len(streams) > limit:
        result["LastEvaluatedStreamArn"] = page[-1]["arn"]
    return result
