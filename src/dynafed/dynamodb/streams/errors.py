"""The errors only DynamoDB Streams answers (API reference: GetRecords, GetShardIterator)."""

from __future__ import annotations

from dynafed.errors import DynamoDBError


class ExpiredIteratorException(DynamoDBError):
    code = "ExpiredIteratorException"


class TrimmedDataAccessException(DynamoDBError):
    code = "TrimmedDataAccessException"
