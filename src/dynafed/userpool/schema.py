"""A pool's attribute schema: the standard attributes every pool has, the custom ones its
`Schema` / AddCustomAttributes define (`custom:<name>`), and whether user attributes conform.
Pure.

As Cognito (developer guide, "User pool attributes"; API reference, SchemaAttributeType):
a custom attribute is a String (`StringAttributeConstraints` MinLength / MaxLength, at most
2048 characters) or a Number (`NumberAttributeConstraints` MinValue / MaxValue, whole
numbers), or a Boolean / DateTime; it is `Mutable` unless told otherwise, can never be
required, removed or changed, and is named `custom:<Name>`. A standard attribute may be made
`Required` at creation. Every value is a string on the wire and in the ID token.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

CUSTOM_PREFIX = "custom:"
MAX_STRING_LENGTH = 2048
MAX_CUSTOM_ATTRIBUTES = 50
STRING, NUMBER, BOOLEAN, DATE_TIME = "String", "Number", "Boolean", "DateTime"

_PLAIN = ("String", True, 0, MAX_STRING_LENGTH)
STANDARD_ATTRIBUTES: dict[str, tuple[str, bool, int, int]] = {
    "sub": ("String", False, 1, MAX_STRING_LENGTH),
    **{
        name: _PLAIN
        for name in (
            "name",
            "given_name",
            "family_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "email",
            "gender",
            "zoneinfo",
            "locale",
            "phone_number",
            "address",
        )
    },
    "birthdate": ("String", True, 10, 10),
    "email_verified": ("Boolean", True, 0, 0),
    "phone_number_verified": ("Boolean", True, 0, 0),
    "updated_at": ("Number", True, 0, 0),
}
"""name → (data type, mutable, min length, max length): what DescribeUserPool lists for
every pool, in Cognito's order."""

NOT_IN_SCHEMA = "Attribute does not exist in the schema."
REQUIRED = "The attribute is required."
NONCONFORMING = "Attributes did not conform to the schema: "


@dataclass(frozen=True, slots=True)
class CustomAttribute:
    name: str
    """With its prefix: `custom:tier`."""
    data_type: str = STRING
    mutable: bool = True
    min_length: int | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> CustomAttribute:
        return cls(**doc)

    def problem(self, value: str) -> str | None:
        """Why `value` does not fit, in words for the user; None when it does."""
        if self.data_type == STRING:
            most = MAX_STRING_LENGTH if self.max_length is None else self.max_length
            if len(value) > most:
                return f"String must be no longer than {most} characters."
            if self.min_length is not None and len(value) < self.min_length:
                return f"String must be no shorter than {self.min_length} characters."
            return None
        if self.data_type == NUMBER:
            try:
                number = int(value)
            except ValueError:
                return "Number must be a whole number."
            if self.max_value is not None and number > self.max_value:
                return f"Number must be no greater than {self.max_value}."
            if self.min_value is not None and number < self.min_value:
                return f"Number must be no less than {self.min_value}."
            return None
        if self.data_type == BOOLEAN and value not in ("true", "false"):
            return "Boolean must be true or false."
        return None

    def described(self) -> dict[str, Any]:
        """`SchemaAttributeType`, as DescribeUserPool lists it."""
        shown: dict[str, Any] = {
            "Name": self.name,
            "AttributeDataType": self.data_type,
            "DeveloperOnlyAttribute": False,
            "Mutable": self.mutable,
            "Required": False,
        }
        if self.data_type == STRING:
            shown["StringAttributeConstraints"] = _bounds(
                "MinLength", self.min_length, "MaxLength", self.max_length
            )
        if self.data_type == NUMBER:
            shown["NumberAttributeConstraints"] = _bounds(
                "MinValue", self.min_value, "MaxValue", self.max_value
            )
        return shown


def _bounds(low_name: str, low: int | None, high_name: str, high: int | None) -> dict[str, str]:
    found = {low_name: low, high_name: high}
    return {name: str(value) for name, value in found.items() if value is not None}


def described_schema(custom: list[CustomAttribute], required: list[str]) -> list[dict[str, Any]]:
    """DescribeUserPool's `SchemaAttributes`: the standard attributes, then the custom ones."""
    shown = []
    for name, (data_type, mutable, shortest, longest) in STANDARD_ATTRIBUTES.items():
        entry: dict[str, Any] = {
            "Name": name,
            "AttributeDataType": data_type,
            "DeveloperOnlyAttribute": False,
            "Mutable": mutable,
            "Required": name == "sub" or name in required,
        }
        if data_type == STRING:
            entry["StringAttributeConstraints"] = {
                "MinLength": str(shortest),
                "MaxLength": str(longest),
            }
        if data_type == NUMBER:
            entry["NumberAttributeConstraints"] = {"MinValue": "0"}
        shown.append(entry)
    return shown + [attribute.described() for attribute in custom]


def nonconformities(
    custom: list[CustomAttribute], given: dict[str, str], creating: bool
) -> list[str]:
    """`<name>: <problem>` for each attribute of `given` the schema refuses; `creating`:
    the user is being made (an immutable attribute may be set only then)."""
    by_name = {attribute.name: attribute for attribute in custom}
    problems = []
    for name, value in given.items():
        if name in STANDARD_ATTRIBUTES:
            continue
        attribute = by_name.get(name)
        if attribute is None:
            problems.append(f"{name}: {NOT_IN_SCHEMA}")
            continue
        if not attribute.mutable and not creating:
            problems.append(f"{name}: Cannot modify an immutable attribute.")
            continue
        problem = attribute.problem(value) if value else None
        if problem is not None:
            problems.append(f"{name}: {problem}")
    return problems


def missing_required(required: list[str], present: dict[str, str]) -> list[str]:
    return [f"{name}: {REQUIRED}" for name in required if not present.get(name)]


def nonconforming_message(problems: list[str]) -> str:
    """Cognito's wording: one line per attribute, each ended by a newline."""
    return NONCONFORMING + "".join(f"{problem}\n" for problem in problems)
