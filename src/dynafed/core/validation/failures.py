"""What the checkers raise; each service turns them into its own error codes.

DynamoDB answers a `WrongJsonType` with `SerializationException` and a `ValidationFailed`
with `ValidationException`; Cognito has exceptions of the same names in its own namespace.
"""

from __future__ import annotations


class WrongJsonType(ValueError):
    """A member of the wrong JSON type: the body cannot be read into the model at all."""


class ValidationFailed(ValueError):
    """The body reads into the model but breaks its constraints; the message lists them."""


class MalformedValue(ValueError):
    """A Query-protocol parameter that does not parse as its member's type (a number, a
    boolean); IAM and STS word it differently."""

    def __init__(self, parameter: str, text: str) -> None:
        super().__init__(f"{parameter}={text!r}")
        self.parameter = parameter
        self.text = text
