"""Typed errors that carry their AWS code; the HTTP edge renders them once, per protocol.

Two families exist because AWS has two wire shapes:
- `DynamoDBError`: JSON 1.0/1.1 body `{"__type": "<namespace>#<Code>", "message": ...}`.
- `QueryError`: the Query protocol's XML `ErrorResponse` (STS, IAM), with `Type` Sender/Receiver.

Pure code (policy engine, expression engine) raises these too: they do no I/O.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AwsError(Exception):
    """Base of every error that reaches a client with an AWS error code."""

    code: ClassVar[str] = "InternalFailure"
    status: ClassVar[int] = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


# --- DynamoDB (JSON protocol) -------------------------------------------------------------

_DYNAMODB_NS = "com.amazonaws.dynamodb.v20120810"
_CORAL_VALIDATE = "com.amazon.coral.validate"
_CORAL_SERVICE = "com.amazon.coral.service"


class DynamoDBError(AwsError):
    namespace: ClassVar[str] = _DYNAMODB_NS

    @property
    def type_name(self) -> str:
        return f"{self.namespace}#{self.code}"

    def extra_fields(self) -> dict[str, Any]:
        """Fields beyond `__type`/`message` that the error body carries (e.g. `Item`)."""
        return {}


class ValidationException(DynamoDBError):
    code = "ValidationException"
    namespace = _CORAL_VALIDATE


class SerializationException(DynamoDBError):
    code = "SerializationException"
    namespace = _CORAL_SERVICE


class UnknownOperationException(DynamoDBError):
    code = "UnknownOperationException"
    namespace = _CORAL_SERVICE


class ResourceNotFoundException(DynamoDBError):
    code = "ResourceNotFoundException"


class ResourceInUseException(DynamoDBError):
    code = "ResourceInUseException"


class LimitExceededException(DynamoDBError):
    code = "LimitExceededException"


class TableNotFoundException(DynamoDBError):
    """The backup operations' word for a missing table (API reference: CreateBackup)."""

    code = "TableNotFoundException"


class TableAlreadyExistsException(DynamoDBError):
    """A restore's target table exists (API reference: RestoreTableFromBackup)."""

    code = "TableAlreadyExistsException"


class BackupNotFoundException(DynamoDBError):
    code = "BackupNotFoundException"


class SourceTableNotFoundException(DynamoDBError):
    """RestoreTableToPointInTime of a table that does not exist."""

    code = "SourceTableNotFoundException"


class PointInTimeRecoveryUnavailableException(DynamoDBError):
    """RestoreTableToPointInTime of a table without point-in-time recovery."""

    code = "PointInTimeRecoveryUnavailableException"


class InvalidRestoreTimeException(DynamoDBError):
    """A RestoreDateTime outside the table's restorable window."""

    code = "InvalidRestoreTimeException"


class ConditionalCheckFailedException(DynamoDBError):
    code = "ConditionalCheckFailedException"

    def __init__(
        self,
        message: str = "The conditional request failed",
        item: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.item = item

    def extra_fields(self) -> dict[str, Any]:
        return {"Item": self.item} if self.item is not None else {}


class DuplicateItemException(DynamoDBError):
    """A PartiQL INSERT of a key that already exists (API reference: ExecuteStatement)."""

    code = "DuplicateItemException"

    def __init__(self, message: str = "Duplicate primary key exists in table") -> None:
        super().__init__(message)


class TransactionCanceledException(DynamoDBError):
    code = "TransactionCanceledException"

    def __init__(self, message: str, reasons: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.reasons = reasons

    def extra_fields(self) -> dict[str, Any]:
        return {"CancellationReasons": self.reasons}


class TransactionConflictException(DynamoDBError):
    code = "TransactionConflictException"


class IdempotentParameterMismatchException(DynamoDBError):
    code = "IdempotentParameterMismatchException"


class ItemCollectionSizeLimitExceededException(DynamoDBError):
    code = "ItemCollectionSizeLimitExceededException"


class AccessDeniedException(DynamoDBError):
    code = "AccessDeniedException"
    namespace = _CORAL_SERVICE


class UnrecognizedClientException(DynamoDBError):
    code = "UnrecognizedClientException"
    namespace = _CORAL_SERVICE


class InvalidSignatureException(DynamoDBError):
    code = "InvalidSignatureException"
    namespace = _CORAL_SERVICE


class MissingAuthenticationTokenException(DynamoDBError):
    code = "MissingAuthenticationTokenException"
    namespace = _CORAL_SERVICE
    status = 403


class IncompleteSignatureException(DynamoDBError):
    code = "IncompleteSignatureException"
    namespace = _CORAL_SERVICE


class ExpiredTokenException(DynamoDBError):
    code = "ExpiredTokenException"
    namespace = _CORAL_SERVICE


class RequestEntityTooLarge(DynamoDBError):
    code = "RequestEntityTooLarge"
    namespace = _CORAL_SERVICE
    status = 413


class InternalServerError(DynamoDBError):
    code = "InternalServerError"
    status = 500


class ServiceUnavailable(DynamoDBError):
    """The database cannot be reached right now (Developer Guide, "Error handling with
    DynamoDB": ServiceUnavailable, HTTP 503, "should be a temporary state", OK to retry)."""

    code = "ServiceUnavailable"
    status = 503


# --- Query protocol (STS, IAM) ------------------------------------------------------------


class QueryError(AwsError):
    """An error of a Query-protocol service, rendered as XML `ErrorResponse`."""

    fault: ClassVar[str] = "Sender"


class ValidationError(QueryError):
    code = "ValidationError"


class InvalidInput(QueryError):
    code = "InvalidInput"


class InvalidAction(QueryError):
    code = "InvalidAction"


class MissingAction(QueryError):
    code = "MissingAction"


class MalformedPolicyDocument(QueryError):
    code = "MalformedPolicyDocument"

    def __init__(self, message: str = "", detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail
        """Where the document goes wrong (line, column, what was expected), for tools that
        show it (`dynafed policy check`); never part of the API's answer, which is AWS's."""


class PackedPolicyTooLarge(QueryError):
    code = "PackedPolicyTooLarge"


class NoSuchEntity(QueryError):
    code = "NoSuchEntity"
    status = 404


class EntityAlreadyExists(QueryError):
    code = "EntityAlreadyExists"
    status = 409


class DeleteConflict(QueryError):
    code = "DeleteConflict"
    status = 409


class LimitExceeded(QueryError):
    code = "LimitExceeded"
    status = 409


class AccessDenied(QueryError):
    code = "AccessDenied"
    status = 403


class InvalidClientTokenId(QueryError):
    """Query APIs' refusal of credentials they do not accept (e.g. IAM called with
    GetSessionToken credentials that carry no MFA)."""

    code = "InvalidClientTokenId"
    status = 403


class ReportNotPresent(QueryError):
    """GetCredentialReport before GenerateCredentialReport."""

    code = "ReportNotPresent"
    status = 410


class ReportExpired(QueryError):
    """GetCredentialReport of a report older than four hours."""

    code = "ReportExpired"
    status = 410


class InvalidIdentityToken(QueryError):
    code = "InvalidIdentityToken"


class ExpiredToken(QueryError):
    """STS's code for an expired web identity token or SAML assertion."""

    code = "ExpiredTokenException"


class IDPCommunicationError(QueryError):
    code = "IDPCommunicationError"


class IDPRejectedClaim(QueryError):
    code = "IDPRejectedClaim"
    status = 403


class QueryAuthFailure(QueryError):
    """A SigV4 failure on a Query-protocol API; `code` is set per instance."""

    def __init__(self, code: str, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.instance_code = code
        self.instance_status = status


class MalformedQueryString(QueryError):
    """A form body that cannot be decoded, or that repeats a parameter."""

    code = "MalformedQueryString"


class MalformedInput(QueryError):
    """A Query parameter whose text is not of its type (e.g. `MaxItems=abc`)."""

    code = "MalformedInput"


class InternalFailure(QueryError):
    code = "InternalFailure"
    status = 500
    fault = "Receiver"


class QueryServiceUnavailable(QueryError):
    """AWS's common error for a temporary failure of the server (HTTP 503)."""

    code = "ServiceUnavailable"
    status = 503
    fault = "Receiver"


# --- Cognito Identity (JSON 1.1) ----------------------------------------------------------


class CognitoIdentityError(AwsError):
    """An error of the Cognito Identity API: JSON 1.1 `{"__type": "<Code>", "message": …}`
    (bare code, no namespace). The service answers every client error with HTTP 400."""


class CognitoValidationException(CognitoIdentityError):
    """A violated service-model constraint, worded as AWS's request validator words it."""

    code = "ValidationException"


class InvalidParameterException(CognitoIdentityError):
    code = "InvalidParameterException"


class NotAuthorizedException(CognitoIdentityError):
    code = "NotAuthorizedException"


class CognitoResourceNotFound(CognitoIdentityError):
    code = "ResourceNotFoundException"


class ResourceConflictException(CognitoIdentityError):
    code = "ResourceConflictException"


class CognitoLimitExceeded(CognitoIdentityError):
    code = "LimitExceededException"


class InvalidIdentityPoolConfigurationException(CognitoIdentityError):
    code = "InvalidIdentityPoolConfigurationException"


class ExternalServiceException(CognitoIdentityError):
    code = "ExternalServiceException"


class CognitoUnknownOperation(CognitoIdentityError):
    code = "UnknownOperationException"


class CognitoSerializationException(CognitoIdentityError):
    code = "SerializationException"


class InternalErrorException(CognitoIdentityError):
    code = "InternalErrorException"
    status = 500
