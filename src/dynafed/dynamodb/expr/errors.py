"""DynamoDB's expression error texts, built the way DynamoDB builds them.

Every message is a fixed sentence, a `;`, then `key: value` details joined by `, `
(e.g. `Syntax error; token: "x", near: "a x"`); the request-level wrapper adds
`Invalid <Parameter>: `. The sentences are DynamoDB's own (its DbValidationError texts).
"""

from __future__ import annotations

from enum import Enum

from dynafed.errors import ValidationException


class Kind(Enum):
    """The request parameter an expression came from; its value prefixes error texts."""

    CONDITION = "ConditionExpression"
    FILTER = "FilterExpression"
    KEY_CONDITION = "KeyConditionExpression"
    UPDATE = "UpdateExpression"
    PROJECTION = "ProjectionExpression"


class ExpressionError(Exception):
    """An expression-level error; the request layer adds the `Invalid <Kind>:` prefix."""

    def __init__(self, sentence: str, **details: object) -> None:
        parts = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in details.items())
        super().__init__(f"{sentence}; {parts}" if parts else f"{sentence};")
        self.text = str(self)


class RedundantParentheses(ExpressionError):
    """Raised while parsing, like DynamoDB, so it beats later syntax errors."""

    def __init__(self) -> None:
        super().__init__("The expression has redundant parentheses")


def invalid(kind: Kind, error: ExpressionError) -> ValidationException:
    """The ValidationException DynamoDB returns for an expression error."""
    return ValidationException(f"Invalid {kind.value}: {error.text}")


SYNTAX = "Syntax error"
RESERVED = "Attribute name is a reserved keyword"
BAD_INDEX = "List index is not within the allowable range"
BAD_FUNCTION = "Invalid function name"
NOT_IN_CONDITION = "The function is not allowed in a condition expression"
NOT_IN_UPDATE = "The function is not allowed in an update expression"
MISUSED_FUNCTION = "The function is not allowed to be used this way in an expression"
BAD_TYPE_NAME = "Invalid attribute type name found"
DUPLICATE_SECTION = 'The "{}" section can only be used once in an update expression'
PATH_TOO_DEEP = "The document path has too many nesting levels"
PATH_CONFLICT = (
    "Two document paths conflict with each other; must remove or rewrite one of these paths"
)
PATH_OVERLAP = (
    "Two document paths overlap with each other; must remove or rewrite one of these paths"
)
UNDEFINED_NAME = "An expression attribute name used in the document path is not defined"
UNDEFINED_VALUE = "An expression attribute value used in expression is not defined"
OPERAND_COUNT = "Incorrect number of operands for operator or function"
OPERAND_TYPE = "Incorrect operand type for operator or function"
NEEDS_PATH = "Operator or function requires a document path"
NOT_DISTINCT = (
    "The first operand must be distinct from the remaining operands for this operator or function"
)
TOO_MANY_OPERATORS = "The expression contains too many operators"
EMPTY = "The expression can not be empty"
TOO_LONG = "Expression size has exceeded the maximum allowed size"
BETWEEN_ORDER = (
    "The BETWEEN operator requires upper bound to be greater than or equal to lower bound"
)
BETWEEN_TYPES = "The BETWEEN operator requires same data type for lower and upper bounds"
TOO_MANY_IN = "The IN operator is provided with too many operands"
